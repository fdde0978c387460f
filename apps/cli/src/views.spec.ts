import type { ScheduleExecutionDetailResponse, ScheduleExecutionStepResponse, ScheduleResponse } from '@jim/contracts';
import { describeDays, executionDetail, retryPolicy, trigger } from './views';

const schedule = (fields: Partial<ScheduleResponse>) => ({ triggerType: 'Cron', timeZone: 'UTC', ...fields }) as ScheduleResponse;

describe('trigger descriptions', () => {
  it('names the days', () => {
    expect(describeDays('1,2,3,4,5')).toBe('weekdays');
    expect(describeDays('6,0')).toBe('weekends');
    expect(describeDays('0,1,2,3,4,5,6')).toBe('every day');
    expect(describeDays(null)).toBe('every day');
    expect(describeDays('1,3')).toBe('Mon, Wed');
  });

  it('describes each kind of trigger', () => {
    expect(trigger(schedule({ triggerType: 'Manual' }))).toBe('Manual');
    expect(trigger(schedule({ patternType: 'SpecificTimes', daysOfWeek: '1,2,3,4,5', runTimes: '06:30,18:00', timeZone: 'Europe/London' }))).toBe(
      'weekdays at 06:30, 18:00 (Europe/London)',
    );
    expect(
      trigger(schedule({ patternType: 'Interval', intervalValue: 15, intervalUnit: 'Minutes', intervalWindowStart: '07:00', intervalWindowEnd: '19:00', daysOfWeek: '1,2,3,4,5' })),
    ).toBe('every 15 min 07:00-19:00, weekdays');
    expect(trigger(schedule({ patternType: 'Interval', intervalValue: 2, intervalUnit: 'Hours', daysOfWeek: null }))).toBe('every 2 h, every day');
    expect(trigger(schedule({ patternType: 'Custom', cronExpression: '0 1 1 1,4,7,10 *' }))).toBe('cron 0 1 1 1,4,7,10 *');
  });
});

describe('step retries in the views', () => {
  const attempt = (n: number, outcome: string) => ({
    attempt: n,
    startedAt: `2026-07-13T05:00:0${n}.000Z`,
    completedAt: `2026-07-13T05:00:0${n}.500Z`,
    outcome,
    exitCode: outcome === 'Completed' ? 0 : 1,
    stdoutTail: null,
    stderrTail: null,
    errorMessage: outcome === 'Completed' ? null : 'Process exited with code 1',
    activityId: null,
  });

  it('says the retry policy of a step that retries, nothing for one that runs once', () => {
    expect(retryPolicy({ maxAttempts: 1, retryDelaySeconds: 30, retryOnTimeout: false })).toBeNull();
    expect(retryPolicy({ maxAttempts: 3, retryDelaySeconds: 60, retryOnTimeout: false })).toBe('3 × from 60 s');
    expect(retryPolicy({ maxAttempts: 2, retryDelaySeconds: 5, retryOnTimeout: true })).toBe('2 × from 5 s, on timeout too');
  });

  it('shows the attempt, a waiting retry and each attempt of an execution', () => {
    const step = (fields: Partial<ScheduleExecutionStepResponse>) =>
      ({ groupOrdinal: 0, stepIndex: 0, name: 'flaky', stepType: 'Executable', status: 'Completed', maxAttempts: 1, attempt: 1, nextAttemptAt: null, attempts: [], ...fields }) as ScheduleExecutionStepResponse;
    const execution = {
      id: 'e1',
      scheduleId: 's1',
      scheduleName: 'Nightly',
      status: 'InProgress',
      triggerKind: 'Manual',
      currentStepIndex: 0,
      totalSteps: 2,
      queuedAt: '2026-07-13T05:00:00.000Z',
      initiatedByType: 'User',
      progress: { currentStepNumber: 1, totalSteps: 2, steps: [] },
      steps: [
        step({ maxAttempts: 3, attempt: 3, attempts: [attempt(1, 'Failed'), attempt(2, 'Failed'), attempt(3, 'Completed')] }),
        step({ groupOrdinal: 1, stepIndex: 1, name: 'waits', status: 'Queued', maxAttempts: 2, attempt: 2, nextAttemptAt: '2026-07-13T05:01:00.000Z', attempts: [attempt(1, 'Failed')] }),
      ],
    } as unknown as ScheduleExecutionDetailResponse;
    const text = executionDetail(execution);
    expect(text).toMatch(/flaky\s+Executable\s+Completed\s+3\/3/);
    expect(text).toMatch(/waits\s+Executable\s+Retry at .*\s+2\/2/);
    const attempts = text.slice(text.indexOf('Attempts:'));
    expect(attempts.match(/^\s*1\s+flaky\s+\d\s+\w+/gm)?.map((line) => line.trim().split(/\s+/).slice(2).join(' '))).toEqual(['1 Failed', '2 Failed', '3 Completed']);
    expect(attempts).not.toContain('waits');
  });
});
