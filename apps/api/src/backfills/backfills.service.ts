import { Inject, Injectable, Logger } from '@nestjs/common';
import { BadRequestError, NotFoundError, ValidationError } from '@jim/common';
import { MAX_BACKFILL_RUNS, type BackfillOverlapPolicy } from '@jim/contracts';
import { BackfillRepository, ScheduleRepository, type BackfillProgress, type Dispatch, type Initiator } from '@jim/persistence';
import { stepJobs, StepQueues } from '@jim/queue';
import { compileTrigger, type CompiledTrigger } from '@jim/trigger';
import { withinTime } from '../common/within-time';
import { scheduleNotFound } from '../schedules/schedule-not-found';
import type { BackfillProgressResponse, BackfillRequest, BackfillResponse } from './backfill.dto';

/** How long a request waits for the queue before leaving the dispatch to the worker's sweeper. */
const QUEUE_WAIT_MS = 5000;
/** Counting stops here: a range with more fire times is refused as "more than" this. */
const COUNT_LIMIT = 1_000_000;

/** The nominal fire times of a trigger in [start, end), counting at most `limit` + 1 of them. */
export function fireTimesIn(trigger: CompiledTrigger, start: Date, end: Date, limit: number): Date[] {
  const times: Date[] = [];
  for (let at = trigger.isFireTime(start) ? start : trigger.next(start); at && at < end && times.length <= limit; at = trigger.next(at)) times.push(at);
  return times;
}

export function backfillNotFound(id: string): NotFoundError {
  return new NotFoundError(`Backfill not found: ${id}`);
}

@Injectable()
export class BackfillsService {
  private readonly logger = new Logger('Backfills');

  constructor(
    @Inject(BackfillRepository) private readonly backfills: BackfillRepository,
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    private readonly stepQueues: StepQueues,
  ) {}

  async create(scheduleId: string, request: BackfillRequest, initiator: Initiator): Promise<BackfillResponse> {
    if (request.endTime.getTime() <= request.startTime.getTime()) throw ValidationError.field('endTime', 'must be after startTime');
    const schedule = await this.schedules.find(scheduleId);
    if (!schedule) throw scheduleNotFound(scheduleId);
    const compiled = schedule.triggerType === 'Cron' ? compileTrigger(schedule) : null;
    if (!compiled?.ok || !schedule.cronExpression) throw new BadRequestError(`Cannot backfill schedule '${schedule.name}': it has no cron trigger, so no fire times`);
    const times = fireTimesIn(compiled.trigger, request.startTime, request.endTime, MAX_BACKFILL_RUNS);
    if (times.length === 0) throw ValidationError.field('endTime', 'the range [startTime, endTime) holds no fire time of the schedule');
    if (times.length > MAX_BACKFILL_RUNS) {
      const all = fireTimesIn(compiled.trigger, request.startTime, request.endTime, COUNT_LIMIT).length;
      const count = all > COUNT_LIMIT ? `more than ${COUNT_LIMIT.toLocaleString('en')}` : all.toLocaleString('en');
      throw ValidationError.field('endTime', `the range holds ${count} fire times; a backfill takes at most ${MAX_BACKFILL_RUNS.toLocaleString('en')}: split the range`);
    }
    const overlapPolicy: BackfillOverlapPolicy = request.overlapPolicy ?? 'BufferAll';
    const outcome = await this.backfills.create({ scheduleId, startTime: request.startTime, endTime: request.endTime, overlapPolicy, times, initiator });
    if (outcome.kind === 'not-found') throw scheduleNotFound(scheduleId);
    if (outcome.kind === 'no-steps') throw new BadRequestError('Cannot backfill a schedule with no steps');
    await this.dispatch(outcome.dispatches);
    return {
      backfillId: outcome.backfillId,
      scheduleId,
      count: times.length,
      startTime: request.startTime.toISOString(),
      endTime: request.endTime.toISOString(),
      overlapPolicy,
    };
  }

  async progress(scheduleId: string, backfillId: string): Promise<BackfillProgressResponse> {
    const progress = await this.backfills.progress(scheduleId, backfillId);
    if (!progress) throw backfillNotFound(backfillId);
    return progressResponse(progress);
  }

  async cancel(scheduleId: string, backfillId: string): Promise<BackfillProgressResponse> {
    const outcome = await this.backfills.cancel(scheduleId, backfillId);
    if (outcome.kind === 'not-found') throw backfillNotFound(backfillId);
    if (outcome.kind === 'finished') throw new BadRequestError('Cannot cancel a backfill whose executions have all finished');
    await this.dispatch(outcome.dispatches);
    return this.progress(scheduleId, backfillId);
  }

  /** After commit: hand the started executions' first groups to the queue; the worker's sweeper repairs a failure. */
  private async dispatch(dispatches: Dispatch[]): Promise<void> {
    const byQueue = new Map<ReturnType<StepQueues['forExecution']>, Dispatch[]>();
    for (const d of dispatches.filter((d) => d.stepIds.length > 0)) {
      const queue = this.stepQueues.forExecution(d.executionId);
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), d]);
    }
    try {
      await withinTime(Promise.all([...byQueue].map(([queue, group]) => queue.addBulk(stepJobs(group)))), QUEUE_WAIT_MS);
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not enqueue the first steps of a backfill now; the worker will dispatch the queued steps');
    }
  }
}

function progressResponse(p: BackfillProgress): BackfillProgressResponse {
  const active = p.counts.Queued + p.counts.InProgress;
  return {
    backfillId: p.id,
    scheduleId: p.scheduleId!,
    count: p.total,
    startTime: p.startTime.toISOString(),
    endTime: p.endTime.toISOString(),
    overlapPolicy: p.overlapPolicy,
    status: p.cancelledAt ? 'Cancelled' : active > 0 ? 'Running' : 'Complete',
    created: p.created.toISOString(),
    cancelledAt: p.cancelledAt?.toISOString() ?? null,
    queued: p.counts.Queued,
    inProgress: p.counts.InProgress,
    complete: p.counts.Complete,
    failed: p.counts.Failed,
    cancelled: p.counts.Cancelled,
    executions: p.executions.map((e) => ({ id: e.id, scheduledFor: e.scheduledFor.toISOString(), status: e.status })),
  };
}
