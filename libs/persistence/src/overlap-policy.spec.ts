import fc from 'fast-check';
import { OVERLAP_POLICIES, type OverlapPolicy } from '@jim/contracts';
import { BUFFER_ALL_CAP, decideOverlap, jitterDelayMs } from './overlap-policy';

describe('decideOverlap: the overlap decision table', () => {
  const none = { running: [], waiting: [] };
  const busy = { running: ['r1'], waiting: [] };

  it.each(OVERLAP_POLICIES)('%s starts at once when nothing is active', (policy) => {
    expect(decideOverlap(policy, none)).toEqual({ action: 'start' });
  });

  it('Skip skips while an execution runs, naming it', () => {
    expect(decideOverlap('Skip', busy)).toEqual({ action: 'skip', reason: 'Execution r1 was still in progress', activeExecutionId: 'r1' });
    expect(decideOverlap('Skip', { running: [], waiting: ['w1'] })).toEqual({ action: 'skip', reason: 'Execution w1 was still queued', activeExecutionId: 'w1' });
  });

  it('BufferOne lets one wait, then skips', () => {
    expect(decideOverlap('BufferOne', busy)).toEqual({ action: 'wait' });
    expect(decideOverlap('BufferOne', { running: ['r1'], waiting: ['w1'] })).toEqual({
      action: 'skip',
      reason: 'Execution w1 was already waiting for its turn (overlap policy BufferOne holds one)',
      activeExecutionId: 'w1',
    });
  });

  it(`BufferAll lets up to ${BUFFER_ALL_CAP} wait, then drops`, () => {
    const waiting = Array.from({ length: BUFFER_ALL_CAP - 1 }, (_, i) => `w${i}`);
    expect(decideOverlap('BufferAll', { running: ['r1'], waiting })).toEqual({ action: 'wait' });
    expect(decideOverlap('BufferAll', { running: ['r1'], waiting: [...waiting, 'last'] })).toEqual({
      action: 'skip',
      reason: `Dropped: ${BUFFER_ALL_CAP} executions were already waiting (overlap policy BufferAll holds at most ${BUFFER_ALL_CAP})`,
      activeExecutionId: 'last',
    });
  });

  it('CancelPrevious cancels every active execution, running and waiting', () => {
    expect(decideOverlap('CancelPrevious', { running: ['r1'], waiting: ['w1'] })).toEqual({ action: 'cancel-and-start', cancel: ['r1', 'w1'] });
  });

  it('AllowAll always starts', () => {
    expect(decideOverlap('AllowAll', { running: ['r1', 'r2'], waiting: ['w1'] })).toEqual({ action: 'start' });
  });
});

/**
 * The engine as the table drives it: ticks arrive at their nominal times; an execution runs for its duration; when
 * the last running one ends, the oldest waiting one starts (promoteWaiting); CancelPrevious ends the active ones.
 */
function simulate(policy: OverlapPolicy, ticks: { gap: number; duration: number }[]) {
  interface Execution {
    nominal: number;
    duration: number;
    status: 'running' | 'waiting' | 'done' | 'cancelled';
    endsAt: number;
  }
  const executions: Execution[] = [];
  const skipped: number[] = [];
  let maxRunning = 0;
  let maxWaiting = 0;
  const ids = (status: Execution['status']) => executions.flatMap((e, i) => (e.status === status ? [String(i)] : []));
  const advanceTo = (time: number) => {
    for (;;) {
      const running = executions.filter((e) => e.status === 'running' && e.endsAt <= time).sort((a, b) => a.endsAt - b.endsAt);
      if (running.length === 0) return;
      const ended = running[0];
      ended.status = 'done';
      if (ids('running').length === 0) {
        const next = executions.find((e) => e.status === 'waiting');
        if (next) Object.assign(next, { status: 'running', endsAt: ended.endsAt + next.duration });
      }
    }
  };
  let now = 0;
  ticks.forEach(({ gap, duration }, nominal) => {
    now += gap;
    advanceTo(now);
    const decision = decideOverlap(policy, { running: ids('running'), waiting: ids('waiting') });
    if (decision.action === 'skip') return void skipped.push(nominal);
    if (decision.action === 'cancel-and-start') for (const id of decision.cancel) executions[Number(id)].status = 'cancelled';
    const status = decision.action === 'wait' ? 'waiting' : 'running';
    executions.push({ nominal, duration, status, endsAt: now + duration });
    maxRunning = Math.max(maxRunning, ids('running').length);
    maxWaiting = Math.max(maxWaiting, ids('waiting').length);
  });
  advanceTo(Number.MAX_SAFE_INTEGER);
  return { executions, skipped, maxRunning, maxWaiting };
}

describe('overlap policies over random tick sequences and execution durations', () => {
  const sequences = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 100 }), duration: fc.integer({ min: 0, max: 400 }) }), { maxLength: 300 });

  it.each(OVERLAP_POLICIES)('%s: executions and skipped runs account for every nominal time exactly once', (policy) => {
    fc.assert(
      fc.property(sequences, (ticks) => {
        const { executions, skipped, maxRunning, maxWaiting } = simulate(policy, ticks);
        const accounted = [...executions.map((e) => e.nominal), ...skipped].sort((a, b) => a - b);
        expect(accounted).toEqual(ticks.map((_, i) => i));
        // Nothing is left waiting once the running executions have ended.
        expect(executions.filter((e) => e.status === 'waiting' || e.status === 'running')).toEqual([]);
        if (policy !== 'AllowAll') expect(maxRunning).toBeLessThanOrEqual(1);
        if (policy === 'BufferOne') expect(maxWaiting).toBeLessThanOrEqual(1);
        if (policy === 'BufferAll') expect(maxWaiting).toBeLessThanOrEqual(BUFFER_ALL_CAP);
        if (policy === 'Skip' || policy === 'CancelPrevious' || policy === 'AllowAll') expect(maxWaiting).toBe(0);
        if (policy === 'CancelPrevious' || policy === 'AllowAll') expect(skipped).toEqual([]);
        // Waiting executions start in arrival order.
        if (policy === 'BufferAll') {
          const started = executions.filter((e) => e.status === 'done').map((e) => e.endsAt - e.duration);
          expect(started).toEqual([...started].sort((a, b) => a - b));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('jitterDelayMs', () => {
  it('is 0 without jitter, and otherwise fixed by (schedule, nominal time) and within [0, jitter)', () => {
    const at = new Date('2030-01-01T10:00:00Z');
    expect(jitterDelayMs('a', at, 0)).toBe(0);
    fc.assert(
      fc.property(fc.uuid(), fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.integer({ min: 1, max: 3600 }), (id, nominal, jitter) => {
        const delay = jitterDelayMs(id, nominal, jitter);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(jitter * 1000);
        expect(jitterDelayMs(id, new Date(nominal.getTime()), jitter)).toBe(delay);
      }),
    );
  });

  it('spreads the ticks of one schedule over the window', () => {
    const delays = Array.from({ length: 1000 }, (_, i) => jitterDelayMs('schedule', new Date(Date.UTC(2030, 0, 1) + i * 60_000), 60));
    const buckets = new Array(6).fill(0);
    for (const d of delays) buckets[Math.floor(d / 10_000)]++;
    for (const count of buckets) expect(count).toBeGreaterThan(120);
  });
});
