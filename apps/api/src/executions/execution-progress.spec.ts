import type { StepStatus } from '@jim/persistence';
import { aggregateGroupStatus, executionProgress, sortByOutcome } from './execution-progress';

describe('aggregateGroupStatus', () => {
  const cases: [StepStatus[], StepStatus][] = [
    [['Failed', 'Completed'], 'Failed'],
    [['Processing', 'Failed'], 'Failed'],
    [['CompletedWithError', 'Cancelled'], 'CompletedWithError'],
    [['CompletedWithError', 'Processing'], 'CompletedWithError'],
    [['Processing', 'Cancelled'], 'Processing'],
    [['Processing', 'Queued'], 'Processing'],
    [['Cancelled', 'Completed'], 'Cancelled'],
    [['Cancelled', 'Pending'], 'Cancelled'],
    [['Completed', 'Completed'], 'Completed'],
    [['Completed', 'CompletedWithWarning'], 'CompletedWithWarning'],
    [['CompletedWithWarning'], 'CompletedWithWarning'],
    [['Completed', 'Queued'], 'Processing'],
    [['CompletedWithWarning', 'Pending'], 'Processing'],
    [['Queued', 'Pending'], 'Queued'],
    [['Queued'], 'Queued'],
    [['Pending', 'Pending'], 'Pending'],
    [[], 'Pending'],
  ];
  it.each(cases)('%j → %s', (statuses, expected) => {
    expect(aggregateGroupStatus(statuses)).toBe(expected);
  });
});

describe('sortByOutcome', () => {
  it('puts the worst outcome first and does not change its input', () => {
    const input: StepStatus[] = ['Pending', 'Queued', 'Processing', 'Completed', 'CompletedWithWarning', 'Cancelled', 'CompletedWithError', 'Failed'];
    expect(sortByOutcome(input)).toEqual([
      'Failed',
      'CompletedWithError',
      'Cancelled',
      'CompletedWithWarning',
      'Completed',
      'Processing',
      'Queued',
      'Pending',
    ]);
    expect(input[0]).toBe('Pending');
  });
});

describe('executionProgress', () => {
  const steps = [
    { stepIndex: 0, groupOrdinal: 0, name: 'HR - Full Import', status: 'Completed' as StepStatus },
    { stepIndex: 2, groupOrdinal: 1, name: 'A', status: 'Processing' as StepStatus },
    { stepIndex: 2, groupOrdinal: 1, name: 'B', status: 'Failed' as StepStatus },
    { stepIndex: 5, groupOrdinal: 2, name: 'Notify', status: 'Pending' as StepStatus },
  ];

  it('has one entry per group, named after its step or its size', () => {
    expect(executionProgress({ status: 'InProgress', currentStepIndex: 1, totalSteps: 3 }, steps)).toEqual({
      currentStepNumber: 2,
      totalSteps: 3,
      steps: [
        { stepIndex: 0, name: 'HR - Full Import', status: 'Completed', taskStatuses: ['Completed'], isParallel: false },
        { stepIndex: 2, name: '2 in parallel', status: 'Failed', taskStatuses: ['Failed', 'Processing'], isParallel: true },
        { stepIndex: 5, name: 'Notify', status: 'Pending', taskStatuses: ['Pending'], isParallel: false },
      ],
    });
  });

  it.each(['Complete', 'Failed', 'Cancelled'] as const)('has no current step once the execution is %s', (status) => {
    expect(executionProgress({ status, currentStepIndex: 1, totalSteps: 3 }, steps).currentStepNumber).toBeNull();
  });

  it('counts a queued execution as at its current step', () => {
    expect(executionProgress({ status: 'Queued', currentStepIndex: 0, totalSteps: 3 }, steps).currentStepNumber).toBe(1);
  });

  it('never reports fewer groups than it shows', () => {
    expect(executionProgress({ status: 'InProgress', currentStepIndex: 0, totalSteps: 1 }, steps).totalSteps).toBe(3);
  });
});
