import { civilFromDays, daysFromCivil, MS_PER_DAY } from './calendar';

/**
 * Converts between instants (epoch ms) and wall-clock times of one IANA zone.
 * A wall-clock time is expressed as "wall ms": the epoch ms the same calendar fields would have in UTC.
 */
export interface ZoneClock {
  readonly name: string;
  offsetAt(instantMs: number): number;
  /**
   * The instant a nominal wall-clock time fires at: itself when it exists once, its first occurrence when
   * the clocks fall back over it, and the first instant after the gap when the clocks spring forward over it.
   */
  wallToInstant(wallMs: number): number;
  /**
   * The wall-clock times whose fire instants are strictly after `instantMs` are exactly those after
   * (or from, when `inclusive`) the returned wall time.
   */
  wallThresholdAfter(instantMs: number): WallThreshold;
  /** The zone's offset changes with from < at <= to, in order. */
  transitionsIn(fromMs: number, toMs: number): ZoneTransition[];
}

export interface WallThreshold {
  wallMs: number;
  inclusive: boolean;
}

/** An offset change: at the instant `at` the offset goes from `before` to `after` (ms east of UTC). */
export interface ZoneTransition {
  at: number;
  before: number;
  after: number;
}

interface YearTable {
  start: number;
  end: number;
  startOffset: number;
  transitions: ZoneTransition[];
}

const validity = new Map<string, boolean>();
const clocks = new Map<string, ZoneClock>();

/** True for IANA zone names the runtime knows (case-insensitive, as Intl is). Offsets such as "+05:00" are not zone names. */
export function isValidTimeZone(name: string): boolean {
  if (typeof name !== 'string') return false;
  const known = validity.get(name);
  if (known !== undefined) return known;
  const valid = /^[A-Za-z]/.test(name) && name === name.trim() && createFormatter(name) !== null;
  if (validity.size > 1000) validity.clear();
  validity.set(name, valid);
  return valid;
}

/** The clock of a zone already checked with isValidTimeZone. */
export function zoneClock(name: string): ZoneClock {
  let clock = clocks.get(name);
  if (!clock) {
    const formatter = createFormatter(name);
    if (!formatter) throw new RangeError(`"${name}" is not a known IANA time zone`);
    clock = formatter.resolvedOptions().timeZone === 'UTC' ? new FixedZoneClock(name, 0) : new IanaZoneClock(name, formatter);
    clocks.set(name, clock);
  }
  return clock;
}

function createFormatter(name: string): Intl.DateTimeFormat | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset', year: 'numeric' });
  } catch {
    return null;
  }
}

class FixedZoneClock implements ZoneClock {
  constructor(
    readonly name: string,
    private readonly offset: number,
  ) {}

  offsetAt(): number {
    return this.offset;
  }

  wallToInstant(wallMs: number): number {
    return wallMs - this.offset;
  }

  wallThresholdAfter(instantMs: number): WallThreshold {
    return { wallMs: instantMs + this.offset, inclusive: false };
  }

  transitionsIn(): ZoneTransition[] {
    return [];
  }
}

const OFFSET_PATTERN = /GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/;

/**
 * Offsets come from Intl, which is slow (microseconds per call), so each UTC year's transitions are found once
 * (a daily sample, then a binary search to the second) and every later lookup is a scan of a short array.
 */
class IanaZoneClock implements ZoneClock {
  private readonly years = new Map<number, YearTable>();
  private recent: YearTable | null = null;

  constructor(
    readonly name: string,
    private readonly formatter: Intl.DateTimeFormat,
  ) {}

  offsetAt(instantMs: number): number {
    const table = this.tableAt(instantMs);
    let offset = table.startOffset;
    for (const transition of table.transitions) {
      if (instantMs < transition.at) break;
      offset = transition.after;
    }
    return offset;
  }

  wallToInstant(wallMs: number): number {
    const before = this.offsetAt(wallMs - MS_PER_DAY);
    const after = this.offsetAt(wallMs + MS_PER_DAY);
    if (before === after) return wallMs - before;
    const transition = this.firstTransitionIn(wallMs - MS_PER_DAY, wallMs + MS_PER_DAY);
    if (!transition) return wallMs - before;
    const asBefore = wallMs - transition.before;
    if (asBefore < transition.at) return asBefore;
    const asAfter = wallMs - transition.after;
    if (asAfter >= transition.at) return asAfter;
    return transition.at;
  }

  wallThresholdAfter(instantMs: number): WallThreshold {
    const transition = this.lastTransitionIn(instantMs - MS_PER_DAY, instantMs);
    if (transition && transition.before > transition.after) {
      const repeatEnds = transition.at + (transition.before - transition.after);
      // Inside the repeated hour every wall time already fired at its first occurrence.
      if (instantMs < repeatEnds) return { wallMs: transition.at + transition.before, inclusive: true };
    }
    return { wallMs: instantMs + this.offsetAt(instantMs), inclusive: false };
  }

  /** Transitions with from < at <= to. */
  transitionsIn(from: number, to: number): ZoneTransition[] {
    const found: ZoneTransition[] = [];
    for (let year = utcYear(from); year <= utcYear(to); year++) {
      for (const transition of this.table(year).transitions) {
        if (transition.at > from && transition.at <= to) found.push(transition);
      }
    }
    return found;
  }

  private firstTransitionIn(from: number, to: number): ZoneTransition | undefined {
    return this.transitionsIn(from, to)[0];
  }

  private lastTransitionIn(from: number, to: number): ZoneTransition | undefined {
    const found = this.transitionsIn(from, to);
    return found[found.length - 1];
  }

  private tableAt(instantMs: number): YearTable {
    const recent = this.recent;
    if (recent && instantMs >= recent.start && instantMs < recent.end) return recent;
    const table = this.table(utcYear(instantMs));
    this.recent = table;
    return table;
  }

  private table(year: number): YearTable {
    let table = this.years.get(year);
    if (!table) {
      table = this.buildTable(year);
      this.years.set(year, table);
    }
    return table;
  }

  private buildTable(year: number): YearTable {
    const start = daysFromCivil(year, 1, 1) * MS_PER_DAY;
    const end = daysFromCivil(year + 1, 1, 1) * MS_PER_DAY;
    const startOffset = this.sample(start);
    const transitions: ZoneTransition[] = [];
    let previous = startOffset;
    for (let from = start; from < end; from += MS_PER_DAY) {
      const to = Math.min(from + MS_PER_DAY, end);
      const offset = this.sample(to);
      if (offset !== previous) {
        transitions.push({ at: this.searchTransition(from, to, previous), before: previous, after: offset });
        previous = offset;
      }
    }
    return { start, end, startOffset, transitions };
  }

  /** First whole second in (from, to] whose offset is no longer `offsetBefore`. */
  private searchTransition(from: number, to: number, offsetBefore: number): number {
    let low = from;
    let high = to;
    while (high - low > 1000) {
      const middle = low + Math.floor((high - low) / 2000) * 1000;
      if (this.sample(middle) === offsetBefore) low = middle;
      else high = middle;
    }
    return high;
  }

  private sample(instantMs: number): number {
    const match = OFFSET_PATTERN.exec(this.formatter.format(instantMs));
    if (!match || !match[1]) return 0;
    const sign = match[1] === '-' ? -1 : 1;
    const seconds = Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0);
    return sign * seconds * 1000;
  }
}

function utcYear(instantMs: number): number {
  return civilFromDays(Math.floor(instantMs / MS_PER_DAY)).year;
}
