import {
  STEP_FILE_FIELD,
  type BackfillProgressResponse,
  type ConnectedSystemResponse,
  type ScheduleDetailResponse,
  type ScheduleExecutionDetailResponse,
  type ScheduleExecutionResponse,
  type ScheduleExecutionStepResponse,
  type ScheduleResponse,
  type ScheduleStepResponse,
  type StepFileField,
} from '@jim/contracts';
import { duration, keyValues, table, time, yesNo } from './output';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "weekdays", "Mon, Wed", "every day": the days of a guided pattern in words. */
export function describeDays(daysOfWeek: string | null): string {
  const days = [...new Set((daysOfWeek ?? '').split(',').map((d) => d.trim()).filter(Boolean).map(Number))].sort();
  const key = days.join(',');
  if (days.length === 0 || days.length === 7) return 'every day';
  if (key === '1,2,3,4,5') return 'weekdays';
  if (key === '0,6') return 'weekends';
  return days.map((d) => DAY_NAMES[d] ?? String(d)).join(', ');
}

/** The trigger in a few words: "weekdays at 06:30, 18:00 (Europe/London)", "every 15 min 07:00-19:00, weekdays". */
export function trigger(schedule: ScheduleResponse): string {
  if (schedule.triggerType === 'Manual') return 'Manual';
  const zone = schedule.timeZone && schedule.timeZone !== 'UTC' ? ` (${schedule.timeZone})` : '';
  const days = describeDays(schedule.daysOfWeek);
  switch (schedule.patternType) {
    case 'SpecificTimes':
      return `${days} at ${(schedule.runTimes ?? '').split(',').join(', ')}${zone}`;
    case 'Interval': {
      const unit = schedule.intervalUnit === 'Hours' ? 'h' : 'min';
      const window = schedule.intervalWindowStart || schedule.intervalWindowEnd
        ? ` ${schedule.intervalWindowStart ?? '00:00'}-${schedule.intervalWindowEnd ?? '24:00'}`
        : '';
      return `every ${schedule.intervalValue} ${unit}${window}, ${days}${zone}`;
    }
    default:
      return `cron ${schedule.cronExpression}${zone}`;
  }
}

function lastExecution(schedule: ScheduleResponse): string | null {
  if (!schedule.lastExecutionStatus) return null;
  const error = schedule.lastExecutionErrorMessage ? `: ${schedule.lastExecutionErrorMessage}` : '';
  return `${schedule.lastExecutionStatus}${error}`;
}

export function scheduleTable(schedules: readonly ScheduleResponse[]): string {
  return table(schedules, [
    { header: 'ID', value: (s) => s.id },
    { header: 'NAME', value: (s) => s.name, maxWidth: 40 },
    { header: 'ENABLED', value: (s) => yesNo(s.isEnabled) },
    { header: 'TRIGGER', value: trigger, maxWidth: 60 },
    { header: 'STEPS', value: (s) => s.stepCount, align: 'right' },
    { header: 'NEXT RUN', value: (s) => time(s.nextRunTime) },
    { header: 'LAST RUN', value: (s) => time(s.lastRunTime) },
    { header: 'LAST EXECUTION', value: lastExecution, maxWidth: 50 },
  ]);
}

function patternDetails(s: ScheduleResponse): [string, string | number | null][] {
  if (s.triggerType !== 'Cron') return [];
  const rows: [string, string | number | null][] = [['Pattern', s.patternType]];
  if (s.patternType !== 'Custom') rows.push(['Days of week', s.daysOfWeek]);
  if (s.patternType === 'SpecificTimes') rows.push(['Run times', s.runTimes]);
  if (s.patternType === 'Interval') {
    rows.push(['Interval', s.intervalValue && s.intervalUnit ? `${s.intervalValue} ${s.intervalUnit}` : null]);
    rows.push(['Window', s.intervalWindowStart || s.intervalWindowEnd ? `${s.intervalWindowStart ?? ''}-${s.intervalWindowEnd ?? ''}` : null]);
  }
  rows.push(['Cron expression', s.cronExpression]);
  return rows;
}

export function scheduleSummary(s: ScheduleResponse): string {
  return keyValues([
    ['ID', s.id],
    ['Name', s.name],
    ['Description', s.description],
    ['Enabled', yesNo(s.isEnabled)],
    ['Trigger', s.triggerType],
    ...patternDetails(s),
    ['Time zone', s.timeZone],
    ['Overlap policy', s.overlapPolicy],
    ['Catch-up window', s.catchUpWindowSeconds === null ? 'default (JIM_MISFIRE_GRACE_SECONDS)' : `${s.catchUpWindowSeconds} s`],
    ['Jitter', s.jitterSeconds > 0 ? `up to ${s.jitterSeconds} s` : 'none'],
    ['Next run', time(s.nextRunTime)],
    ['Last run', time(s.lastRunTime)],
    ['Steps', s.stepCount],
    ['Created', time(s.created)],
    ['Last updated', time(s.lastUpdated)],
  ]);
}

