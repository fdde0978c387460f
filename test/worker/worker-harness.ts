import { ENCRYPTION_KEY, REDIS_URL, type TestApp } from '../support/test-app';
import { startWorker, waitFor, type RunningProcess } from '../support/processes';

export function workerEnv(t: TestApp, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: t.databaseUrl,
    QUEUE_BACKEND: t.config.queueBackend,
    ...(t.config.queueBackend === 'redis' ? { REDIS_URL } : {}),
    JIM_QUEUE_PREFIX: t.config.queuePrefix,
    JIM_ENCRYPTION_KEY: ENCRYPTION_KEY,
    JIM_SWEEP_INTERVAL_SECONDS: '1',
    JIM_WORKER_LOST_AFTER_SECONDS: '6',
    JIM_RECONCILE_INTERVAL_SECONDS: '2',
    JIM_KILL_GRACE_SECONDS: '1',
    JIM_SHUTDOWN_GRACE_SECONDS: '2',
    ...extra,
  };
}

export async function startWorkers(t: TestApp, count: number, extra: Record<string, string> = {}): Promise<RunningProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startWorker(workerEnv(t, extra))));
}

/** The port a worker started with WORKER_HEALTH_PORT=0 logged. */
export function healthPort(worker: RunningProcess): number {
  const match = /Health endpoint listening on http:\/\/[^:]+:(\d+)/.exec(worker.output());
  if (!match) throw new Error(`No health port in the worker output:\n${worker.output()}`);
  return Number(match[1]);
}

export const TERMINAL = ['Complete', 'Failed', 'Cancelled'];

export interface ExecutionDetail {
  id: string;
  status: string;
  errorMessage: string | null;
  steps: StepDetail[];
}
export interface StepDetail {
  name: string;
  status: string;
  startedAt: string | null;
  completedAt: string | null;
  exitCode: number | null;
  stdoutTail: string | null;
  stderrTail: string | null;
  errorMessage: string | null;
}

export async function execution(t: TestApp, id: string): Promise<ExecutionDetail> {
  const [row] = await t.db.query(`SELECT id, status, error_message FROM schedule_executions WHERE id = $1`, [id]);
  const steps = await t.db.query(
    `SELECT name, status, started_at, completed_at, exit_code, stdout_tail, stderr_tail, error_message
     FROM schedule_execution_steps WHERE execution_id = $1 ORDER BY group_ordinal, position`,
    [id],
  );
  return {
    id: row.id,
    status: row.status,
    errorMessage: row.error_message,
    steps: steps.map((s: Record<string, unknown>) => ({
      name: s.name,
      status: s.status,
      startedAt: s.started_at ? (s.started_at as Date).toISOString() : null,
      completedAt: s.completed_at ? (s.completed_at as Date).toISOString() : null,
      exitCode: s.exit_code,
      stdoutTail: s.stdout_tail,
      stderrTail: s.stderr_tail,
      errorMessage: s.error_message,
    })),
  };
}

export async function finished(t: TestApp, id: string, timeoutMs = 30_000): Promise<ExecutionDetail> {
  return waitFor(async () => {
    const e = await execution(t, id);
    return TERMINAL.includes(e.status) ? e : undefined;
  }, timeoutMs);
}

export function exe(stepIndex: number, executablePath: string, args: string | null = null, extra: Record<string, unknown> = {}) {
  return { stepIndex, stepType: 'Executable', executablePath, arguments: args, ...extra };
}

/** Creates a manual schedule and runs it; returns the execution id. */
export async function runSteps(t: TestApp, name: string, steps: unknown[]): Promise<string> {
  const schedule = await t.api().post('/api/v1/schedules').send({ name, steps }).expect(201);
  const run = await t.api().post(`/api/v1/schedules/${schedule.body.id}/run`).expect(202);
  return run.body.executionId;
}
