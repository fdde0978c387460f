export type {
  CompiledPattern,
  CompiledTrigger,
  CompileResult,
  IntervalUnit,
  NormalisedTrigger,
  PatternType,
  TriggerErrors,
  TriggerInput,
  TriggerType,
} from './types';
export { TriggerValidationError } from './errors';
export { compileCron, compileTrigger, compileTriggerOrThrow, triggerRepeatStrategy } from './compile-trigger';
export { isValidTimeZone } from './time-zone';
export { fires } from './fires';
export type { FiringFields } from './fires';
export type { DstNote } from './dst-notes';
export { describeTrigger } from './describe-trigger';
