import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createTestApp, ENCRYPTION_KEY, type TestApp } from '../support/test-app';
import { startWorker, waitFor, type RunningProcess } from '../support/processes';
import { exe, finished, healthPort, runSteps, workerEnv } from './worker-harness';

/** What the receiver does with a request: answer with a status, or never answer. */
type Behaviour = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver in the test process: per path, a script of answers (the last one repeats). */
class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Behaviour[]>();
  private readonly hanging: ServerResponse[] = [];
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const script = this.scripts.get(path) ?? [{ status: 200 }];
        const next = script.length > 1 ? script.shift()! : script[0];
        if (next === 'hang') return void this.hanging.push(res);
        res.writeHead(next.status, next.headers).end(next.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  script(path: string, ...behaviours: Behaviour[]): void {
    this.scripts.set(path, behaviours);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function verify(secret: string, message: Received): { type: string; timestamp: string; data: Record<string, any> } {
  return new Webhook(secret).verify(message.body, {
    'webhook-id': message.headers['webhook-id'] as string,
    'webhook-timestamp': message.headers['webhook-timestamp'] as string,
    'webhook-signature': message.headers['webhook-signature'] as string,
  }) as { type: string; timestamp: string; data: Record<string, any> };
}

describe('Webhook deliveries (real worker, real receiver)', () => {
  let t: TestApp;
  let worker: RunningProcess;
  const receiver = new Receiver();
  const env = { JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp(env);
    worker = await startWorker(workerEnv(t, { ...env, WORKER_HEALTH_PORT: '0' }));
  });
  afterAll(async () => {
    await worker?.stop();
    await t.close();
    await receiver.stop();
  });

  async function hook(path: string, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
    const res = await t.api().post('/api/v1/webhooks').send({ url: receiver.url(path), ...body }).expect(201);
    return res.body;
  }

  async function delivery(webhookId: string, status = 'Delivered'): Promise<Record<string, any>> {
    return waitFor(async () => {
      const res = await t.api().get(`/api/v1/webhooks/${webhookId}/deliveries`).expect(200);
      return res.body.items.find((d: { status: string }) => d.status === status);
    }, 60_000, 200);
  }

  it('delivers ExecutionFailed signed (verified by the library), with the failing step, its last lines redacted, and the link', async () => {
    const h = await hook('/failed', { events: ['ExecutionFailed', 'ExecutionCompleted'] });
    const lines = Array.from({ length: 30 }, (_, i) => `echo line-${i + 1}`).join('; ');
    const id = await runSteps(t, 'Fails loudly', [exe(0, '/bin/sh', `-c "${lines}; echo key=${ENCRYPTION_KEY}; exit 3"`, { name: 'loud' })]);
    expect((await finished(t, id)).status).toBe('Failed');
    const done = await delivery(h.id);
    expect(done).toMatchObject({ event: 'ExecutionFailed', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });

    const [message] = receiver.at('/failed');
    expect(message.headers['webhook-id']).toBe(done.id);
    expect(message.headers['content-type']).toBe('application/json');
    const payload = verify(h.secret, message);
    expect(payload.type).toBe('ExecutionFailed');
    expect(payload.data.schedule.name).toBe('Fails loudly');
    expect(payload.data.link).toBe(`/api/v1/schedule-executions/${id}`);
    expect(payload.data.execution).toMatchObject({ id, status: 'Failed', triggerKind: 'Manual', scheduledFor: null, errorMessage: "Step 'loud' failed and ContinueOnFailure is false." });
    const step = payload.data.execution.failingStep;
    expect(step).toMatchObject({ name: 'loud', stepIndex: 0, status: 'Failed', exitCode: 3 });
    expect(step.stdoutLastLines).toHaveLength(20);
    expect(step.stdoutLastLines.slice(-2)).toEqual(['line-30', 'key=***']);
    expect(message.body).not.toContain(ENCRYPTION_KEY);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(message.body, message.headers as Record<string, string>)).toThrow();
  });

  it('retries after a 500 and a timeout with the same webhook-id and body, then records the delivery', async () => {
    receiver.script('/flaky', { status: 500, body: 'x'.repeat(10_000) }, 'hang', { status: 204 });
    const h = await hook('/flaky', { events: ['ExecutionCompleted'] });
    const id = await runSteps(t, 'Completes', [exe(0, '/bin/true')]);
    expect((await finished(t, id)).status).toBe('Complete');

    const done = await delivery(h.id);
    expect(done).toMatchObject({ event: 'ExecutionCompleted', attempts: 3, lastStatusCode: 204, status: 'Delivered' });
    const attempts = receiver.at('/flaky');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.headers['webhook-id']))).toEqual(new Set([done.id]));
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    for (const attempt of attempts) expect(verify(h.secret, attempt).data.execution.status).toBe('Complete');
    const [row] = await t.db.query(`SELECT payload FROM webhook_deliveries WHERE id = $1`, [done.id]);
    expect(row.payload).toBe(attempts[0].body);
  }, 90_000);

  it('records the error of each failed attempt: at most 4 KiB of the answer, and the timeout', async () => {
    receiver.script('/down', { status: 503, body: 'y'.repeat(10_000) }, 'hang', { status: 503, body: 'z'.repeat(10_000) });
    const h = await hook('/down', { events: ['ExecutionCompleted'] });
    await finished(t, await runSteps(t, 'Completes for a dead receiver', [exe(0, '/bin/true')]));
    const first = await waitFor(async () => {
      const [row] = await t.db.query(`SELECT attempts, last_status_code, last_error, next_attempt_at FROM webhook_deliveries WHERE webhook_id = $1`, [h.id]);
      return row?.attempts === 1 ? row : undefined;
    }, 30_000);
    expect(first.last_status_code).toBe(503);
    expect(first.last_error).toBe(`HTTP 503: ${'y'.repeat(4096)}`);
    expect(first.next_attempt_at.getTime()).toBeGreaterThan(Date.now() - 5_000);
    const second = await waitFor(async () => {
      const [row] = await t.db.query(`SELECT attempts, last_status_code, last_error, status FROM webhook_deliveries WHERE webhook_id = $1`, [h.id]);
      return row?.attempts === 2 ? row : undefined;
    }, 40_000);
    expect(second).toMatchObject({ last_status_code: null, last_error: 'No answer within 10 s', status: 'Pending' });
    await t.api().delete(`/api/v1/webhooks/${h.id}`).expect(204);
  }, 90_000);

  it('disables the webhook on 410 Gone and sends it nothing more', async () => {
    receiver.script('/gone', { status: 410 });
    const h = await hook('/gone', { events: ['ExecutionCompleted'] });
    await finished(t, await runSteps(t, 'Completes for a gone receiver', [exe(0, '/bin/true')]));
    const failed = await delivery(h.id, 'Failed');
    expect(failed).toMatchObject({ attempts: 1, lastStatusCode: 410, nextAttemptAt: null });
    const webhook = await t.api().get(`/api/v1/webhooks/${h.id}`).expect(200);
    expect(webhook.body).toMatchObject({ isEnabled: false, disabledReason: 'The receiver answered 410 Gone' });

    await finished(t, await runSteps(t, 'Completes after the 410', [exe(0, '/bin/true')]));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.at('/gone')).toHaveLength(1);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [h.id]);
    expect(n).toBe(1);

    const metrics = await (await fetch(`http://127.0.0.1:${healthPort(worker)}/metrics`)).text();
    expect(metrics).toContain('jim_webhook_delivery_attempts_total{event="ExecutionCompleted",outcome="gone"} 1');
    expect(metrics).toMatch(/jim_webhook_delivery_attempts_total\{event="ExecutionFailed",outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/jim_webhook_deliveries_relayed_total [1-9]/);
    expect(metrics).toMatch(/jim_webhook_delivery_duration_seconds_count [1-9]/);
  });

  it('a receiver that never answers delays neither the execution nor another receiver', async () => {
    receiver.script('/stuck', 'hang');
    const stuck = await hook('/stuck', { events: ['ExecutionCompleted'] });
    const prompt = await hook('/prompt', { events: ['ExecutionCompleted'] });
    const started = Date.now();
    const id = await runSteps(t, 'Completes for a stuck and a prompt receiver', [exe(0, '/bin/true'), exe(1, '/bin/true')]);
    expect((await finished(t, id)).status).toBe('Complete');
    await waitFor(async () => receiver.at('/prompt').length === 1, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(receiver.at('/stuck')).toHaveLength(1);
    const [row] = await t.db.query(`SELECT status, attempts FROM webhook_deliveries WHERE webhook_id = $1`, [stuck.id]);
    expect(row).toEqual({ status: 'Pending', attempts: 0 });
    await t.api().delete(`/api/v1/webhooks/${stuck.id}`).expect(204);
    await t.api().delete(`/api/v1/webhooks/${prompt.id}`).expect(204);
  });

  it('does not follow a redirect', async () => {
    receiver.script('/moved', { status: 302, headers: { location: receiver.url('/elsewhere') } });
    const h = await hook('/moved', { events: ['ExecutionCompleted'] });
    await finished(t, await runSteps(t, 'Completes for a redirecting receiver', [exe(0, '/bin/true')]));
    const attempted = await waitFor(async () => {
      const [row] = await t.db.query(`SELECT attempts, last_status_code, last_error FROM webhook_deliveries WHERE webhook_id = $1`, [h.id]);
      return row?.attempts >= 1 ? row : undefined;
    }, 30_000);
    expect(attempted).toMatchObject({ last_status_code: 302, last_error: `Redirects are not followed (302 to ${receiver.url('/elsewhere')})` });
    expect(receiver.at('/elsewhere')).toHaveLength(0);
    await t.api().delete(`/api/v1/webhooks/${h.id}`).expect(204);
  });

  it('delivers RunSkipped for a tick of a schedule with no steps, and ScheduleChanged for the schedules it names', async () => {
    const schedule = await t.api()
      .post('/api/v1/schedules')
      .send({ name: 'Empty every second', triggerType: 'Cron', patternType: 'Custom', cronExpression: '* * * * * *', isEnabled: false, steps: [] })
      .expect(201);
    const h = await hook('/skipped', { events: ['RunSkipped', 'ScheduleChanged'], scheduleIds: [schedule.body.id] });
    await t.api().put(`/api/v1/schedules/${schedule.body.id}`).send({ ...schedule.body, isEnabled: true, steps: [] }).expect(200);
    const skipped = await waitFor(async () => receiver.at('/skipped').map((m) => verify(h.secret, m)).find((p) => p.type === 'RunSkipped'), 30_000);
    await t.api().put(`/api/v1/schedules/${schedule.body.id}`).send({ ...schedule.body, isEnabled: false, steps: [] }).expect(200);
    expect(skipped.data.schedule).toEqual({ id: schedule.body.id, name: 'Empty every second' });
    expect(skipped.data.skippedRun).toMatchObject({ reason: 'The schedule has no steps', activeExecutionId: null });
    expect(skipped.data.skippedRun.scheduledFor).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    expect(skipped.data.link).toBe(`/api/v1/schedules/${schedule.body.id}`);

    const changed = await waitFor(async () => receiver.at('/skipped').map((m) => verify(h.secret, m)).find((p) => p.type === 'ScheduleChanged'), 30_000);
    expect(changed.data.schedule.id).toBe(schedule.body.id);
    expect(changed.data.change).toMatchObject({ operation: 'Update', version: 2 });
  });

  it('sends a signed Ping on test, and again on redeliver', async () => {
    const h = await hook('/ping', { events: ['ExecutionFailed'] });
    const ping = await t.api().post(`/api/v1/webhooks/${h.id}/test`).expect(202);
    await waitFor(async () => receiver.at('/ping').length === 1, 30_000);
    const payload = verify(h.secret, receiver.at('/ping')[0]);
    expect(payload).toMatchObject({ type: 'Ping', data: { webhook: { id: h.id } } });

    await t.api().post(`/api/v1/webhooks/${h.id}/deliveries/${ping.body.deliveryId}/redeliver`).expect(202);
    await waitFor(async () => receiver.at('/ping').length === 2, 30_000);
    const [first, second] = receiver.at('/ping');
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    const done = await delivery(h.id);
    expect(done.attempts).toBe(2);
  });

  it('refuses, at delivery time, a URL that now points at a private address', async () => {
    const h = await hook('/later-refused', { events: ['ExecutionFailed'] });
    await t.db.query(`UPDATE webhooks SET url = 'http://169.254.169.254/latest' WHERE id = $1`, [h.id]);
    // The worker below refuses private networks: the check is made again at every attempt.
    await worker.stop();
    const strict = await startWorker(workerEnv(t, { JIM_WORKER_ROLES: 'steps' }));
    try {
      await t.api().post(`/api/v1/webhooks/${h.id}/test`).expect(202);
      const attempted = await waitFor(async () => {
        const [row] = await t.db.query(`SELECT attempts, last_status_code, last_error, status FROM webhook_deliveries WHERE webhook_id = $1`, [h.id]);
        return row?.attempts >= 1 ? row : undefined;
      }, 30_000);
      expect(attempted).toMatchObject({ last_status_code: null, status: 'Failed', last_error: '169.254.169.254 is a metadata address; webhooks may not target it (JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS)' });
    } finally {
      await strict.stop();
      worker = await startWorker(workerEnv(t, env));
    }
  });
});

