import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@jim/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { WebhookRepository, type WebhookChanges } from '@jim/persistence';
import { generateWebhookSecret, resolveAllowedAddress } from '@jim/webhooks';
import { pagedResponse, paging, type PagedResponse } from '../common/paging';
import {
  WebhookDeliveryQueuedResponse,
  WebhookDeliveryResponse,
  WebhookResponse,
  WebhookWithSecretResponse,
  type CreateWebhookRequest,
  type UpdateWebhookRequest,
  type WebhookDeliveryListQuery,
} from './dto/webhook.dto';

@Injectable()
export class WebhooksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WebhookRepository) private readonly webhooks: WebhookRepository,
  ) {}

  async create(request: CreateWebhookRequest): Promise<WebhookWithSecretResponse> {
    await this.checkUrl(request.url);
    const secret = generateWebhookSecret();
    const webhook = await this.webhooks.create({
      url: request.url,
      description: request.description ?? null,
      events: unique(request.events),
      scheduleIds: unique((request.scheduleIds ?? []).map((id) => id.toLowerCase())),
      isEnabled: request.isEnabled ?? true,
      secret,
    });
    return { ...WebhookResponse.from(webhook), secret };
  }

  async list(): Promise<WebhookResponse[]> {
    return (await this.webhooks.list()).map(WebhookResponse.from);
  }

  async get(id: string): Promise<WebhookResponse> {
    return WebhookResponse.from(found(await this.webhooks.find(id), id));
  }

  async update(id: string, request: UpdateWebhookRequest): Promise<WebhookResponse> {
    found(await this.webhooks.find(id), id);
    if (request.url !== undefined) await this.checkUrl(request.url);
    const changes: WebhookChanges = {
      url: request.url,
      description: request.description,
      events: request.events && unique(request.events),
      scheduleIds: request.scheduleIds && unique(request.scheduleIds.map((s) => s.toLowerCase())),
      isEnabled: request.isEnabled,
    };
    return WebhookResponse.from(found(await this.webhooks.update(id, changes), id));
  }

  async remove(id: string): Promise<void> {
    if (!(await this.webhooks.delete(id))) throw notFound(id);
  }

  async rotateSecret(id: string): Promise<WebhookWithSecretResponse> {
    const secret = generateWebhookSecret();
    return { ...WebhookResponse.from(found(await this.webhooks.rotateSecret(id, secret), id)), secret };
  }

  async test(id: string): Promise<WebhookDeliveryQueuedResponse> {
    const deliveryId = await this.webhooks.ping(id);
    if (!deliveryId) throw notFound(id);
    return { deliveryId };
  }

  async deliveries(id: string, query: WebhookDeliveryListQuery): Promise<PagedResponse<WebhookDeliveryResponse>> {
    found(await this.webhooks.find(id), id);
    const page = paging(query);
    const { items, total } = await this.webhooks.deliveries(id, page.skip, page.pageSize);
    return pagedResponse(items.map(WebhookDeliveryResponse.from), total, page);
  }

  async redeliver(id: string, deliveryId: string): Promise<WebhookDeliveryQueuedResponse> {
    found(await this.webhooks.find(id), id);
    if (!(await this.webhooks.redeliver(id, deliveryId))) throw new NotFoundError(`Webhook delivery not found: ${deliveryId}`);
    return { deliveryId };
  }

  /** An http(s) URL whose host resolves only to addresses webhooks may target (checked again at each delivery). */
  private async checkUrl(text: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw ValidationError.field('url', 'must be an absolute http or https URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw ValidationError.field('url', 'must be an absolute http or https URL');
    if (url.username || url.password) throw ValidationError.field('url', 'must not carry credentials; deliveries are authenticated by their signature');
    try {
      await resolveAllowedAddress(url.hostname, this.config.webhooks.allowPrivateNetworks);
    } catch (error) {
      throw ValidationError.field('url', error instanceof Error ? error.message : String(error));
    }
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`Webhook not found: ${id}`);
}

function found<T>(value: T | null, id: string): T {
  if (value === null) throw notFound(id);
  return value;
}
