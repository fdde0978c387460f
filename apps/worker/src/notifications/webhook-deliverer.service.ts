import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { WebhookRepository, type AttemptOutcome } from '@jim/persistence';
import type { NotificationJobData } from '@jim/queue';
import { sendWebhook } from '@jim/webhooks';
import { WorkerMetrics } from '../observability/worker-metrics';
import { nextAttemptAt } from './retry-policy';
import { webhookPayload } from './webhook-payload';

/** One attempt of one delivery: what the notifications queue's consumer runs for each job. */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly webhooks: WebhookRepository,
    private readonly metrics: WorkerMetrics,
  ) {}

  /** Sends the attempt the job stands for, if it is still due, and records what came of it. */
  async deliver(job: NotificationJobData): Promise<string> {
    const attemptAt = new Date(job.nextAttemptAt);
    const due = await this.webhooks.due(job.deliveryId, attemptAt);
    if (!due) return 'not-due';
    const body =
      due.payload ?? webhookPayload(due, due.executionId ? await this.webhooks.executionSummary(due.executionId) : null, this.config.steps.serviceSecrets);
    let outcome: AttemptOutcome;
    if (!due.webhookEnabled && due.event !== 'Ping') {
      outcome = { kind: 'failed', statusCode: null, error: 'The webhook is disabled' };
    } else {
      const started = process.hrtime.bigint();
      const result = await sendWebhook({ url: due.url, id: due.id, secret: due.secret, body }, { allowPrivateNetworks: this.config.webhooks.allowPrivateNetworks });
      this.metrics.webhookDeliveryDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      if (result.error === null) outcome = { kind: 'delivered', statusCode: result.statusCode ?? 200 };
      else if (result.statusCode === 410) outcome = { kind: 'gone', statusCode: 410, error: result.error };
      else {
        const next = due.event === 'Ping' ? null : nextAttemptAt(due.attempts + 1, due.created, new Date());
        outcome = next
          ? { kind: 'retry', statusCode: result.statusCode, error: result.error, nextAttemptAt: next }
          : { kind: 'failed', statusCode: result.statusCode, error: result.error };
      }
    }
    const recorded = await this.webhooks.recordAttempt(due.id, attemptAt, body, outcome);
    this.metrics.webhookDeliveries.inc({ event: due.event, outcome: outcome.kind });
    if (outcome.kind === 'gone') this.logger.warn({ webhookId: due.webhookId, deliveryId: due.id }, 'Webhook disabled: the receiver answered 410 Gone');
    else if (outcome.kind !== 'delivered') {
      this.logger.warn({ webhookId: due.webhookId, deliveryId: due.id, attempt: due.attempts + 1, error: 'error' in outcome ? outcome.error : null }, 'Webhook delivery failed');
    }
    return recorded ? outcome.kind : 'superseded';
  }
}