describe('Webhook outbox across worker crashes', () => {
  let t: TestApp;
  const receiver = new Receiver();
  const env = { JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp(env);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
    await receiver.stop();
  });

  it('keeps a delivery recorded while no worker ran, and one whose worker was killed with SIGKILL mid-send, and sends both', async () => {
    receiver.script('/crash', 'hang', { status: 200 });
    const created = await t.api().post('/api/v1/webhooks').send({ url: receiver.url('/crash'), events: ['ExecutionFailed'] }).expect(201);
    // Recorded with no worker at all: only the outbox holds it.
    const ping = await t.api().post(`/api/v1/webhooks/${created.body.id}/test`).expect(202);

    const victim = await startWorker(workerEnv(t, env));
    workers.push(victim);
    await waitFor(async () => receiver.at('/crash').length === 1, 30_000);
    await victim.stop('SIGKILL');

    workers.push(await startWorker(workerEnv(t, env)));
    await waitFor(async () => receiver.at('/crash').length === 2, 75_000, 250);
    const [first, second] = receiver.at('/crash');
    expect(second.headers['webhook-id']).toBe(ping.body.deliveryId);
    expect(first.headers['webhook-id']).toBe(ping.body.deliveryId);
    expect(verify(created.body.secret, second).type).toBe('Ping');
    const [row] = await waitFor(async () => {
      const rows = await t.db.query(`SELECT status, attempts FROM webhook_deliveries WHERE id = $1 AND status = 'Delivered'`, [ping.body.deliveryId]);
      return rows.length ? rows : undefined;
    }, 10_000);
    expect(row).toEqual({ status: 'Delivered', attempts: 1 });
  }, 120_000);
});
