import type { ConfigurationOperation, InitiatorType } from './enums';

export interface ChangeHistoryItem {
  /** Version number of the schedule after this change (1 for its creation). */
  version: number;
  operation: ConfigurationOperation;
  changedAt: string;
  changeReason: string | null;
  initiatedByType: InitiatorType;
  initiatedById: string | null;
  initiatedByName: string | null;
}

export interface ChangeHistoryDetail extends ChangeHistoryItem {
  /** The redacted snapshot stored with the change; null for a deletion. */
  snapshot: Record<string, unknown> | null;
}

/** One field that differs between two versions. */
export interface SnapshotDifference {
  path: string;
  from: unknown;
  to: unknown;
  /** Only on `steps[<id>].sqlConnectionString`: whether the password was set or changed in between. */
  passwordChanged?: boolean;
}

export interface ChangeComparison {
  scheduleId: string;
  fromVersion: number;
  toVersion: number;
  differences: SnapshotDifference[];
}
