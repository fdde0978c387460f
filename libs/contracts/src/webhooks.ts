/** The events a webhook can subscribe to; `Ping` is sent only by `POST /api/v1/webhooks/{id}/test`. */
export const WEBHOOK_EVENTS = [
  'ExecutionCompleted',
  'ExecutionCompletedWithWarnings',
  'ExecutionFailed',
  'ExecutionCancelled',
  'RunSkipped',
  'ScheduleChanged',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type WebhookDeliveryEvent = WebhookEvent | 'Ping';

/** Pending: to be sent (again); Delivered: a 2xx answer; Failed: gave up (24 h of retries, 410 Gone, webhook gone). */
export const WEBHOOK_DELIVERY_STATUSES = ['Pending', 'Delivered', 'Failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export interface WebhookFields {
  url: string;
  description?: string | null;
  events: WebhookEvent[];
  /** Empty or absent: every schedule. */
  scheduleIds?: string[];
  isEnabled?: boolean;
}

export type CreateWebhookRequestBody = WebhookFields;
export type UpdateWebhookRequestBody = Partial<WebhookFields>;

export interface WebhookResponseBody {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEvent[];
  scheduleIds: string[];
  isEnabled: boolean;
  /** Why the service disabled the webhook (a 410 Gone answer), if it did. */
  disabledReason: string | null;
  created: string;
  lastUpdated: string | null;
}

/** The response of create and rotate-secret: the only place the signing secret is ever shown. */
export interface WebhookWithSecretResponseBody extends WebhookResponseBody {
  secret: string;
}

export interface WebhookDeliveryResponseBody {
  id: string;
  webhookId: string;
  event: WebhookDeliveryEvent;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  created: string;
}

/** The answer to test and redeliver: the delivery that will be sent. */
export interface WebhookDeliveryQueuedResponseBody {
  deliveryId: string;
}
