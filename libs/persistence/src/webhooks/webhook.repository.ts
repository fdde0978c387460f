import type { WebhookDeliveryEvent, WebhookDeliveryStatus, WebhookEvent } from '@jim/contracts';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { queryReturning } from '../executions';
import type { SecretCipher } from '../secret-cipher';

export interface Webhook {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEvent[];
  scheduleIds: string[];
  isEnabled: boolean;
  disabledReason: string | null;
  created: Date;
  lastUpdated: Date | null;
}

export interface WebhookChanges {
  url?: string;
  description?: string | null;
  events?: WebhookEvent[];
  scheduleIds?: string[];
  isEnabled?: boolean;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  event: WebhookDeliveryEvent;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  created: Date;
}

/** A delivery due to be sent, with what sending it needs. */
export interface DueDelivery {
  id: string;
  webhookId: string;
  url: string;
  /** The signing secret, decrypted. */
  secret: string;
  webhookEnabled: boolean;
  event: WebhookDeliveryEvent;
  data: Record<string, unknown>;
  executionId: string | null;
  /** The body sent by an earlier attempt, sent again unchanged; null before the first attempt. */
  payload: string | null;
  attempts: number;
  created: Date;
}

/** The execution an event tells of, as a payload summarises it; the secrets to redact from its output. */
export interface ExecutionSummaryRow {
  id: string;
  status: string;
  triggerKind: string;
  scheduledFor: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  errorMessage: string | null;
  failingStep: {
    name: string;
    stepIndex: number;
    status: string;
    errorMessage: string | null;
    exitCode: number | null;
    stdoutTail: string | null;
    stderrTail: string | null;
    /** Decrypted connection string of a SQL step: redacted from its output. */
    secrets: string[];
  } | null;
}

/** What one attempt came to. */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'retry'; statusCode: number | null; error: string; nextAttemptAt: Date }
  | { kind: 'failed'; statusCode: number | null; error: string }
  /** 410 Gone: the receiver asks to stop, so the webhook is disabled. */
  | { kind: 'gone'; statusCode: 410; error: string };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw row
type RawRow = Record<string, any>;

function webhookFromRow(row: RawRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    scheduleIds: row.schedule_ids,
    isEnabled: row.is_enabled,
    disabledReason: row.disabled_reason,
    created: row.created,
    lastUpdated: row.last_updated,
  };
}

function deliveryFromRow(row: RawRow): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    event: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastAttemptAt: row.last_attempt_at,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    created: row.created_at,
  };
}

/** A delivery handed to the queue whose attempt is this late was lost by the queue: it is handed over again. */
const OVERDUE_SECONDS = 300;

const WEBHOOK_COLUMNS = 'id, url, description, events, schedule_ids, is_enabled, disabled_reason, created, last_updated';
const DELIVERY_COLUMNS =
  'id, webhook_id, event_type, status, attempts, last_status_code, last_error, last_attempt_at, next_attempt_at, delivered_at, created_at';

/**
 * Every statement on `webhooks` and `webhook_deliveries`, but the outbox writes, which run in the transactions of
 * the changes they tell of (see outbox.ts). Signing secrets are stored encrypted.
 */
export class WebhookRepository {
  constructor(
    private readonly db: DataSource,
    private readonly cipher: SecretCipher,
  ) {}

  async create(fields: Required<WebhookChanges> & { secret: string }): Promise<Webhook> {
    const [row] = await this.db.query(
      `INSERT INTO webhooks (id, url, description, events, schedule_ids, is_enabled, secret, created)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING ${WEBHOOK_COLUMNS}`,
      [randomUUID(), fields.url, fields.description, fields.events, fields.scheduleIds, fields.isEnabled, this.cipher.encrypt(fields.secret)],
    );
    return webhookFromRow(row);
  }