/** What a step runs: the run profile of a RunProfile step, else the file its type runs (STEP_FILE_FIELD) and its arguments. */
export function stepTarget(
  step: Pick<ScheduleStepResponse, 'stepType' | 'connectedSystemId' | 'connectedSystemName' | 'runProfileId' | 'runProfileName' | 'arguments' | StepFileField>,
): string {
  if (step.stepType === 'RunProfile') {
    return `${step.connectedSystemName ?? `#${step.connectedSystemId}`} (${step.connectedSystemId}) / ${step.runProfileName ?? `#${step.runProfileId}`} (${step.runProfileId})`;
  }
  const file = step[STEP_FILE_FIELD[step.stepType]];
  return (file && step.arguments ? `${file} ${step.arguments}` : file) ?? '';
}

export function stepTable(steps: readonly ScheduleStepResponse[]): string {
  const counts = new Map<number, number>();
  for (const step of steps) counts.set(step.stepIndex, (counts.get(step.stepIndex) ?? 0) + 1);
  return table(steps, [
    { header: 'INDEX', value: (s) => s.stepIndex, align: 'right' },
    { header: 'PARALLEL', value: (s) => yesNo((counts.get(s.stepIndex) ?? 0) > 1) },
    { header: 'TYPE', value: (s) => s.stepType },
    { header: 'NAME', value: (s) => s.name, maxWidth: 40 },
    { header: 'TARGET', value: stepTarget, maxWidth: 60 },
    { header: 'TIMEOUT', value: (s) => (s.timeoutSeconds ? `${s.timeoutSeconds} s` : null), align: 'right' },
    { header: 'ON FAILURE', value: (s) => (s.continueOnFailure ? 'continue' : 'stop') },
    { header: 'RETRIES', value: retryPolicy },
    { header: 'ID', value: (s) => s.id },
  ]);
}

export function connectedSystemTable(systems: readonly ConnectedSystemResponse[]): string {
  return table(systems, [
    { header: 'ID', value: (s) => s.id, align: 'right' },
    { header: 'NAME', value: (s) => s.name, maxWidth: 40 },
    { header: 'EXCLUSIVE', value: (s) => yesNo(s.exclusive) },
    { header: 'DESCRIPTION', value: (s) => s.description, maxWidth: 60 },
  ]);
}

/** "3 × from 30 s, on timeout too" for a step that retries; null for one that runs once. */
export function retryPolicy(step: Pick<ScheduleStepResponse, 'maxAttempts' | 'retryDelaySeconds' | 'retryOnTimeout'>): string | null {
  if ((step.maxAttempts ?? 1) <= 1) return null;
  return `${step.maxAttempts} × from ${step.retryDelaySeconds} s${step.retryOnTimeout ? ', on timeout too' : ''}`;
}

/** Each finished attempt of the steps that ran more than once. */
function attemptTable(steps: readonly ScheduleExecutionStepResponse[]): string | null {
  const rows = steps.flatMap((s) => ((s.attempts ?? []).length > 1 ? s.attempts.map((a) => ({ step: s, ...a })) : []));
  if (rows.length === 0) return null;
  return table(rows, [
    { header: 'STEP', value: (r) => r.step.groupOrdinal + 1, align: 'right' },
    { header: 'NAME', value: (r) => r.step.name, maxWidth: 40 },
    { header: 'ATTEMPT', value: (r) => r.attempt, align: 'right' },
    { header: 'OUTCOME', value: (r) => r.outcome },
    { header: 'STARTED', value: (r) => time(r.startedAt) },
    { header: 'DURATION', value: (r) => duration(r.startedAt, r.completedAt), align: 'right' },
    { header: 'EXIT', value: (r) => r.exitCode, align: 'right' },
    { header: 'ERROR', value: (r) => r.errorMessage, maxWidth: 60 },
  ]);
}

export function scheduleDetail(schedule: ScheduleDetailResponse): string {
  const steps = schedule.steps.length > 0 ? stepTable(schedule.steps) : 'No steps. Add one with: jim schedule step add';
  return `${scheduleSummary(schedule)}\n\nSteps:\n${steps}`;
}

/** "Step 2 of 5" from list data; the detail's progress also names the group. */
export function stepDisplay(execution: ScheduleExecutionResponse): string {
  const total = execution.totalSteps;
  const current = Math.min(execution.currentStepIndex + 1, Math.max(total, 1));
  return `Step ${current} of ${total}`;
}

