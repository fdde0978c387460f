import type { SnapshotDifference } from '@jim/contracts';
import { SNAPSHOT_SCHEDULE_KEYS, SNAPSHOT_STEP_KEYS } from '@jim/persistence';

export type { SnapshotDifference };

export type Snapshot = Record<string, unknown>;

/** The order the snapshot is written in (jsonb does not keep key order); unknown keys follow, sorted. */
const SCHEDULE_FIELDS = SNAPSHOT_SCHEDULE_KEYS;
const STEP_FIELDS = SNAPSHOT_STEP_KEYS;

/** Told through `passwordChanged` on the connection string's difference, never on its own. */
const PASSWORD_VERSION = 'sqlPasswordChangedInVersion';

/**
 * Field-level differences from one snapshot to another. Top-level fields are named as they are; steps are matched
 * by id (`steps[<id>].<field>`), and a step only on one side is reported whole (`steps[<id>]`, null on the other).
 * A missing snapshot (a deletion) is an empty one, so every field that had a value goes to (or comes from) null.
 * A connection string is masked in snapshots; it differs when its masked form or the version its password was last
 * set in differs, and that difference says whether the password changed (`passwordChanged`), nothing about its value.
 */
export function diffSnapshots(from: Snapshot | null, to: Snapshot | null): SnapshotDifference[] {
  const before = from ?? {};
  const after = to ?? {};
  const differences: SnapshotDifference[] = [];
  for (const field of orderedKeys(before, after, SCHEDULE_FIELDS, 'steps')) {
    addIfChanged(differences, field, before[field], after[field]);
  }
  const stepsBefore = stepsById(before.steps);
  const stepsAfter = stepsById(after.steps);
  for (const [id, step] of stepsAfter) {
    const previous = stepsBefore.get(id);
    if (!previous) {
      differences.push({ path: stepPath(id), from: null, to: canonicalStep(step) });
      continue;
    }
    for (const field of orderedKeys(previous, step, STEP_FIELDS, 'id')) {
      if (field === PASSWORD_VERSION) continue;
      const path = `${stepPath(id)}.${field}`;
      if (field === 'sqlConnectionString') addConnectionStringIfChanged(differences, path, previous, step);
      else addIfChanged(differences, path, previous[field], step[field]);
    }
  }
  for (const [id, step] of stepsBefore) {
    if (!stepsAfter.has(id)) differences.push({ path: stepPath(id), from: canonicalStep(step), to: null });
  }
  return differences;
}

function stepPath(id: string): string {
  return `steps[${id}]`;
}

function addIfChanged(differences: SnapshotDifference[], path: string, from: unknown, to: unknown): void {
  const a = from ?? null;
  const b = to ?? null;
  if (!jsonEqual(a, b)) differences.push({ path, from: a, to: b });
}

function addConnectionStringIfChanged(differences: SnapshotDifference[], path: string, before: Snapshot, after: Snapshot): void {
  const from = before.sqlConnectionString ?? null;
  const to = after.sqlConnectionString ?? null;
  const passwordChanged = !jsonEqual(before[PASSWORD_VERSION] ?? null, after[PASSWORD_VERSION] ?? null);
  if (passwordChanged || !jsonEqual(from, to)) differences.push({ path, from, to, passwordChanged });
}

function orderedKeys(a: Snapshot, b: Snapshot, known: readonly string[], excluded: string): string[] {
  const present = new Set([...Object.keys(a), ...Object.keys(b)]);
  present.delete(excluded);
  const first = known.filter((key) => present.has(key));
  const rest = [...present].filter((key) => !known.includes(key)).sort();
  return [...first, ...rest];
}

function stepsById(steps: unknown): Map<string, Snapshot> {
  const byId = new Map<string, Snapshot>();
  if (!Array.isArray(steps)) return byId;
  for (const step of steps) {
    if (isObject(step) && typeof step.id === 'string') byId.set(step.id, step);
  }
  return byId;
}

/** A whole step, its keys in the documented order, so added and removed steps read the same way every time. */
function canonicalStep(step: Snapshot): Snapshot {
  const result: Snapshot = { id: step.id };
  for (const key of orderedKeys(step, {}, STEP_FIELDS, 'id')) result[key] = step[key] ?? null;
  return result;
}

function isObject(value: unknown): value is Snapshot {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => jsonEqual(a[key] ?? null, b[key] ?? null));
  }
  return false;
}
