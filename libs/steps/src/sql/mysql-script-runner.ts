import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';
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

export interface MysqlScriptRunnerOptions {
  /** Upper bound for establishing a connection. Default 30000. */
  connectTimeoutMs?: number;
  /** How long a killed query may keep running before its whole connection is killed. Default 2000. */
  killEscalationMs?: number;
}

/** Errors MySQL/MariaDB raise when a statement runs past max_execution_time / max_statement_time. */
const SERVER_TIMEOUT_ERRNOS = new Set([3024, 1969]);

/** Runs a script through `mysql2` (multipleStatements) inside START TRANSACTION/COMMIT. */
export class MysqlScriptRunner implements SqlScriptRunner {
  readonly dialect = 'mysql' as const;

  constructor(private readonly opts: MysqlScriptRunnerOptions = {}) {}

  async run(run: SqlScriptRun): Promise<void> {
    const options = this.connectionOptions(run);
    const connecting = createConnection(options);
    let connection: Connection;
    try {
      connection = await abortable(connecting, run.signal, () => void connecting.then((late) => late.destroy(), () => undefined));
    } catch (error) {
      if (error instanceof SqlScriptAborted) throw error;
      throw new SqlScriptError(`Could not connect to MySQL at ${describeTarget(run.connection)}: ${errorText(error)}`);
    }
    // Connection errors also reject the pending query, which is where they are reported.
    connection.on('error', () => undefined);

    try {
      await this.runInTransaction(connection, options, run);
    } finally {
      await connection.end().catch(() => connection.destroy());
    }
  }

  private async runInTransaction(connection: Connection, options: ConnectionOptions, run: SqlScriptRun): Promise<void> {
    const guard = new QueryKiller(options, connection.threadId, run.signal, this.opts.killEscalationMs ?? 2000);
    try {
      const timeoutMs = remainingMs(run);
      if (timeoutMs !== null) await guard.query(connection, await serverTimeoutStatement(connection, timeoutMs));
      await guard.query(connection, 'START TRANSACTION');
      const [results] = (await guard.query(connection, run.script)) as [unknown];
      logResults(results, run.log);
      if (run.signal.aborted) throw new SqlScriptAborted();
      await connection.query('COMMIT');
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      if (run.signal.aborted || error instanceof SqlScriptAborted) throw new SqlScriptAborted();
      throw toScriptError(error, run);
    } finally {
      await guard.dispose();
    }
  }

  private connectionOptions(run: SqlScriptRun): ConnectionOptions {
    const { connection } = run;
    return {
      host: connection.host,
      port: connection.port,
      database: connection.database,
      user: connection.user,
      password: connection.password,
      multipleStatements: true,
      connectTimeout: Math.min(remainingMs(run) ?? Infinity, this.opts.connectTimeoutMs ?? 30_000),
      ssl: connection.sslMode === 'disable' ? undefined : { rejectUnauthorized: connection.sslMode === 'verify' },
    };
  }
}

/**
 * MariaDB's max_statement_time (seconds) covers every statement; MySQL's
 * max_execution_time (ms) covers SELECT only, so aborts there rely on KILL QUERY.
 */
async function serverTimeoutStatement(connection: Connection, timeoutMs: number): Promise<string> {
  const [rows] = (await connection.query('SELECT VERSION() AS version')) as unknown as [Array<{ version: string }>];
  const isMariaDb = /mariadb/i.test(rows[0]?.version ?? '');
  return isMariaDb ? `SET SESSION max_statement_time = ${(timeoutMs / 1000).toFixed(3)}` : `SET SESSION max_execution_time = ${timeoutMs}`;
}

/** Kills the in-flight query from a second connection once the step is aborted. */
class QueryKiller {
  private inFlight = false;
  private readonly pending: Promise<void>[] = [];
  private escalation: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.interrupt();

  constructor(
    private readonly options: ConnectionOptions,
    private readonly threadId: number,
    private readonly signal: AbortSignal,
    private readonly escalationMs: number,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  async query(connection: Connection, sql: string): Promise<unknown> {
    if (this.signal.aborted) throw new SqlScriptAborted();
    this.inFlight = true;
    try {
      return await connection.query(sql);
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
    this.pending.push(this.onSecondConnection(`KILL QUERY ${this.threadId}`));
    this.escalation = setTimeout(() => {
      if (this.inFlight) this.pending.push(this.onSecondConnection(`KILL CONNECTION ${this.threadId}`));
    }, this.escalationMs);
  }

  private async onSecondConnection(sql: string): Promise<void> {
    let admin: Connection | undefined;
    try {
      admin = await createConnection({ ...this.options, multipleStatements: false });
      admin.on('error', () => undefined);
      await admin.query(sql);
    } catch {
      // Best effort: the step still ends as aborted.
    } finally {
      await admin?.end().catch(() => admin?.destroy());
    }
  }
}

interface MysqlResultLike {
  affectedRows?: number;
}

function logResults(results: unknown, log: (line: string) => void): void {
  const statements = isMultiStatementResult(results) ? results : [results];
  for (const result of statements) {
    if (Array.isArray(result)) log(`${result.length} row(s) returned`);
    else if (result && typeof (result as MysqlResultLike).affectedRows === 'number') {
      log(`${(result as MysqlResultLike).affectedRows} row(s) affected`);
    }
  }
}

function isMultiStatementResult(results: unknown): results is unknown[] {
  if (!Array.isArray(results) || results.length === 0) return false;
  const first: unknown = results[0];
  return Array.isArray(first) || (typeof first === 'object' && first !== null && 'affectedRows' in first);
}

interface MysqlErrorLike {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  sqlState?: string;
}

function toScriptError(error: unknown, run: SqlScriptRun): SqlScriptError {
  const mysqlError = (typeof error === 'object' && error !== null ? error : {}) as MysqlErrorLike;
  if (mysqlError.errno !== undefined && SERVER_TIMEOUT_ERRNOS.has(mysqlError.errno)) {
    return new SqlScriptError(timedOutOnServerMessage(run.timeoutMs));
  }
  if (!mysqlError.sqlMessage) return new SqlScriptError(`MySQL connection failed: ${errorText(error)}`);
  return new SqlScriptError(`${mysqlError.sqlMessage} (${mysqlError.code ?? `errno ${mysqlError.errno}`})`);
}

function describeTarget(connection: ParsedConnectionString): string {
  return `${connection.host}:${connection.port}/${connection.database}`;
}
