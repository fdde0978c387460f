import { EXECUTION_STATUSES, STEP_STATUSES } from '@jim/contracts';
import {
  assertExecutionMove,
  assertStepMove,
  canMoveExecution,
  canMoveStep,
  EXECUTION_TRANSITIONS,
  IllegalTransition,
  STEP_TRANSITIONS,
  stepStatusesInto,
  TERMINAL,
} from './execution-transitions';
import { ACTIVE_EXECUTION_STATUSES, SETTLED_STEP_STATUSES } from './entities/enums';

describe('the execution state machine', () => {
  it('has a row for every status of enums.ts, and moves only to known statuses', () => {
    expect(Object.keys(EXECUTION_TRANSITIONS).sort()).toEqual([...EXECUTION_STATUSES].sort());
    expect(Object.keys(STEP_TRANSITIONS).sort()).toEqual([...STEP_STATUSES].sort());
  });

  it('ends exactly in the settled statuses of enums.ts: the active ones are the only ones an execution leaves', () => {
    expect(TERMINAL.executions.sort()).toEqual(EXECUTION_STATUSES.filter((s) => !ACTIVE_EXECUTION_STATUSES.includes(s)).sort());
    expect(TERMINAL.steps.sort()).toEqual([...SETTLED_STEP_STATUSES].sort());
  });

  it.each([
    ['InProgress', 'Complete'],
    ['InProgress', 'Failed'],
    ['InProgress', 'Cancelled'],
    ['Queued', 'Cancelled'],
  ] as const)('lets an execution go from %s to %s', (from, to) => {
    expect(canMoveExecution(from, to)).toBe(true);
  });

  it.each([
    ['Complete', 'InProgress'],
    ['Cancelled', 'Complete'],
    ['Failed', 'Cancelled'],
    ['InProgress', 'Queued'],
  ] as const)('refuses to move an execution from %s to %s', (from, to) => {
    expect(() => assertExecutionMove(from, to)).toThrow(new IllegalTransition('execution', from, to));
  });

  it('lets a step be claimed only when Queued, cancelled only before it ends, resumed only while Processing', () => {
    expect(stepStatusesInto('Processing')).toEqual(['Queued']);
    expect(stepStatusesInto('Cancelled')).toEqual(['Pending', 'Queued', 'Processing', 'WaitingForResource']);
    expect(stepStatusesInto('Queued')).toEqual(['Pending', 'Processing', 'WaitingForResource']);
    expect(stepStatusesInto('WaitingForResource')).toEqual(['Queued']);
    expect(stepStatusesInto('Failed')).toEqual(['Processing']);
  });

  it.each([
    ['Completed', 'Processing'],
    ['Pending', 'Processing'],
    ['Cancelled', 'Queued'],
    ['Failed', 'Completed'],
  ] as const)('refuses to move a step from %s to %s', (from, to) => {
    expect(canMoveStep(from, to)).toBe(false);
    expect(() => assertStepMove(from, to)).toThrow(`An execution step cannot go from ${from} to ${to}`);
  });
});
