import type { ExecutionStatus, StepStatus } from '@jim/persistence';
import type { ExecutionProgress, ExecutionProgressGroup } from './dto/execution-response.dto';

/** Worst outcome first, so a glance at the first status of a group tells what went wrong. */
const OUTCOME_ORDER: readonly StepStatus[] = [
  'Failed',
  'CompletedWithError',
  'Cancelled',
  'CompletedWithWarning',
  'Completed',
  'Processing',
  'Queued',
  'Pending',
];

export function sortByOutcome(statuses: readonly StepStatus[]): StepStatus[] {
  return [...statuses].sort((a, b) => OUTCOME_ORDER.indexOf(a) - OUTCOME_ORDER.indexOf(b));
}

/** The status of a group of parallel steps, as one status. */
export function aggregateGroupStatus(statuses: readonly StepStatus[]): StepStatus {
  const any = (status: StepStatus) => statuses.includes(status);
  if (any('Failed')) return 'Failed';
  if (any('CompletedWithError')) return 'CompletedWithError';
  if (any('Processing')) return 'Processing';
  if (any('Cancelled')) return 'Cancelled';
  const completed = statuses.filter((s) => s === 'Completed' || s === 'CompletedWithWarning');
  if (statuses.length > 0 && completed.length === statuses.length) {
    return any('CompletedWithWarning') ? 'CompletedWithWarning' : 'Completed';
  }
  if (completed.length > 0) return 'Processing';
  if (any('Queued')) return 'Queued';
  return 'Pending';
}

export interface ProgressStep {
  stepIndex: number;
  groupOrdinal: number;
  name: string;
  status: StepStatus;
}

export interface ProgressExecution {
  status: ExecutionStatus;
  currentStepIndex: number;
  totalSteps: number;
}

/** One entry per step group, in run order. */
export function executionProgress(execution: ProgressExecution, steps: readonly ProgressStep[]): ExecutionProgress {
  const groups = new Map<number, ProgressStep[]>();
  for (const step of [...steps].sort((a, b) => a.groupOrdinal - b.groupOrdinal)) {
    const group = groups.get(step.groupOrdinal);
    if (group) group.push(step);
    else groups.set(step.groupOrdinal, [step]);
  }
  const entries: ExecutionProgressGroup[] = [...groups.values()].map((group) => {
    const statuses = group.map((s) => s.status);
    return {
      stepIndex: group[0].stepIndex,
      name: group.length === 1 ? group[0].name : `${group.length} in parallel`,
      status: aggregateGroupStatus(statuses),
      taskStatuses: sortByOutcome(statuses),
      isParallel: group.length > 1,
    };
  });
  const active = execution.status === 'Queued' || execution.status === 'InProgress';
  return {
    currentStepNumber: active ? execution.currentStepIndex + 1 : null,
    totalSteps: Math.max(execution.totalSteps, entries.length),
    steps: entries,
  };
}
