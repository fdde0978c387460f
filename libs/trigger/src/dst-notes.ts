import { civilFromDays, MS_PER_DAY } from './calendar';
import type { ZoneClock, ZoneTransition } from './time-zone';

/** A clock change of the trigger's zone, and what it does to the trigger's runs. */
export interface DstNote {
  /** gap: the clocks go forward and skip wall times; overlap: they go back and repeat wall times. */
  kind: 'gap' | 'overlap';
  /** The instant of the change. */
  at: Date;
  /** The local date of the change, YYYY-MM-DD. */
  localDate: string;
  /** The wall clock just before and just after the change, HH:mm. */
  wallBefore: string;
  wallAfter: string;
  /** The trigger's nominal wall times (HH:mm) inside the skipped or repeated stretch; empty when none. */
  affectedWallTimes: string[];
  /** When the affected runs fire (the first instant after a gap; the first occurrence in an overlap); null when none. */
  firesAt: Date | null;
  /** The note in words. */
  text: string;
}

/** Wall seconds a trigger fires at in [fromSecond, toSecond), at most `limit`. */
export type WallSecondsIn = (fromSecond: number, toSecond: number, limit: number) => number[];

const LISTED_WALL_TIMES = 6;

/** Every clock change of the zone in (from, to], each with the trigger's runs it moves or merges. */
export function dstNotes(zone: ZoneClock, wallSecondsIn: WallSecondsIn, from: Date, to: Date): DstNote[] {
  return zone.transitionsIn(from.getTime(), to.getTime()).map((transition) => dstNote(zone, wallSecondsIn, transition));
}

function dstNote(zone: ZoneClock, wallSecondsIn: WallSecondsIn, transition: ZoneTransition): DstNote {
  const kind = transition.after > transition.before ? 'gap' : 'overlap';
  const wallBeforeMs = transition.at + transition.before;
  const wallAfterMs = transition.at + transition.after;
  // The stretch of wall time that is skipped (gap) or lived twice (overlap).
  const [startMs, endMs] = kind === 'gap' ? [wallBeforeMs, wallAfterMs] : [wallAfterMs, wallBeforeMs];
  const affected = wallSecondsIn(startMs / 1000, endMs / 1000, LISTED_WALL_TIMES + 1);
  const firesAt = affected.length > 0 ? new Date(zone.wallToInstant(affected[0] * 1000)) : null;
  const localDate = formatWallDate(wallBeforeMs);
  const wallBefore = formatWallTime(wallBeforeMs);
  const wallAfter = formatWallTime(wallAfterMs);
  const listed = affected.slice(0, LISTED_WALL_TIMES).map((second) => formatWallTime(second * 1000));
  const times = listAnd(listed, affected.length > LISTED_WALL_TIMES);
  const change = `On ${localDate} the clocks in ${zone.name} go ${kind === 'gap' ? 'forward' : 'back'} from ${wallBefore} to ${wallAfter}`;
  let text: string;
  if (affected.length === 0) {
    text = `${change}; no run of this trigger falls in the ${kind === 'gap' ? 'skipped' : 'repeated'} hour.`;
  } else if (kind === 'gap') {
    const verb = affected.length === 1 ? 'does' : 'do';
    const runs = affected.length === 1 ? 'that run fires' : 'those runs fire once';
    text = `${change}: ${times} ${verb} not exist that day, so ${runs} at ${wallAfter} (${firesAt!.toISOString()}).`;
  } else {
    const verb = affected.length === 1 ? 'happens' : 'happen';
    text = `${change}: ${times} ${verb} twice that day; each runs once, at its first occurrence (the first at ${firesAt!.toISOString()}).`;
  }
  return { kind, at: new Date(transition.at), localDate, wallBefore, wallAfter, affectedWallTimes: listed, firesAt, text };
}

function listAnd(items: string[], more: boolean): string {
  if (more) return `${items.join(', ')}, …`;
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function formatWallDate(wallMs: number): string {
  const { year, month, day } = civilFromDays(Math.floor(wallMs / MS_PER_DAY));
  return `${year}-${pad(month)}-${pad(day)}`;
}

export function formatWallTime(wallMs: number): string {
  const minuteOfDay = Math.floor((((wallMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / 60_000);
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
