import { mergeValidationErrors, ValidationError, type ValidationErrors } from '@jim/common';
import type { StepFields } from '@jim/persistence';
import { isMaskedConnectionString, parseSqlConnectionString, resolveStepPaths, splitArguments } from '@jim/steps';
import { compileTrigger, type CompiledTrigger, type TriggerInput } from '@jim/trigger';
import { STEP_DEFAULTS, STEP_TYPE_FIELDS, type OverlapPolicy, type StepTypeField, type TriggerRequestFields } from '@jim/contracts';
import type { ScheduleRequest, ScheduleStepRequest } from './dto/schedule-request.dto';

/** A step as it will be stored: only the fields its type uses, grouping derived from stepIndex. */
export interface StepDefinition extends StepFields {
  requestedId: string | null;
  position: number;
  /** Clear text as sent; `masked` when its password is `***`, asking to keep the stored password. */
  sqlConnectionString: string | null | { masked: string };
  /** Where this step sat in the request, for error paths. */
  requestOrdinal: number;
}

export interface ScheduleDefinition {
  name: string;
  description: string | null;
  isEnabled: boolean;
  trigger: CompiledTrigger;
  steps: StepDefinition[];
  changeReason: string | null;
  policies: SchedulePolicies;
}

/** The schedule-level execution policies (see docs/policies.md), with their defaults. */
export interface SchedulePolicies {
  overlapPolicy: OverlapPolicy;
  catchUpWindowSeconds: number | null;
  jitterSeconds: number;
}

export interface DefinitionRules {
  allowedScriptRoots: string[];
}

/** The trigger fields of a create or update request (or a preview), as the trigger library reads them. */
export function triggerInputOfRequest(request: TriggerRequestFields): TriggerInput {
  // The trigger reads only its own fields; absent ones take their defaults.
  return { ...request, triggerType: request.triggerType ?? 'Manual' };
}

/** Everything that can be checked without the database; throws one ValidationError holding every problem. */
export function defineSchedule(request: ScheduleRequest, rules: DefinitionRules): ScheduleDefinition {
  const errors: ValidationErrors[] = [];
  if (request.name.trim().length === 0) errors.push({ name: ['must not be blank'] });

  const compiled = compileTrigger(triggerInputOfRequest(request));
  if (!compiled.ok) errors.push(compiled.errors);

  const steps = orderSteps(request.steps ?? []).map((step, i, all) => defineStep(step, i, all));
  for (const step of steps) errors.push(checkStep(step, rules));

  const merged = mergeValidationErrors(...errors);
  if (Object.keys(merged).length > 0 || !compiled.ok) throw new ValidationError(merged);
  return {
    name: request.name.trim(),
    description: request.description ?? null,
    isEnabled: request.isEnabled ?? false,
    trigger: compiled.trigger,
    steps,
    changeReason: request.changeReason ?? null,
    policies: {
      overlapPolicy: request.overlapPolicy ?? 'Skip',
      catchUpWindowSeconds: request.catchUpWindowSeconds ?? null,
      jitterSeconds: request.jitterSeconds ?? 0,
    },
  };
}

interface OrderedStep {
  request: ScheduleStepRequest;
  requestOrdinal: number;
}

/** Stable: steps keep their request order within an index, which is their order within a parallel group. */
function orderSteps(steps: ScheduleStepRequest[]): OrderedStep[] {
  return steps
    .map((request, requestOrdinal) => ({ request, requestOrdinal }))
    .sort((a, b) => a.request.stepIndex - b.request.stepIndex || a.requestOrdinal - b.requestOrdinal);
}

function defineStep({ request: s, requestOrdinal }: OrderedStep, i: number, all: OrderedStep[]): StepDefinition {
  const position = all.slice(0, i).filter((o) => o.request.stepIndex === s.stepIndex).length;
  const uses: readonly StepTypeField[] = STEP_TYPE_FIELDS[s.stepType];
  // One object filled field by field: spreading objects built with Object.fromEntries into a literal cost ~6 µs a step.
  const fields: Record<string, unknown> = {};
  for (const field of TYPE_FIELDS) fields[field] = uses.includes(field) ? blankToNull(s[field]) : null;
  const connectionString = fields.sqlConnectionString as string | null;
  for (const [field, fallback] of DEFAULTS) fields[field] = s[field] ?? fallback;
  return Object.assign(fields as Pick<StepDefinition, StepTypeField | StepDefaultField>, {
    requestedId: s.id && s.id !== EMPTY_GUID ? s.id.toLowerCase() : null,
    stepIndex: s.stepIndex,
    position,
    name: blankToNull(s.name),
    executionMode: position === 0 ? 'Sequential' : 'ParallelWithPrevious',
    stepType: s.stepType,
    sqlConnectionString: connectionString !== null && isMaskedConnectionString(connectionString) ? { masked: connectionString } : connectionString,
    requestOrdinal,
  } as const);
}

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

type StepDefaultField = keyof typeof STEP_DEFAULTS;

const DEFAULTS = Object.entries(STEP_DEFAULTS) as [StepDefaultField, unknown][];

/** Every field only some step types use (STEP_TYPE_FIELDS). */
const TYPE_FIELDS: readonly StepTypeField[] = [...new Set(Object.values(STEP_TYPE_FIELDS).flat())];

function checkStep(step: StepDefinition, rules: DefinitionRules): ValidationErrors {
  const errors: ValidationErrors = {};
  const at = (field: string, message: string) => (errors[`steps[${step.requestOrdinal}].${field}`] ??= []).push(message);
  const requirePath = (field: 'scriptPath' | 'executablePath' | 'sqlScriptPath', message: string) => {
    if (step[field] === null) at(field, message);
  };
  switch (step.stepType) {
    case 'RunProfile':
      if (step.connectedSystemId === null) at('connectedSystemId', 'Connected System ID is required for RunProfile steps');
      if (step.runProfileId === null) at('runProfileId', 'Run Profile ID is required for RunProfile steps');
      break;
    case 'PowerShell':
      requirePath('scriptPath', 'Script path is required for PowerShell steps');
      break;
    case 'Executable':
      requirePath('executablePath', 'Executable path is required for Executable steps');
      break;
    case 'SqlScript':
      if (step.sqlConnectionString === null) at('sqlConnectionString', 'Connection string is required for SqlScript steps');
      else {
        try {
          parseSqlConnectionString(typeof step.sqlConnectionString === 'string' ? step.sqlConnectionString : step.sqlConnectionString.masked);
        } catch (error) {
          at('sqlConnectionString', (error as Error).message);
        }
      }
      requirePath('sqlScriptPath', 'SQL script path is required for SqlScript steps');
      break;
  }
  // The worker checks the same paths with the same policy before it runs the step.
  const paths = resolveStepPaths(step, rules.allowedScriptRoots);
  for (const problem of paths.problems) at(problem.field, problem.message);
  if (step.arguments !== null) {
    try {
      splitArguments(step.arguments);
    } catch (error) {
      at('arguments', (error as Error).message);
    }
  }
  return errors;
}

function blankToNull<T>(value: T | null | undefined): T | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  return value;
}
