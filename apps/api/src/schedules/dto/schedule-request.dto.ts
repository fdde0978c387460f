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
  PATTERN_TYPES,
  STEP_TYPES,
  TRIGGER_TYPES,
  type ExecutionMode,
  type IntervalUnit,
  type PatternType,
  type ScheduleStepType,
  type TriggerType,
} from '@jim/persistence';

export const MAX_STEPS = 200;
const oneOf = (values: readonly string[]) => ({ message: `must be one of ${values.join(', ')}` });
const maxChars = (n: number) => ({ message: `must be at most ${n} characters` });
const int = { message: 'must be an integer' };
const bool = { message: 'must be true or false' };
const text = { message: 'must be a string' };

export class ScheduleStepRequest {
  /** An existing step's id updates that step on PUT; absent (or unknown) creates a step. */
  @IsOptional() @IsString(text) @MaxLength(36, maxChars(36))
  id?: string | null;

  @IsInt(int) @Min(0, { message: 'must be at least 0' }) @Max(1000, { message: 'must be at most 1000' })
  stepIndex: number;

  @IsOptional() @IsString(text) @MaxLength(200, maxChars(200))
  name?: string | null;

  /** Accepted for compatibility; the real grouping comes from stepIndex and is what responses show. */
  @IsOptional() @IsIn(EXECUTION_MODES, oneOf(EXECUTION_MODES))
  executionMode?: ExecutionMode | null;

  @IsIn(STEP_TYPES, oneOf(STEP_TYPES))
  stepType: ScheduleStepType;

  @IsOptional() @IsBoolean(bool)
  continueOnFailure?: boolean | null;

  @IsOptional() @IsInt(int) @Min(1, { message: 'must be at least 1' }) @Max(86400, { message: 'must be at most 86400 (24 hours)' })
  timeoutSeconds?: number | null;

  @IsOptional() @IsInt(int) @Min(1, { message: 'must be a positive integer' }) @Max(2147483647, { message: 'is too large' })
  connectedSystemId?: number | null;

  @IsOptional() @IsInt(int) @Min(1, { message: 'must be a positive integer' }) @Max(2147483647, { message: 'is too large' })
  runProfileId?: number | null;

  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  scriptPath?: string | null;

  @IsOptional() @IsString(text) @MaxLength(2000, maxChars(2000))
  arguments?: string | null;

  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  executablePath?: string | null;

  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  workingDirectory?: string | null;

  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  sqlConnectionString?: string | null;

  @IsOptional() @IsString(text) @MaxLength(500, maxChars(500))
  sqlScriptPath?: string | null;

  // Read-only fields a GET returns: accepted and ignored, so a client can GET, edit and PUT back.
  @Allow() connectedSystemName?: unknown;
  @Allow() runProfileName?: unknown;
}

export class ScheduleRequest {
  @IsString(text) @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name: string;

  @IsOptional() @IsString(text) @MaxLength(1000, maxChars(1000))
  description?: string | null;

  @IsOptional() @IsIn(TRIGGER_TYPES, oneOf(TRIGGER_TYPES))
  triggerType?: TriggerType | null;

  @IsOptional() @IsIn(PATTERN_TYPES, oneOf(PATTERN_TYPES))
  patternType?: PatternType | null;

  @IsOptional() @IsString(text) @MaxLength(50, maxChars(50))
  daysOfWeek?: string | null;

  @IsOptional() @IsString(text) @MaxLength(200, maxChars(200))
  runTimes?: string | null;

  @IsOptional() @IsInt(int) @Min(1, { message: 'must be at least 1' }) @Max(59, { message: 'must be at most 59' })
  intervalValue?: number | null;

  @IsOptional() @IsIn(INTERVAL_UNITS, oneOf(INTERVAL_UNITS))
  intervalUnit?: IntervalUnit | null;

  @IsOptional() @IsString(text) @MaxLength(10, maxChars(10))
  intervalWindowStart?: string | null;

  @IsOptional() @IsString(text) @MaxLength(10, maxChars(10))
  intervalWindowEnd?: string | null;

  @IsOptional() @IsString(text) @MaxLength(1000, maxChars(1000))
  cronExpression?: string | null;

  @IsOptional() @IsString(text) @MaxLength(64, maxChars(64))
  timeZone?: string | null;

  @IsOptional() @IsBoolean(bool)
  isEnabled?: boolean | null;

  @IsOptional() @IsArray({ message: 'must be an array' }) @ArrayMaxSize(MAX_STEPS, { message: `must hold at most ${MAX_STEPS} steps` })
  @ValidateNested({ each: true }) @Type(() => ScheduleStepRequest)
  steps?: ScheduleStepRequest[] | null;

  @IsOptional() @IsString(text) @MaxLength(2000, maxChars(2000))
  changeReason?: string | null;

  // Read-only fields a GET returns: accepted and ignored.
  @Allow() id?: unknown;
  @Allow() created?: unknown;
  @Allow() lastUpdated?: unknown;
  @Allow() lastRunTime?: unknown;
  @Allow() nextRunTime?: unknown;
  @Allow() stepCount?: unknown;
  @Allow() lastExecutionId?: unknown;
  @Allow() lastExecutionStatus?: unknown;
  @Allow() lastExecutionCurrentStepIndex?: unknown;
  @Allow() lastExecutionTotalSteps?: unknown;
  @Allow() lastExecutionCompletedAt?: unknown;
  @Allow() lastExecutionErrorMessage?: unknown;
}
