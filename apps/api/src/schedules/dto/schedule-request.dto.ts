import { applyDecorators } from '@nestjs/common';
import type * as Contract from '@jim/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  EXECUTION_MODES,
  INTERVAL_UNITS,
  OVERLAP_POLICIES,
  PATTERN_TYPES,
  STEP_DEFAULTS,
  STEP_TYPES,
  TRIGGER_TYPES,
  type ExecutionMode,
  type IntervalUnit,
  type OverlapPolicy,
  type PatternType,
  type ScheduleStepType,
  type TriggerType,
} from '@jim/contracts';

export const MAX_STEPS = 200;
const oneOf = (values: readonly string[]) => ({ message: `must be one of ${values.join(', ')}` });
const maxChars = (n: number) => ({ message: `must be at most ${n} characters` });
const int = { message: 'must be an integer' };
const bool = { message: 'must be true or false' };
const text = { message: 'must be a string' };

/** A field of the GET response: accepted (any value) and ignored, so a client can GET, edit and PUT back. */
const Echoed = (type: 'string' | 'integer', format?: 'uuid' | 'date-time') =>
  applyDecorators(
    Allow(),
    ApiPropertyOptional({ type, format, nullable: true, description: 'From a GET response: accepted and ignored (the server sets it)' }),
  );

export class ScheduleStepRequest implements Contract.ScheduleStepRequest {
  /** An existing step's id updates that step on PUT; absent (or unknown) creates a step. */
  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true, maxLength: 36, description: "An existing step's id: on PUT, updates that step (keeping its stored secrets). Omit it to add a step." })
  @IsOptional() @IsString(text) @MaxLength(36, maxChars(36))
  id?: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 1000, example: 0, description: 'Execution order (0-based). Same index = parallel execution.' })
  @IsInt(int) @Min(0, { message: 'must be at least 0' }) @Max(1000, { message: 'must be at most 1000' })
  stepIndex: number;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 200, example: 'Pre-import validation', description: 'Step name (max 200 characters)' })
  @IsOptional() @IsString(text) @MaxLength(200, maxChars(200))
  name?: string | null;

  /** Accepted for compatibility; the real grouping comes from stepIndex and is what responses show. */
  @ApiPropertyOptional({ enum: [...EXECUTION_MODES], nullable: true, default: 'Sequential', description: 'Sequential or ParallelWithPrevious (default: Sequential). Accepted for compatibility: grouping comes from stepIndex, and responses show the mode it implies.' })
  @IsOptional() @IsIn(EXECUTION_MODES, oneOf(EXECUTION_MODES))
  executionMode?: ExecutionMode | null;

  @ApiProperty({ enum: [...STEP_TYPES], example: 'RunProfile', description: 'RunProfile, PowerShell, Executable, or SqlScript' })
  @IsIn(STEP_TYPES, oneOf(STEP_TYPES))
  stepType: ScheduleStepType;

  @ApiPropertyOptional({ type: 'boolean', nullable: true, default: STEP_DEFAULTS.continueOnFailure, description: `Continue on failure (default: ${STEP_DEFAULTS.continueOnFailure})` })
  @IsOptional() @IsBoolean(bool)
  continueOnFailure?: boolean | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 86400, example: 300, description: 'Timeout in seconds (1-86400). Without it the default step timeout of the workers applies (JIM_DEFAULT_STEP_TIMEOUT_SECONDS, 3600).' })
  @IsOptional() @IsInt(int) @Min(1, { message: 'must be at least 1' }) @Max(86400, { message: 'must be at most 86400 (24 hours)' })
  timeoutSeconds?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 2147483647, example: 1, description: 'Connected system ID (RunProfile steps)' })
  @IsOptional() @IsInt(int) @Min(1, { message: 'must be a positive integer' }) @Max(2147483647, { message: 'is too large' })
  connectedSystemId?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 2147483647, example: 1, description: 'Run profile ID (RunProfile steps); the run profile must belong to the connected system' })
  @IsOptional() @IsInt(int) @Min(1, { message: 'must be a positive integer' }) @Max(2147483647, { message: 'is too large' })
  runProfileId?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500, example: '/opt/jim/scripts/validate-source.ps1', description: 'Script file path (PowerShell steps, max 500 characters)' })
  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  scriptPath?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 2000, example: '-ReportType Summary -SendEmail', description: 'Arguments (PowerShell and Executable steps, max 2000 characters)' })
  @IsOptional() @IsString(text) @MaxLength(2000, maxChars(2000))
  arguments?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500, example: '/usr/bin/logger', description: 'Executable path (Executable steps, max 500 characters)' })
  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  executablePath?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500, description: 'Working directory (Executable and PowerShell steps, max 500 characters)' })
  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  workingDirectory?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500, description: 'Connection string (SqlScript steps, max 500 characters). Stored encrypted and returned with the password masked; sending the masked value back on PUT keeps the stored secret.' })
  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  sqlConnectionString?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500, description: 'SQL script path (SqlScript steps, max 500 characters)' })
  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  sqlScriptPath?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 10, default: STEP_DEFAULTS.maxAttempts, example: 3, description: `How many times the step may run (1-10, default ${STEP_DEFAULTS.maxAttempts}: no retry). A failed attempt is run again; a cancelled one never, a timed-out one only with retryOnTimeout.` })
  @IsOptional() @IsInt(int) @Min(1, { message: 'must be at least 1' }) @Max(10, { message: 'must be at most 10' })
  maxAttempts?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 3600, default: STEP_DEFAULTS.retryDelaySeconds, example: 60, description: `Seconds before the first retry (1-3600, default ${STEP_DEFAULTS.retryDelaySeconds}); doubled for each further retry, at most 3600` })
  @IsOptional() @IsInt(int) @Min(1, { message: 'must be at least 1' }) @Max(3600, { message: 'must be at most 3600 (1 hour)' })
  retryDelaySeconds?: number | null;

  @ApiPropertyOptional({ type: 'boolean', nullable: true, default: STEP_DEFAULTS.retryOnTimeout, description: `Whether a timed-out attempt is retried (default ${STEP_DEFAULTS.retryOnTimeout})` })
  @IsOptional() @IsBoolean(bool)
  retryOnTimeout?: boolean | null;

  // Read-only fields a GET returns: accepted and ignored, so a client can GET, edit and PUT back.
  @Echoed('string') connectedSystemName?: unknown;
  @Echoed('string') runProfileName?: unknown;
}

