import { addStep, applyScheduleOptions, newScheduleBody, removeStepGroup, type ScheduleBody, type StepRequest } from './schedule-edit';

const step = (id: string, stepIndex: number, extra: Partial<StepRequest> = {}): StepRequest => ({
  id,
  stepIndex,
  stepType: 'Executable',
  executablePath: `/bin/${id}`,
  timeoutSeconds: 30,
  sqlConnectionString: null,
  ...extra,
});

describe('addStep', () => {
  it('starts at index 0, also with --parallel', () => {
    expect(addStep([], { stepType: 'PowerShell' }, false).added).toMatchObject({ stepIndex: 0, executionMode: 'Sequential' });
    expect(addStep([], { stepType: 'PowerShell' }, true).added).toMatchObject({ stepIndex: 0, executionMode: 'Sequential' });
  });

  it('appends a new group, or joins the last one with --parallel, leaving the others untouched', () => {
    const existing = [step('a', 0), step('b', 1), step('c', 1)];
    const after = addStep(existing, { stepType: 'PowerShell', scriptPath: '/x.ps1' }, false);
    expect(after.added).toMatchObject({ stepIndex: 2, executionMode: 'Sequential' });
    expect(after.steps.slice(0, 3)).toEqual(existing);
    expect(addStep(existing, { stepType: 'PowerShell' }, true).added).toMatchObject({ stepIndex: 1, executionMode: 'ParallelWithPrevious' });
  });
});

describe('removeStepGroup', () => {
  it('removes the whole group and closes the gap, keeping ids and every field', () => {
    const sql = step('d', 3, { stepType: 'SqlScript', sqlConnectionString: 'postgres://u:***@h/db', sqlScriptPath: '/r.sql', timeoutSeconds: 300 });
    const { steps, removed } = removeStepGroup([step('a', 0), step('b', 1), step('c', 1), step('e', 2), sql], 1);
    expect(removed.map((s) => s.id)).toEqual(['b', 'c']);
    expect(steps).toEqual([step('a', 0), step('e', 1), { ...sql, stepIndex: 2 }]);
  });

  it('makes indices contiguous even when they had gaps', () => {
    const { steps } = removeStepGroup([step('a', 0), step('b', 2), step('c', 5), step('d', 7)], 5);
    expect(steps.map((s) => [s.id, s.stepIndex])).toEqual([
      ['a', 0],
      ['b', 1],
      ['d', 2],
    ]);
  });

  it('fails when no step has that index', () => {
    expect(() => removeStepGroup([step('a', 0)], 4)).toThrow('No step found at index 4. The step indices are: 0');
    expect(() => removeStepGroup([], 0)).toThrow('No step found at index 0. The schedule has no steps.');
  });
});

describe('schedule options', () => {
  const base: ScheduleBody = {
    name: 'Nightly',
    description: 'd',
    triggerType: 'Cron',
    patternType: 'SpecificTimes',
    daysOfWeek: '1,2,3,4,5',
    runTimes: '06:00',
    timeZone: 'Europe/London',
    isEnabled: true,
    steps: [step('a', 0)],
  };

  it('changes only what is given and keeps the steps', () => {
    expect(applyScheduleOptions(base, { runTimes: '07:00, 19:00' })).toEqual({ ...base, runTimes: '07:00,19:00' });
    expect(applyScheduleOptions(base, { description: '' })).toEqual({ ...base, description: null });
    expect(applyScheduleOptions(base, { enabled: false })).toEqual({ ...base, isEnabled: false });
  });

  it('sets the execution policies given, without touching the trigger; --catch-up-window default clears the window', () => {
    const withPolicies = { ...base, overlapPolicy: 'BufferAll' as const, catchUpWindowSeconds: 600, jitterSeconds: 30 };
    expect(applyScheduleOptions(base, { overlapPolicy: 'BufferAll', catchUpWindow: 600, jitter: 30 })).toEqual(withPolicies);
    expect(applyScheduleOptions(withPolicies, { catchUpWindow: 'default' })).toEqual({ ...withPolicies, catchUpWindowSeconds: null });
    expect(applyScheduleOptions(withPolicies, { jitter: 0 })).toEqual({ ...withPolicies, jitterSeconds: 0 });
  });

  it('infers the pattern type from the options given', () => {
    expect(applyScheduleOptions(base, { cronExpression: '0 3 * * *' })).toMatchObject({ patternType: 'Custom', cronExpression: '0 3 * * *' });
    expect(applyScheduleOptions(base, { intervalValue: 2, intervalUnit: 'Hours' })).toMatchObject({ patternType: 'Interval', intervalValue: 2 });
    expect(applyScheduleOptions(base, { patternType: 'Interval', runTimes: '06:00' })).toMatchObject({ patternType: 'Interval' });
    expect(applyScheduleOptions(base, { daysOfWeek: '0,6' })).toMatchObject({ patternType: 'SpecificTimes', daysOfWeek: '0,6' });
  });

  it('creates Manual schedules unless a pattern is given', () => {
    expect(newScheduleBody({ name: 'On demand' })).toEqual({ name: 'On demand', triggerType: 'Manual', isEnabled: false, steps: [] });
    expect(newScheduleBody({ name: 'Daily', runTimes: '06:00' })).toMatchObject({ triggerType: 'Cron', patternType: 'SpecificTimes' });
    expect(newScheduleBody({ name: 'Manual', triggerType: 'Manual', runTimes: '06:00' })).toMatchObject({ triggerType: 'Manual' });
    expect(() => newScheduleBody({ name: '  ' })).toThrow('--name must not be empty');
  });
});
