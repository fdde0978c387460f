export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until a retry can succeed (at least 1); 0 when allowed. */
  retryAfterSeconds: number;
}

const ALLOWED: RateDecision = { allowed: true, retryAfterSeconds: 0 };

function rejected(waitMs: number): RateDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/**
 * Per-key counters in memory, O(1) per hit whatever the limit. At most `maxKeys` keys are held: idle keys are swept,
 * and when the table is full the oldest key is dropped (it starts afresh). Rejected hits are not counted.
 */
abstract class KeyedLimiter<State> {
  private readonly states = new Map<string, State>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  hit(key: string, now = Date.now()): RateDecision {
    let state = this.states.get(key);
    if (state === undefined) {
      if (this.states.size >= this.maxKeys) this.states.delete(this.states.keys().next().value!);
      state = this.create(now);
      this.states.set(key, state);
    }
    return this.take(state, now);
  }

  /** Forgets keys with nothing left in their window. */
  sweep(now = Date.now()): void {
    for (const [key, state] of this.states) if (this.isIdle(state, now)) this.states.delete(key);
  }

  get size(): number {
    return this.states.size;
  }

  clear(): void {
    this.states.clear();
  }

  protected abstract create(now: number): State;
  protected abstract take(state: State, now: number): RateDecision;
  protected abstract isIdle(state: State, now: number): boolean;
}

interface FixedWindow {
  start: number;
  count: number;
}

/** `limit` hits per window, the window starting at a key's first hit. Two numbers per key. */
export class FixedWindowLimiter extends KeyedLimiter<FixedWindow> {
  protected create(now: number): FixedWindow {
    return { start: now, count: 0 };
  }

  protected take(state: FixedWindow, now: number): RateDecision {
    if (now >= state.start + this.windowMs || now < state.start) {
      state.start = now;
      state.count = 0;
    }
    if (state.count >= this.limit) return rejected(state.start + this.windowMs - now);
    state.count++;
    return ALLOWED;
  }

  protected isIdle(state: FixedWindow, now: number): boolean {
    return now >= state.start + this.windowMs;
  }
}

interface SlidingWindow {
  /** Hits per slot, a ring indexed by absolute slot number modulo the slot count. */
  counts: Uint32Array;
  total: number;
  /** The newest slot the ring reflects. */
  head: number;
}

/**
 * At most `limit` hits in any rolling window, to a resolution of one slot (window / slots: one second for a minute).
 * A hit expires when its slot leaves the window, so Retry-After is exact to the slot.
 */
export class SlidingWindowLimiter extends KeyedLimiter<SlidingWindow> {
  private readonly slotMs: number;

  constructor(
    limit: number,
    windowMs: number,
    maxKeys: number,
    private readonly slots = 60,
  ) {
    super(limit, windowMs, maxKeys);
    this.slotMs = windowMs / slots;
  }

  protected create(now: number): SlidingWindow {
    return { counts: new Uint32Array(this.slots), total: 0, head: this.slotOf(now) };
  }

  protected take(state: SlidingWindow, now: number): RateDecision {
    this.advance(state, this.slotOf(now));
    if (state.total < this.limit) {
      state.counts[this.index(state.head)]++;
      state.total++;
      return ALLOWED;
    }
    // The earliest moment enough old hits have left the window for one more to fit.
    let remaining = state.total;
    for (let slot = state.head - this.slots + 1; slot <= state.head; slot++) {
      remaining -= state.counts[this.index(slot)];
      if (remaining < this.limit) return rejected((slot + this.slots) * this.slotMs - now);
    }
    return rejected(this.windowMs);
  }

  protected isIdle(state: SlidingWindow, now: number): boolean {
    return this.slotOf(now) - state.head >= this.slots;
  }

  private index(slot: number): number {
    return ((slot % this.slots) + this.slots) % this.slots;
  }

  private slotOf(now: number): number {
    return Math.floor(now / this.slotMs);
  }

  /** Empties the slots that have left the window since the last hit. A clock that steps back changes nothing. */
  private advance(state: SlidingWindow, slot: number): void {
    if (slot <= state.head) return;
    if (slot - state.head >= this.slots) {
      state.counts.fill(0);
      state.total = 0;
    } else {
      for (let s = state.head + 1; s <= slot; s++) {
        state.total -= state.counts[this.index(s)];
        state.counts[this.index(s)] = 0;
      }
    }
    state.head = slot;
  }
}
