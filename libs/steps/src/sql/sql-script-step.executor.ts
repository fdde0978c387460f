import { readFile } from 'node:fs/promises';
import { problemText, resolveStepPaths } from '../paths/path-policy';
import type { StepContext, StepExecutor, StepResult, StepSpec } from '../step';
import { abortMessage, errorText, failedResult, safeLogger } from '../step-result';
import { CapturedOutput } from '../text/captured-output';
import { redactSecrets } from '../text/redact-secrets';
import {
  ConnectionStringError,
  connectionStringPassword,
  maskConnectionString,
  parseSqlConnectionString,
  type ParsedConnectionString,
  type SqlDialect,
} from './connection-string';
import { MysqlScriptRunner } from './mysql-script-runner';
import { PostgresScriptRunner } from './postgres-script-runner';
import { SqlScriptAborted, SqlScriptError, type SqlScriptRunner } from './sql-script-runner';

export interface SqlScriptStepExecutorOptions {
  /** Directories SQL scripts must live in; empty or absent allows any path. */
  allowedRoots?: string[];
  /** Values redacted from output besides the connection string and its password. */
  secrets?: string[];
  /** Replaces the runner of a dialect (e.g. to tune its timeouts). */
  runners?: Partial<Record<SqlDialect, SqlScriptRunner>>;
}

/** Runs the file at `sqlScriptPath` in one transaction against `sqlConnectionString`. */
export class SqlScriptStepExecutor implements StepExecutor {
  readonly stepType = 'SqlScript' as const;
  private readonly runners: Record<SqlDialect, SqlScriptRunner>;

  constructor(private readonly opts: SqlScriptStepExecutorOptions = {}) {
    this.runners = {
      postgres: opts.runners?.postgres ?? new PostgresScriptRunner(),
      mysql: opts.runners?.mysql ?? new MysqlScriptRunner(),
    };
  }

  async execute(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    const secrets = [...(this.opts.secrets ?? []), ...connectionSecrets(step.sqlConnectionString)];
    try {
      return await this.run(step, ctx, secrets);
    } catch (error) {
      return failedResult(redactSecrets(`SQL step failed unexpectedly: ${errorText(error)}`, secrets));
    }
  }

  private async run(step: StepSpec, ctx: StepContext, secrets: string[]): Promise<StepResult> {
    const startedAt = Date.now();
    if (ctx.signal.aborted) return failedResult(abortMessage(ctx.signal));
    const paths = resolveStepPaths(step, this.opts.allowedRoots);
    const scriptPath = paths.file;
    if (!scriptPath) return failedResult('The step has no SQL script path');
    const connectionString = step.sqlConnectionString?.trim();
    if (!connectionString) return failedResult('The step has no SQL connection string');
    if (paths.problems.length > 0) return failedResult(problemText(paths.problems[0]));

    let connection: ParsedConnectionString;
    try {
      connection = parseSqlConnectionString(connectionString);
    } catch (error) {
      if (error instanceof ConnectionStringError) return failedResult(`Invalid SQL connection string: ${error.message}`);
      throw error;
    }

    let script: string;
    try {
      script = await readFile(scriptPath, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return failedResult(`SQL script '${scriptPath}' was not found`);
      if (code === 'EISDIR') return failedResult(`SQL script '${scriptPath}' is a directory`);
      return failedResult(`SQL script '${scriptPath}' cannot be read: ${errorText(error)}`);
    }

    const output = new CapturedOutput(secrets, safeLogger(ctx));
    output.writeLine(`Running '${scriptPath}' against ${maskConnectionString(connectionString)}`);
    try {
      await this.runners[connection.dialect].run({
        script,
        connection,
        timeoutMs: ctx.timeoutMs,
        startedAt,
        signal: ctx.signal,
        log: (line) => output.writeLine(line),
      });
    } catch (error) {
      output.end();
      const stdoutTail = output.text();
      if (error instanceof SqlScriptAborted) {
        return failedResult(abortMessage(ctx.signal), { stdoutTail });
      }
      const message = redactSecrets(error instanceof SqlScriptError ? error.message : `SQL script failed: ${errorText(error)}`, secrets);
      return failedResult(message, { stdoutTail, stderrTail: message });
    }
    output.writeLine('Committed');
    output.end();
    return { outcome: 'Completed', exitCode: null, stdoutTail: output.text(), stderrTail: null, errorMessage: null };
  }
}

/** The connection string itself and its password, in every spelling that could surface in a message. */
function connectionSecrets(connectionString: string | null | undefined): string[] {
  if (!connectionString) return [];
  const secrets = [connectionString, connectionString.trim()];
  const password = connectionStringPassword(connectionString);
  if (password) secrets.push(password, encodeURIComponent(password));
  return secrets;
}