export class ScheduleRequest implements Contract.ScheduleRequest {
  @ApiProperty({ type: 'string', minLength: 1, maxLength: 200, example: 'Morning Import', description: 'Schedule name (1-200 characters). Unique, ignoring case.' })
  @IsString(text) @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000, example: 'Full import and sync, triggered manually when needed', description: 'Description (max 1000 characters)' })
  @IsOptional() @IsString(text) @MaxLength(1000, maxChars(1000))
  description?: string | null;

  @ApiPropertyOptional({ enum: [...TRIGGER_TYPES], nullable: true, default: 'Manual', description: 'Cron or Manual (default: Manual)' })
  @IsOptional() @IsIn(TRIGGER_TYPES, oneOf(TRIGGER_TYPES))
  triggerType?: TriggerType | null;

  @ApiPropertyOptional({ enum: [...PATTERN_TYPES], nullable: true, default: 'SpecificTimes', description: 'SpecificTimes, Interval, or Custom (default: SpecificTimes)' })
  @IsOptional() @IsIn(PATTERN_TYPES, oneOf(PATTERN_TYPES))
  patternType?: PatternType | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 50, example: '1,2,3,4,5', description: 'Comma-separated day numbers: 0=Sun, 1=Mon, ..., 6=Sat' })
  @IsOptional() @IsString(text) @MaxLength(50, maxChars(50))
  daysOfWeek?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 200, example: '06:00,12:00', description: 'Comma-separated 24h times (e.g. "06:00,12:00")' })
  @IsOptional() @IsString(text) @MaxLength(200, maxChars(200))
  runTimes?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 59, example: 30, description: 'Interval count (1-59) for Interval pattern (1-23 when intervalUnit is Hours)' })
  @IsOptional() @IsInt(int) @Min(1, { message: 'must be at least 1' }) @Max(59, { message: 'must be at most 59' })
  intervalValue?: number | null;

  @ApiPropertyOptional({ enum: [...INTERVAL_UNITS], nullable: true, default: 'Hours', description: 'Minutes or Hours (default: Hours)' })
  @IsOptional() @IsIn(INTERVAL_UNITS, oneOf(INTERVAL_UNITS))
  intervalUnit?: IntervalUnit | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 10, example: '08:00', description: 'Window start time (e.g. "08:00")' })
  @IsOptional() @IsString(text) @MaxLength(10, maxChars(10))
  intervalWindowStart?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 10, example: '18:00', description: 'Window end time (e.g. "18:00")' })
  @IsOptional() @IsString(text) @MaxLength(10, maxChars(10))
  intervalWindowEnd?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000, example: '0 3 1-7 * 1', description: 'Raw cron expression for Custom pattern (max 1000 characters). Ignored for SpecificTimes and Interval, whose expression is generated.' })
  @IsOptional() @IsString(text) @MaxLength(1000, maxChars(1000))
  cronExpression?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 64, default: 'UTC', example: 'Europe/London', description: 'IANA time zone of the run times and window (default: UTC)' })
  @IsOptional() @IsString(text) @MaxLength(64, maxChars(64))
  timeZone?: string | null;

  @ApiPropertyOptional({ type: 'boolean', nullable: true, default: false, description: 'Enable on creation (default: false)' })
  @IsOptional() @IsBoolean(bool)
  isEnabled?: boolean | null;

  @ApiPropertyOptional({ type: () => [ScheduleStepRequest], nullable: true, maxItems: MAX_STEPS, description: `List of schedule steps (at most ${MAX_STEPS}). On PUT, the complete list: existing steps not in it are deleted.` })
  @IsOptional() @IsArray({ message: 'must be an array' }) @ArrayMaxSize(MAX_STEPS, { message: `must hold at most ${MAX_STEPS} steps` })
  @ValidateNested({ each: true }) @Type(() => ScheduleStepRequest)
  steps?: ScheduleStepRequest[] | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 2000, description: 'Why the change is made; recorded in the change history (max 2000 characters)' })
  @IsOptional() @IsString(text) @MaxLength(2000, maxChars(2000))
  changeReason?: string | null;

  @ApiPropertyOptional({ enum: [...OVERLAP_POLICIES], nullable: true, default: 'Skip', description: 'What a tick (or a manual run) does while an execution of the schedule is active: Skip it (recorded as a skipped run), BufferOne (one waits and starts when the active one ends; further ticks are skipped), BufferAll (every one waits, in order, at most 100; more are dropped and recorded), CancelPrevious (cancel the active execution, then start), AllowAll (run alongside). Default: Skip. See docs/policies.md.' })
  @IsOptional() @IsIn(OVERLAP_POLICIES, oneOf(OVERLAP_POLICIES))
  overlapPolicy?: OverlapPolicy | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 86400, example: 600, description: "How late (seconds) a tick that could not start on time (worker, queue or database down) may still start; later ones are recorded as missed, and after an outage only the latest late tick runs. Default (null): the workers' JIM_MISFIRE_GRACE_SECONDS." })
  @IsOptional() @IsInt(int) @Min(0, { message: 'must be at least 0' }) @Max(86400, { message: 'must be at most 86400 (24 hours)' })
  catchUpWindowSeconds?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 3600, default: 0, example: 30, description: 'Each tick starts after its nominal time by a delay in [0, jitterSeconds) s, fixed by the schedule and the nominal time (so every worker agrees). Default: 0.' })
  @IsOptional() @IsInt(int) @Min(0, { message: 'must be at least 0' }) @Max(3600, { message: 'must be at most 3600 (1 hour)' })
  jitterSeconds?: number | null;

  // Read-only fields a GET returns: accepted and ignored.
  @Echoed('string', 'uuid') id?: unknown;
  @Echoed('string', 'date-time') created?: unknown;
  @Echoed('string', 'date-time') lastUpdated?: unknown;
  @Echoed('string', 'date-time') lastRunTime?: unknown;
  @Echoed('string', 'date-time') nextRunTime?: unknown;
  @Echoed('integer') stepCount?: unknown;
  @Echoed('string', 'uuid') lastExecutionId?: unknown;
  @Echoed('string') lastExecutionStatus?: unknown;
  @Echoed('integer') lastExecutionCurrentStepIndex?: unknown;
  @Echoed('integer') lastExecutionTotalSteps?: unknown;
  @Echoed('string', 'date-time') lastExecutionCompletedAt?: unknown;
  @Echoed('string') lastExecutionErrorMessage?: unknown;
}
