import type { StepSpec } from '../step';
import { ArgumentSyntaxError, splitArguments } from './split-arguments';

/** The step's argv, or the failure message when its argument string cannot be split. */
export function stepArguments(step: StepSpec): { args: string[] } | { problem: string } {
  try {
    return { args: splitArguments(step.arguments ?? '') };
  } catch (error) {
    if (error instanceof ArgumentSyntaxError) return { problem: `Invalid arguments: ${error.message}` };
    throw error;
  }
}
