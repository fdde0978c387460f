import { Client, type ClientConfig } from 'pg';
import { errorText } from '../step-result';
import type { ParsedConnectionString } from './connection-string';
import {
  abortable,
  remainingMs,
  SqlScriptAborted,
  SqlScriptError,
  timedOutOnServerMessage,
  type SqlScriptRun,
  type SqlScriptRunner,
} from './sql-script-runner';

export interface PostgresScriptRunnerOptions {
  /** Shown in pg_stat_activity. Default `jim-schedules-step`. */
  applicationName?: string;
  /** Upper bound for establishing a connection. Default 30000. */
  connectTimeoutMs?: number;
  /** How long a cancelled query may keep running before its backend is terminated. Default 2000. */
  cancelEscalationMs?: number;
}

const QUERY_CANCELED = '57014';

/** Runs a script through `pg` as one simple-protocol query inside BEGIN/COMMIT. */
export class PostgresScriptRunner implements SqlScriptRunner {
  readonly dialect = 'postgres' as const;

  constructor(private readonly opts: PostgresScriptRunnerOptions = {}) {}

  async run(run: SqlScriptRun): Promise<void> {
    const config = this.clientConfig(run);
    const client = new Client(config);
    // Connection errors also reject the pending query, which is where they are reported.
    client.on('error', () => undefined);
    client.on('notice', (notice) => run.log(`${notice.severity ?? 'NOTICE'}: ${notice.message ?? ''}`));

    try {
      await abortable(client.connect(), run.signal, () => void client.end().catch(() => undefined));
    } catch (error) {
      if (error instanceof SqlScriptAborted) throw error;
      throw new SqlScriptError(`Could not connect to PostgreSQL at ${describeTarget(run.connection)}: ${errorText(error)}`);
    }

    try {
      await this.runInTransaction(client, config, run);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async runInTransaction(client: Client, config: ClientConfig, run: SqlScriptRun): Promise<void> {
    const pidResult = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const guard = new BackendGuard(config, pidResult.rows[0].pid, run.signal, this.opts.cancelEscalationMs ?? 2000);
    try {
      await guard.query(client, 'BEGIN');
      const timeoutMs = remainingMs(run);
      if (timeoutMs !== null) await guard.query(client, `SET LOCAL statement_timeout = ${timeoutMs}`);
      const results = await guard.query(client, run.script);
      logResults(results, run.log);
      if (run.signal.aborted) throw new SqlScriptAborted();
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (run.signal.aborted || error instanceof SqlScriptAborted) throw new SqlScriptAborted();
      throw toScriptError(error, run);
    } finally {
      await guard.dispose();
    }
  }

  private clientConfig(run: SqlScriptRun): ClientConfig {
    const { connection } = run;
    return {
      host: connection.host,
      port: connection.port,
      database: connection.database,
      user: connection.user,
      // A function, so that pg never falls back to the worker's PGPASSWORD or ~/.pgpass for a step's server.
      password: async () => connection.password,
      ssl: connection.sslMode === 'disable' ? false : { rejectUnauthorized: connection.sslMode === 'verify' },
      application_name: this.opts.applicationName ?? 'jim-schedules-step',
      connectionTimeoutMillis: Math.min(remainingMs(run) ?? Infinity, this.opts.connectTimeoutMs ?? 30_000),
    };
  }
}

/**
 * Cancels the in-flight query from a second connection once the step is aborted
 * (pg_cancel_backend), and terminates the backend if the cancel is not honoured in time.
 */
class BackendGuard {
  private inFlight = false;
  private readonly pending: Promise<void>[] = [];
  private escalation: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.interrupt();

  constructor(
    private readonly config: ClientConfig,
    private readonly backendPid: number,
    private readonly signal: AbortSignal,
    private readonly escalationMs: number,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  async query(client: Client, sql: string): Promise<unknown> {
    if (this.signal.aborted) throw new SqlScriptAborted();
    this.inFlight = true;
    try {
      return await client.query(sql);
    } finally {
      this.inFlight = false;
    }
  }

  async dispose(): Promise<void> {
    this.signal.removeEventListener('abort', this.onAbort);
    if (this.escalation) clearTimeout(this.escalation);
    await Promise.all(this.pending);
  }

  private interrupt(): void {
    if (!this.inFlight) return;
    this.pending.push(this.onSecondConnection('SELECT pg_cancel_backend($1)'));
    this.escalation = setTimeout(() => {
      if (this.inFlight) this.pending.push(this.onSecondConnection('SELECT pg_terminate_backend($1)'));
    }, this.escalationMs);
  }

  private async onSecondConnection(sql: string): Promise<void> {
    const admin = new Client({ ...this.config, application_name: `${this.config.application_name ?? 'jim'}-cancel` });
    admin.on('error', () => undefined);
    try {
      await admin.connect();
      await admin.query(sql, [this.backendPid]);
    } catch {
      // Best effort: the step still ends as aborted; the server-side statement_timeout remains as a backstop.
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
}

interface PgResultLike {
  command?: string | null;
  rowCount?: number | null;
}

function logResults(results: unknown, log: (line: string) => void): void {
  const list = (Array.isArray(results) ? results : [results]) as PgResultLike[];
  for (const result of list) {
    if (!result || !result.command) continue;
    log(result.rowCount == null ? result.command : `${result.command} ${result.rowCount}`);
  }
}

interface PgErrorLike {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

function toScriptError(error: unknown, run: SqlScriptRun): SqlScriptError {
  const pgError = (typeof error === 'object' && error !== null ? error : {}) as PgErrorLike;
  if (pgError.code === QUERY_CANCELED && /statement timeout/i.test(pgError.message ?? '')) {
    return new SqlScriptError(timedOutOnServerMessage(run.timeoutMs));
  }
  if (!pgError.code) return new SqlScriptError(`PostgreSQL connection failed: ${errorText(error)}`);
  let message = `${pgError.message ?? errorText(error)} (SQLSTATE ${pgError.code})`;
  if (pgError.position) message += ` at character ${pgError.position}`;
  if (pgError.detail) message += `; ${pgError.detail}`;
  if (pgError.hint) message += `; hint: ${pgError.hint}`;
  return new SqlScriptError(message);
}

function describeTarget(connection: ParsedConnectionString): string {
  return `${connection.host}:${connection.port}/${connection.database}`;
}
