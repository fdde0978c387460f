import type { ScheduleExecutionDetailResponse, ScheduleExecutionStepResponse, UpcomingResponse } from '@jim/contracts';

/** Layout arithmetic of the console's two time lines, kept free of the DOM so it can be tested on its own. */

export interface Bar {
  step: ScheduleExecutionStepResponse;
  /** When the step's group could start: the execution's start, or the end of the group before. */
  readyAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
}

const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);

/** Each step's waiting and running spans; groups run one after another, the steps of a group side by side. */
export function layoutBars(execution: ScheduleExecutionDetailResponse, now: number): { bars: Bar[]; start: number; end: number } {
  const start = ms(execution.startedAt) ?? ms(execution.queuedAt) ?? now;
  const end = ms(execution.completedAt) ?? now;
  const groups = new Map<number, ScheduleExecutionStepResponse[]>();
  for (const step of [...execution.steps].sort((a, b) => a.groupOrdinal - b.groupOrdinal || a.stepIndex - b.stepIndex)) {
    groups.set(step.groupOrdinal, [...(groups.get(step.groupOrdinal) ?? []), step]);
  }
  const bars: Bar[] = [];
  let readyAt: number | null = start;
  for (const [, steps] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
    let groupEnd: number | null = readyAt;
    for (const step of steps) {
      const startedAt = ms(step.startedAt);
      // A started step without an end is still running, even when its execution has already been cancelled.
      const endedAt = ms(step.completedAt) ?? (startedAt !== null && step.status === 'Processing' ? now : null);
      bars.push({ step, readyAt: startedAt !== null || step.status === 'Queued' ? readyAt : null, startedAt, endedAt });
      if (groupEnd !== null) groupEnd = endedAt === null ? null : Math.max(groupEnd, endedAt);
    }
    readyAt = groupEnd;
  }
  return { bars, start, end: Math.max(end, start + 1) };
}

/** Fire times per bucket (buckets on whole hours or quarter hours, the first one holding `from`): where runs pile up. */
export function density(data: UpcomingResponse, bucketMs: number): { origin: number; counts: number[] } {
  const origin = Math.floor(Date.parse(data.from) / bucketMs) * bucketMs;
  const counts = new Array<number>(Math.ceil((Date.parse(data.to) - origin) / bucketMs)).fill(0);
  for (const schedule of data.schedules) {
    for (const time of schedule.fireTimes) counts[Math.min(counts.length - 1, Math.floor((Date.parse(time) - origin) / bucketMs))]++;
  }
  return { origin, counts };
}
