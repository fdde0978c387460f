import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import {
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENTS,
  type CreateWebhookRequestBody,
  type UpdateWebhookRequestBody,
  type WebhookDeliveryEvent,
  type WebhookDeliveryQueuedResponseBody,
  type WebhookDeliveryResponseBody,
  type WebhookDeliveryStatus,
  type WebhookEvent,
  type WebhookResponseBody,
  type WebhookWithSecretResponseBody,
} from '@jim/contracts';
import type { Webhook, WebhookDelivery } from '@jim/persistence';
import { iso } from '../../common/iso';
import { PageQuery } from '../../common/paging';

const MAX_SCHEDULE_IDS = 1000;
const EVENTS_TEXT = WEBHOOK_EVENTS.join(', ');

/** The checks of each request field, the same on create and update (where every field is optional). */
const UrlChecks = () => applyDecorators(IsString({ message: 'must be a string' }), Length(1, 2000, { message: 'must be 1 to 2000 characters' }));
const DescriptionChecks = () => applyDecorators(IsOptional(), IsString({ message: 'must be a string' }), MaxLength(1000, { message: 'must be at most 1000 characters' }));
const EventsChecks = () =>
  applyDecorators(
    IsArray({ message: 'must be an array' }),
    ArrayMinSize(1, { message: 'must hold at least one event' }),
    ArrayMaxSize(WEBHOOK_EVENTS.length * 2),
    IsIn(WEBHOOK_EVENTS, { each: true, message: `each event must be one of ${EVENTS_TEXT}` }),
  );
const ScheduleIdsChecks = () =>
  applyDecorators(
    IsOptional(),
    IsArray({ message: 'must be an array' }),
    ArrayMaxSize(MAX_SCHEDULE_IDS, { message: `must hold at most ${MAX_SCHEDULE_IDS} ids` }),
    IsUUID('all', { each: true, message: 'each schedule id must be a UUID' }),
  );
const EnabledChecks = () => applyDecorators(IsOptional(), IsBoolean({ message: 'must be true or false' }));

export class CreateWebhookRequest implements CreateWebhookRequestBody {
  @ApiProperty({ type: 'string', maxLength: 2000, example: 'https://hooks.example.com/jim', description: 'Where deliveries are POSTed: an http(s) URL whose host does not resolve to a loopback, private, link-local, CGNAT or metadata address (unless JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)' })
  @UrlChecks()
  url: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000, description: 'Description (max 1000 characters)' })
  @DescriptionChecks()
  description?: string | null;

  @ApiProperty({ enum: [...WEBHOOK_EVENTS], isArray: true, minItems: 1, example: ['ExecutionFailed', 'RunSkipped'], description: `Events to deliver (at least one): ${EVENTS_TEXT}` })
  @EventsChecks()
  events: WebhookEvent[];

  @ApiPropertyOptional({ type: 'string', format: 'uuid', isArray: true, maxItems: MAX_SCHEDULE_IDS, description: 'Only events of these schedules; empty or absent: every schedule' })
  @ScheduleIdsChecks()
  scheduleIds?: string[];

  @ApiPropertyOptional({ type: 'boolean', default: true, description: 'Whether deliveries are sent (default: true)' })
  @EnabledChecks()
  isEnabled?: boolean;
}

export class UpdateWebhookRequest implements UpdateWebhookRequestBody {
  @ApiPropertyOptional({ type: 'string', maxLength: 2000, description: 'Where deliveries are POSTed (checked as on create)' })
  @IsOptional() @UrlChecks()
  url?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000, description: 'Description (max 1000 characters); null clears it' })
  @DescriptionChecks()
  description?: string | null;

  @ApiPropertyOptional({ enum: [...WEBHOOK_EVENTS], isArray: true, minItems: 1, description: `Events to deliver (at least one): ${EVENTS_TEXT}` })
  @IsOptional() @EventsChecks()
  events?: WebhookEvent[];

  @ApiPropertyOptional({ type: 'string', format: 'uuid', isArray: true, maxItems: MAX_SCHEDULE_IDS, description: 'Only events of these schedules; empty: every schedule' })
  @ScheduleIdsChecks()
  scheduleIds?: string[];

  @ApiPropertyOptional({ type: 'boolean', description: 'Whether deliveries are sent; enabling clears disabledReason' })
  @EnabledChecks()
  isEnabled?: boolean;
}

