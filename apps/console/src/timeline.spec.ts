import type { ScheduleExecutionDetailResponse, ScheduleExecutionStepResponse, UpcomingResponse } from '@jim/contracts';
import { density, layoutBars } from './timeline';

const at = (seconds: number) => new Date(Date.UTC(2026, 6, 13, 6, 0, seconds)).toISOString();
const ms = (seconds: number) => Date.parse(at(seconds));

function step(name: string, groupOrdinal: number, fields: Partial<ScheduleExecutionStepResponse>): ScheduleExecutionStepResponse {
  return { name, groupOrdinal, stepIndex: groupOrdinal, status: 'Pending', startedAt: null, completedAt: null, ...fields } as ScheduleExecutionStepResponse;
}

function execution(steps: ScheduleExecutionStepResponse[], fields: Partial<ScheduleExecutionDetailResponse> = {}): ScheduleExecutionDetailResponse {
  return { status: 'InProgress', queuedAt: at(0), startedAt: at(1), completedAt: null, steps, ...fields } as ScheduleExecutionDetailResponse;
}

describe('execution time line layout', () => {
  it('waits each group for the end of the one before, and lays the steps of a group side by side', () => {
    const { bars, start, end } = layoutBars(
      execution(
        [
          step('a', 0, { status: 'Completed', startedAt: at(2), completedAt: at(5) }),
          step('b', 0, { status: 'Completed', startedAt: at(3), completedAt: at(9) }),
          step('c', 1, { status: 'Failed', startedAt: at(12), completedAt: at(15) }),
          step('d', 2, { status: 'Cancelled' }),
        ],
        { status: 'Failed', completedAt: at(15) },
      ),
      ms(99),
    );
    expect(start).toBe(ms(1));
    expect(end).toBe(ms(15));
    expect(bars.map((b) => [b.step.name, b.readyAt, b.startedAt, b.endedAt])).toEqual([
      ['a', ms(1), ms(2), ms(5)],
      ['b', ms(1), ms(3), ms(9)],
      // Ready when the slower step of the parallel pair ended; waited 3 s for a worker.
      ['c', ms(9), ms(12), ms(15)],
      // Never started: no waiting or running span.
      ['d', null, null, null],
    ]);
  });

  it('draws a running step up to now, and a queued one as waiting since its group became ready', () => {
    const { bars, end } = layoutBars(
      execution([
        step('a', 0, { status: 'Completed', startedAt: at(2), completedAt: at(4) }),
        step('b', 1, { status: 'Processing', startedAt: at(5) }),
        step('c', 1, { status: 'Queued' }),
      ]),
      ms(20),
    );
    expect(end).toBe(ms(20));
    expect(bars.map((b) => [b.step.name, b.readyAt, b.startedAt, b.endedAt])).toEqual([
      ['a', ms(1), ms(2), ms(4)],
      ['b', ms(4), ms(5), ms(20)],
      ['c', ms(4), null, null],
    ]);
  });

  it('keeps drawing a step still being stopped after its execution was cancelled', () => {
    const { bars } = layoutBars(
      execution([step('a', 0, { status: 'Processing', startedAt: at(2) })], { status: 'Cancelled', completedAt: at(6) }),
      ms(8),
    );
    expect(bars[0].endedAt).toBe(ms(8));
  });
});

describe('upcoming density', () => {
  it('counts fire times per whole bucket, the first holding from, the busiest where they cluster', () => {
    const data: UpcomingResponse = {
      from: '2026-07-13T00:20:00.000Z',
      to: '2026-07-13T03:20:00.000Z',
      totalFireTimes: 6,
      schedules: [
        { scheduleId: '1', name: 'a', timeZone: 'UTC', cronExpression: null, description: '', fireTimes: ['2026-07-13T00:30:00.000Z', '2026-07-13T02:00:00.000Z'] },
        { scheduleId: '2', name: 'b', timeZone: 'UTC', cronExpression: null, description: '', fireTimes: ['2026-07-13T02:00:00.000Z', '2026-07-13T02:59:00.000Z'] },
        { scheduleId: '3', name: 'c', timeZone: 'UTC', cronExpression: null, description: '', fireTimes: ['2026-07-13T02:00:00.000Z', '2026-07-13T03:20:00.000Z'] },
      ],
    };
    const { origin, counts } = density(data, 3_600_000);
    expect(new Date(origin).toISOString()).toBe('2026-07-13T00:00:00.000Z');
    expect(counts).toEqual([1, 0, 4, 1]);
  });
});