/** "Step 2 of 5: HR - Delta Import" while active; the status once finished. */
export function progressLine(execution: ScheduleExecutionDetailResponse): string {
  const progress = execution.progress;
  const number = progress?.currentStepNumber;
  if (number !== null && number !== undefined) {
    const group = progress.steps[number - 1];
    const runs = (execution.steps ?? []).filter((s) => s.groupOrdinal === number - 1 && s.progress && s.status === 'Processing');
    if (runs.length === 1 && group && !group.isParallel) return `Step ${number} of ${progress.totalSteps}: ${group.name} ${runProgress(runs[0].progress!)}`;
    const detail = runs.map((s) => `${s.name} ${runProgress(s.progress!)}`).join(', ');
    return `Step ${number} of ${progress.totalSteps}${group ? `: ${group.name}` : ''}${detail ? ` (${detail})` : ''}`;
  }
  return `${execution.status} (${stepDisplay(execution)})`;
}

/** "42% (4,200/10,000)" for a run in JIM; what is known when JIM does not count objects. */
export function runProgress(p: { percentComplete: number | null; objectsProcessed: number | null; objectsToProcess: number | null; phase: string | null }): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const objects = p.objectsProcessed != null && p.objectsToProcess ? `(${count(p.objectsProcessed)}/${count(p.objectsToProcess)})` : '';
  const percent = p.percentComplete != null ? `${Math.floor(p.percentComplete)}%` : (p.phase ?? '');
  return [percent, objects].filter(Boolean).join(' ');
}

export function executionTable(executions: readonly ScheduleExecutionResponse[]): string {
  return table(executions, [
    { header: 'ID', value: (e) => e.id },
    { header: 'SCHEDULE', value: (e) => e.scheduleName, maxWidth: 40 },
    { header: 'STATUS', value: (e) => e.status },
    { header: 'PROGRESS', value: stepDisplay },
    { header: 'TRIGGER', value: (e) => e.triggerKind },
    { header: 'QUEUED', value: (e) => time(e.queuedAt) },
    { header: 'DURATION', value: (e) => duration(e.startedAt, e.completedAt), align: 'right' },
    { header: 'ERROR', value: (e) => e.errorMessage, maxWidth: 60 },
  ]);
}

export function executionSummary(e: ScheduleExecutionResponse): string {
  return keyValues([
    ['ID', e.id],
    ['Schedule', e.scheduleId ? `${e.scheduleName} (${e.scheduleId})` : `${e.scheduleName} (deleted)`],
    ['Status', e.status],
    ['Progress', stepDisplay(e)],
    ['Trigger', e.triggerKind],
    ['Scheduled for', time(e.scheduledFor)],
    ['Queued', time(e.queuedAt)],
    ['Started', time(e.startedAt)],
    ['Completed', time(e.completedAt)],
    ['Duration', duration(e.startedAt, e.completedAt)],
    ['Initiated by', [e.initiatedByType, e.initiatedByName].filter(Boolean).join(': ')],
    ['Error', e.errorMessage],
  ]);
}

function executionStepTable(steps: readonly ScheduleExecutionStepResponse[]): string {
  return table(steps, [
    { header: 'STEP', value: (s) => s.groupOrdinal + 1, align: 'right' },
    { header: 'INDEX', value: (s) => s.stepIndex, align: 'right' },
    { header: 'NAME', value: (s) => s.name, maxWidth: 40 },
    { header: 'TYPE', value: (s) => s.stepType },
    { header: 'STATUS', value: (s) => (s.nextAttemptAt && s.status === 'Queued' ? `Retry at ${time(s.nextAttemptAt)}` : s.status) },
    { header: 'ATTEMPT', value: (s) => ((s.maxAttempts ?? 1) > 1 ? `${s.attempt}/${s.maxAttempts}` : null), align: 'right' },
    { header: 'STARTED', value: (s) => time(s.startedAt) },
    { header: 'DURATION', value: (s) => duration(s.startedAt, s.completedAt), align: 'right' },
    { header: 'EXIT', value: (s) => s.exitCode, align: 'right' },
    { header: 'ERROR', value: (s) => s.errorMessage, maxWidth: 60 },
  ]);
}

export function executionDetail(execution: ScheduleExecutionDetailResponse): string {
  const active = execution.status === 'Queued' || execution.status === 'InProgress';
  const lines = [executionSummary(execution)];
  if (active) lines.push('', progressLine(execution));
  lines.push('', 'Steps:', execution.steps.length > 0 ? executionStepTable(execution.steps) : 'No steps recorded.');
  const attempts = attemptTable(execution.steps);
  if (attempts) lines.push('', 'Attempts:', attempts);
  return lines.join('\n');
}

export function backfillProgress(p: BackfillProgressResponse): string {
  return keyValues([
    ['Backfill', p.backfillId],
    ['Status', p.status],
    ['Range', `${p.startTime} to ${p.endTime} (end excluded)`],
    ['Runs', p.overlapPolicy === 'AllowAll' ? 'all at once' : 'one after another'],
    ['Executions', p.count],
    ['Complete', p.complete],
    ['Failed', p.failed],
    ['Cancelled', p.cancelled],
    ['In progress', p.inProgress],
    ['Waiting', p.queued],
  ]);
}