export class WebhookResponse implements WebhookResponseBody {
  @ApiProperty({ format: 'uuid', description: 'Webhook id' })
  id: string;
  @ApiProperty({ example: 'https://hooks.example.com/jim', description: 'Where deliveries are POSTed' })
  url: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'Description' })
  description: string | null;
  @ApiProperty({ enum: [...WEBHOOK_EVENTS], isArray: true, description: 'Events delivered' })
  events: WebhookEvent[];
  @ApiProperty({ type: 'string', format: 'uuid', isArray: true, description: 'Schedules whose events are delivered; empty: every schedule' })
  scheduleIds: string[];
  @ApiProperty({ description: 'Whether deliveries are sent' })
  isEnabled: boolean;
  @ApiProperty({ type: 'string', nullable: true, example: null, description: 'Why the service disabled the webhook (the receiver answered 410 Gone)' })
  disabledReason: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the webhook was created' })
  created: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the webhook was last changed' })
  lastUpdated: string | null;

  static from(webhook: Webhook): WebhookResponse {
    return {
      id: webhook.id,
      url: webhook.url,
      description: webhook.description,
      events: webhook.events,
      scheduleIds: webhook.scheduleIds,
      isEnabled: webhook.isEnabled,
      disabledReason: webhook.disabledReason,
      created: webhook.created.toISOString(),
      lastUpdated: iso(webhook.lastUpdated),
    };
  }
}

export class WebhookWithSecretResponse extends WebhookResponse implements WebhookWithSecretResponseBody {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The signing secret (Standard Webhooks form). Shown in this response only: store it now.' })
  secret: string;
}

export class WebhookDeliveryResponse implements WebhookDeliveryResponseBody {
  @ApiProperty({ format: 'uuid', description: 'Delivery id: also the `webhook-id` header of every attempt, by which receivers deduplicate' })
  id: string;
  @ApiProperty({ format: 'uuid', description: 'Webhook id' })
  webhookId: string;
  @ApiProperty({ enum: [...WEBHOOK_EVENTS, 'Ping'], description: 'The event delivered' })
  event: WebhookDeliveryEvent;
  @ApiProperty({ enum: [...WEBHOOK_DELIVERY_STATUSES], description: 'Pending (to be sent, or retried), Delivered (a 2xx answer) or Failed (given up)' })
  status: WebhookDeliveryStatus;
  @ApiProperty({ type: 'integer', description: 'Attempts made so far' })
  attempts: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status of the last answer; null when the receiver was not reached' })
  lastStatusCode: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'Why the last attempt failed (up to 4 KiB of the answer)' })
  lastError: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the last attempt was made' })
  lastAttemptAt: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the next attempt is due; null once delivered or given up' })
  nextAttemptAt: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When a 2xx answer came' })
  deliveredAt: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the event was recorded' })
  created: string;

  static from(delivery: WebhookDelivery): WebhookDeliveryResponse {
    return {
      id: delivery.id,
      webhookId: delivery.webhookId,
      event: delivery.event,
      status: delivery.status,
      attempts: delivery.attempts,
      lastStatusCode: delivery.lastStatusCode,
      lastError: delivery.lastError,
      lastAttemptAt: iso(delivery.lastAttemptAt),
      nextAttemptAt: iso(delivery.nextAttemptAt),
      deliveredAt: iso(delivery.deliveredAt),
      created: delivery.created.toISOString(),
    };
  }
}

export class WebhookDeliveryQueuedResponse implements WebhookDeliveryQueuedResponseBody {
  @ApiProperty({ format: 'uuid', description: 'The delivery to follow in the deliveries list' })
  deliveryId: string;
}

export class WebhookDeliveryListQuery extends PageQuery {}
