export { isStepType } from './step';
export type { DispatchState, StepAbortReason, StepContext, StepExecutor, StepOutcome, StepResult, StepSpec, StepType } from './step';
export { abortMessage, errorText, failedResult, isStepAbortReason, safeLogger } from './step-result';
export { StepExecutorRegistry } from './step-executor.registry';

export { RunProfileStepExecutor, buildRunProfileRequest } from './run-profile/run-profile-step.executor';
export { RUN_PROFILE_STATUSES, isRunProfileStatus } from './run-profile/run-profile-gateway';
export type { RunProfileGateway, RunProfileRequest, RunProfileResult, RunProfileStatus } from './run-profile/run-profile-gateway';

export { ExecutableStepExecutor } from './process/executable-step.executor';
export type { ExecutableStepExecutorOptions } from './process/executable-step.executor';
export { DEFAULT_POWERSHELL_HOST, PowerShellStepExecutor } from './process/powershell-step.executor';
export type { PowerShellStepExecutorOptions } from './process/powershell-step.executor';
export { DEFAULT_KILL_GRACE_MS } from './process/process-runner';
export { ArgumentSyntaxError, splitArguments } from './process/split-arguments';
export { allowListedEnvironment } from './process/step-environment';
export type { Environment } from './process/step-environment';

export { SqlScriptStepExecutor } from './sql/sql-script-step.executor';
export type { SqlScriptStepExecutorOptions } from './sql/sql-script-step.executor';
export {
  ConnectionStringError,
  connectionStringPassword,
  isMaskedConnectionString,
  maskConnectionString,
  parseSqlConnectionString,
  restoreMaskedPassword,
} from './sql/connection-string';
export type { ParsedConnectionString, SqlDialect, SqlSslMode } from './sql/connection-string';
export { MysqlScriptRunner } from './sql/mysql-script-runner';
export type { MysqlScriptRunnerOptions } from './sql/mysql-script-runner';
export { PostgresScriptRunner } from './sql/postgres-script-runner';
export type { PostgresScriptRunnerOptions } from './sql/postgres-script-runner';
export { SqlScriptAborted, SqlScriptError } from './sql/sql-script-runner';
export type { SqlScriptRun, SqlScriptRunner } from './sql/sql-script-runner';

export { findOnPath, isPathAllowed, isRealPathAllowed, resolveStepPaths } from './paths/path-policy';
export type { ResolvedStepPaths, StepPathField, StepPathProblem, StepPaths } from './paths/path-policy';
export { REDACTED, redactSecrets } from './text/redact-secrets';
export { OUTPUT_TAIL_BYTES, OutputTail } from './text/output-tail';
