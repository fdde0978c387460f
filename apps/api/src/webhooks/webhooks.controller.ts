import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/auth.decorators';
import { NoQueryParameters, type PagedResponse } from '../common/paging';
import { uuidPipe } from '../common/uuid.pipe';
import { ApiAuthErrors, ApiErrors, ApiPagedOkResponse, notFound } from '../openapi/api-responses';
import {
  CreateWebhookRequest,
  UpdateWebhookRequest,
  WebhookDeliveryListQuery,
  WebhookDeliveryQueuedResponse,
  WebhookDeliveryResponse,
  WebhookResponse,
  WebhookWithSecretResponse,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const webhookId = uuidPipe('Webhook');
const NOT_FOUND = notFound('Webhook not found: {id}');
const URL_REFUSED =
  'VALIDATION_ERROR: invalid fields, or a URL that is not http(s), carries credentials, does not resolve, or resolves to a loopback, private, link-local, CGNAT, metadata or unspecified address.';

@ApiTags('Webhooks')
@ApiAuthErrors()
@Controller('api/v1/webhooks')
@RequireRole('Administrator')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @ApiOperation({ summary: 'Create a webhook', description: 'Creates a webhook. Its signing secret is in this response only: store it now.' })
  @ApiCreatedResponse({ type: WebhookWithSecretResponse, description: 'Created: the webhook and its signing secret.' })
  @ApiErrors({ 400: URL_REFUSED })
  @Post()
  create(@Body() body: CreateWebhookRequest): Promise<WebhookWithSecretResponse> {
    return this.webhooks.create(body);
  }

  @ApiOperation({ summary: 'List webhooks', description: 'Every webhook, oldest first; never their secrets.' })
  @ApiOkResponse({ type: WebhookResponse, isArray: true, description: 'The webhooks.' })
  @ApiErrors({ 400: 'VALIDATION_ERROR: an unknown query parameter (this operation takes none).' })
  @NoQueryParameters()
  @Get()
  list(): Promise<WebhookResponse[]> {
    return this.webhooks.list();
  }

  @ApiOperation({ summary: 'Get a webhook' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Webhook id' })
  @ApiOkResponse({ type: WebhookResponse, description: 'The webhook.' })
  @ApiErrors({ 404: NOT_FOUND })
  @Get(':id')
  get(@Param('id', webhookId) id: string): Promise<WebhookResponse> {
    return this.webhooks.get(id);
  }

  @ApiOperation({ summary: 'Update a webhook', description: 'Changes the fields sent; the others keep their values.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Webhook id' })
  @ApiOkResponse({ type: WebhookResponse, description: 'The updated webhook.' })
  @ApiErrors({ 400: URL_REFUSED, 404: NOT_FOUND })
  @Put(':id')
  update(@Param('id', webhookId) id: string, @Body() body: UpdateWebhookRequest): Promise<WebhookResponse> {
    return this.webhooks.update(id, body);
  }

  @ApiOperation({ summary: 'Delete a webhook', description: 'Deletes the webhook and its delivery log; deliveries not yet sent are dropped.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Webhook id' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors({ 404: NOT_FOUND })
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', webhookId) id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @ApiOperation({ summary: 'Rotate the signing secret', description: 'Replaces the signing secret; the new one is in this response only. Attempts made from now on are signed with it.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Webhook id' })
  @ApiOkResponse({ type: WebhookWithSecretResponse, description: 'The webhook and its new signing secret.' })
  @ApiErrors({ 404: NOT_FOUND })
  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateSecret(@Param('id', webhookId) id: string): Promise<WebhookWithSecretResponse> {
    return this.webhooks.rotateSecret(id);
  }

  @ApiOperation({ summary: 'Send a test delivery', description: 'Sends a signed `Ping` event (also to a disabled webhook); follow it in the deliveries list.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Webhook id' })
  @ApiAcceptedResponse({ type: WebhookDeliveryQueuedResponse, description: 'The Ping delivery is on its way.' })
  @ApiErrors({ 404: NOT_FOUND })
  @Post(':id/test')
  @HttpCode(202)
  test(@Param('id', webhookId) id: string): Promise<WebhookDeliveryQueuedResponse> {
    return this.webhooks.test(id);
  }

  @ApiOperation({ summary: 'List deliveries', description: 'The webhook\'s deliveries page by page, newest first: event, attempts, last status code and error, next attempt.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Webhook id' })
  @ApiPagedOkResponse(WebhookDeliveryResponse, 'A page of deliveries.')
  @ApiErrors({ 400: 'VALIDATION_ERROR: a query parameter is invalid.', 404: NOT_FOUND })
  @Get(':id/deliveries')
  deliveries(@Param('id', webhookId) id: string, @Query() query: WebhookDeliveryListQuery): Promise<PagedResponse<WebhookDeliveryResponse>> {
    return this.webhooks.deliveries(id, query);
  }

  @ApiOperation({ summary: 'Redeliver', description: 'Sends a delivery again now, whatever became of it, with the same `webhook-id` and body.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Webhook id' })
  @ApiParam({ name: 'deliveryId', format: 'uuid', description: 'Delivery id' })
  @ApiAcceptedResponse({ type: WebhookDeliveryQueuedResponse, description: 'The delivery is on its way again.' })
  @ApiErrors({ 404: notFound('Webhook not found: {id} (or Webhook delivery not found: {deliveryId})') })
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  redeliver(@Param('id', webhookId) id: string, @Param('deliveryId', uuidPipe('Webhook delivery')) deliveryId: string): Promise<WebhookDeliveryQueuedResponse> {
    return this.webhooks.redeliver(id, deliveryId);
  }
}