  async list(): Promise<Webhook[]> {
    const rows: RawRow[] = await this.db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks ORDER BY created, id`);
    return rows.map(webhookFromRow);
  }

  async find(id: string): Promise<Webhook | null> {
    const [row] = await this.db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1`, [id]);
    return row ? webhookFromRow(row) : null;
  }

  /** Changes the fields given; enabling a webhook clears the reason it was disabled for. */
  async update(id: string, changes: WebhookChanges): Promise<Webhook | null> {
    const [row] = await queryReturning<RawRow>(
      this.db,
      `UPDATE webhooks SET
         url = COALESCE($2, url),
         description = CASE WHEN $3 THEN $4 ELSE description END,
         events = COALESCE($5, events),
         schedule_ids = COALESCE($6, schedule_ids),
         is_enabled = COALESCE($7, is_enabled),
         disabled_reason = CASE WHEN $7 THEN NULL ELSE disabled_reason END,
         last_updated = now()
       WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
      [id, changes.url ?? null, changes.description !== undefined, changes.description ?? null, changes.events ?? null, changes.scheduleIds ?? null, changes.isEnabled ?? null],
    );
    return row ? webhookFromRow(row) : null;
  }

  async rotateSecret(id: string, secret: string): Promise<Webhook | null> {
    const [row] = await queryReturning<RawRow>(
      this.db,
      `UPDATE webhooks SET secret = $2, last_updated = now() WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
      [id, this.cipher.encrypt(secret)],
    );
    return row ? webhookFromRow(row) : null;
  }

  /** Deletes the webhook and its deliveries; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const rows = await queryReturning(this.db, `DELETE FROM webhooks WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** A page of a webhook's deliveries, newest first. */
  async deliveries(webhookId: string, skip: number, take: number): Promise<{ items: WebhookDelivery[]; total: number }> {
    const rows: RawRow[] = await this.db.query(
      `SELECT ${DELIVERY_COLUMNS}, count(*) OVER ()::int AS total FROM webhook_deliveries
       WHERE webhook_id = $1 ORDER BY created_at DESC, id OFFSET $2 LIMIT $3`,
      [webhookId, skip, take],
    );
    let total = rows[0]?.total;
    if (total === undefined) {
      [{ total }] = await this.db.query(`SELECT count(*)::int AS total FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId]);
    }
    return { items: rows.map(deliveryFromRow), total };
  }

  /** Sends a delivery again, whatever became of it; false when the webhook has no such delivery. */
  async redeliver(webhookId: string, deliveryId: string): Promise<boolean> {
    const rows = await queryReturning(
      this.db,
      `UPDATE webhook_deliveries SET status = 'Pending', next_attempt_at = date_trunc('milliseconds', clock_timestamp()), enqueued_at = NULL, delivered_at = NULL
       WHERE id = $1 AND webhook_id = $2 RETURNING id`,
      [deliveryId, webhookId],
    );
    return rows.length > 0;
  }

  /** A Ping delivery for the webhook (sent even when it is disabled); null when there is no such webhook. */
  async ping(webhookId: string): Promise<string | null> {
    const [row] = await this.db.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_type, data, status, next_attempt_at, created_at)
       SELECT gen_random_uuid(), w.id, 'Ping', jsonb_build_object('webhook', jsonb_build_object('id', w.id)), 'Pending', date_trunc('milliseconds', now()), now()
       FROM webhooks w WHERE w.id = $1 RETURNING id`,
      [webhookId],
    );
    return row?.id ?? null;
  }

  /**
   * The outbox relay: takes up to `limit` deliveries not yet handed to the queue (rows other relays hold are
   * skipped), lets `enqueue` hand them over, and marks them handed over in the same transaction. A crash before the
   * commit leaves them to the next pass; `enqueue` must therefore be idempotent (deterministic job ids). Deliveries
   * handed over long ago whose attempt is long overdue (their job was lost with a queue, or failed) are taken again.
   */
  async relay(limit: number, enqueue: (due: { id: string; nextAttemptAt: Date }[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: { id: string; next_attempt_at: Date }[] = await tx.query(
        `SELECT id, next_attempt_at FROM webhook_deliveries WHERE status = 'Pending' AND enqueued_at IS NULL
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length < limit) {
        const overdue: { id: string; next_attempt_at: Date }[] = await tx.query(
          `SELECT id, next_attempt_at FROM webhook_deliveries
           WHERE status = 'Pending' AND next_attempt_at < now() - make_interval(secs => $2) AND enqueued_at < now() - make_interval(secs => $2)
           ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [limit - rows.length, OVERDUE_SECONDS],
        );
        rows.push(...overdue);
      }
      if (rows.length === 0) return 0;
      await enqueue(rows.map((r) => ({ id: r.id, nextAttemptAt: r.next_attempt_at })));
      await tx.query(`UPDATE webhook_deliveries SET enqueued_at = now() WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /**
   * The delivery if it is still due at `nextAttemptAt` (the job's own attempt); null for a stale or duplicate job:
   * delivered, given up, redelivered or rescheduled since.
   */
  async due(deliveryId: string, nextAttemptAt: Date): Promise<DueDelivery | null> {
    const [row] = await this.db.query(
      `SELECT d.id, d.webhook_id, d.event_type, d.data, d.execution_id, d.payload, d.attempts, d.created_at,
              w.url, w.secret, w.is_enabled
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.id = $1 AND d.status = 'Pending' AND d.next_attempt_at = $2`,
      [deliveryId, nextAttemptAt],
    );
    if (!row) return null;
    return {
      id: row.id,
      webhookId: row.webhook_id,
      url: row.url,
      secret: this.cipher.decrypt(row.secret),
      webhookEnabled: row.is_enabled,
      event: row.event_type,
      data: row.data,
      executionId: row.execution_id,
      payload: row.payload,
      attempts: row.attempts,
      created: row.created_at,
    };
  }

  /** The summary of an execution for a payload; null once it is gone (purged). */
  async executionSummary(executionId: string): Promise<ExecutionSummaryRow | null> {
    const [row] = await this.db.query(
      `SELECT e.id, e.status, e.trigger_kind, e.scheduled_for, e.started_at, e.completed_at, e.error_message,
              f.name AS step_name, f.step_index, f.status AS step_status, f.error_message AS step_error, f.exit_code,
              f.stdout_tail, f.stderr_tail, f.sql_connection_string
       FROM schedule_executions e
       LEFT JOIN LATERAL (
         SELECT * FROM schedule_execution_steps s
         WHERE s.execution_id = e.id AND s.status IN ('Failed', 'CompletedWithError')
         ORDER BY s.group_ordinal, s.position LIMIT 1
       ) f ON true
       WHERE e.id = $1`,
      [executionId],
    );
    if (!row) return null;
    const connectionString = row.sql_connection_string ? this.cipher.decrypt(row.sql_connection_string) : null;
    return {
      id: row.id,
      status: row.status,
      triggerKind: row.trigger_kind,
      scheduledFor: row.scheduled_for,
      startedAt: row.started_at,
      completedAt: row.completed_at,
      errorMessage: row.error_message,
      failingStep:
        row.step_name === null
          ? null
          : {
              name: row.step_name,
              stepIndex: row.step_index,
              status: row.step_status,
              errorMessage: row.step_error,
              exitCode: row.exit_code,
              stdoutTail: row.stdout_tail,
              stderrTail: row.stderr_tail,
              secrets: connectionString ? [connectionString] : [],
            },
    };
  }

  /**
   * Records one attempt of a delivery still due at `nextAttemptAt`, with the body it sent; a 410 Gone also disables
   * the webhook. Returns false when the delivery had moved on meanwhile (nothing is written then).
   */
  async recordAttempt(deliveryId: string, nextAttemptAt: Date, payload: string, outcome: AttemptOutcome): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const status = outcome.kind === 'delivered' ? 'Delivered' : outcome.kind === 'retry' ? 'Pending' : 'Failed';
      const rows = await queryReturning<{ webhook_id: string }>(
        tx,
        `UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1, payload = $4, last_status_code = $5, last_error = $6,
           last_attempt_at = clock_timestamp(), next_attempt_at = $7, enqueued_at = NULL,
           delivered_at = CASE WHEN $3::varchar = 'Delivered' THEN clock_timestamp() END
         WHERE id = $1 AND status = 'Pending' AND next_attempt_at = $2 RETURNING webhook_id`,
        [
          deliveryId,
          nextAttemptAt,
          status,
          payload,
          outcome.statusCode,
          outcome.kind === 'delivered' ? null : outcome.error,
          outcome.kind === 'retry' ? outcome.nextAttemptAt : null,
        ],
      );
      if (rows.length === 0) return false;
      if (outcome.kind === 'gone') {
        await tx.query(`UPDATE webhooks SET is_enabled = false, disabled_reason = $2, last_updated = now() WHERE id = $1`, [
          rows[0].webhook_id,
          'The receiver answered 410 Gone',
        ]);
      }
      return true;
    });
  }
}
