import { In, type DataSource, type EntityManager } from 'typeorm';
import { ConfigurationChange, type ConfigurationOperation } from '../entities/configuration-change.entity';
import type { ExecutionStatus, Initiator } from '../entities/enums';
import { ScheduleStep } from '../entities/schedule-step.entity';
import { Schedule } from '../entities/schedule.entity';
import { fieldMap, fromRow, pickFields, toRow, type FieldColumn, type Row } from '../field-map';
import type { SecretCipher } from '../secret-cipher';
import { prepared } from '../prepared';
import { outboxInsertSql, recordScheduleChangedEvent, scheduleChangedData } from '../webhooks/outbox';

/**
 * The SQL form of `fires()` of @jim/trigger (enabled, Cron, with an expression), for the statements that select the
 * schedules that fire; a test checks that both agree.
 */
export const FIRES_SQL = `is_enabled AND trigger_type = 'Cron' AND cron_expression IS NOT NULL`;

/** The history's target type of a schedule. */
export const SCHEDULE_TARGET = 'Schedule';

const SCHEDULE_SYSTEM_FIELDS = [
  'id',
  'lastRunTime',
  'nextRunTime',
  'created',
  'createdByType',
  'createdById',
  'createdByName',
  'lastUpdated',
  'lastUpdatedByType',
  'lastUpdatedById',
  'lastUpdatedByName',
  'version',
] as const satisfies readonly (keyof Schedule)[];
const STEP_SYSTEM_FIELDS = ['id', 'scheduleId', 'position', 'sqlConnectionString', 'created', 'lastUpdated'] as const satisfies readonly (keyof ScheduleStep)[];

export type ScheduleField = Exclude<keyof Schedule, (typeof SCHEDULE_SYSTEM_FIELDS)[number]>;
export type StepField = Exclude<keyof ScheduleStep, (typeof STEP_SYSTEM_FIELDS)[number]>;

/** Every column of `schedules` and `schedule_steps`, from their entities. */
const SCHEDULE_COLUMNS = fieldMap<Schedule, keyof Schedule & string>(Schedule);
const STEP_COLUMNS = fieldMap<ScheduleStep, keyof ScheduleStep & string>(ScheduleStep);
/** The fields a client defines: what a request sets, the history snapshots and a response shows. */
export const SCHEDULE_FIELDS = fieldMap<Schedule, ScheduleField>(Schedule, SCHEDULE_SYSTEM_FIELDS);
export const STEP_FIELDS = fieldMap<ScheduleStep, StepField>(ScheduleStep, STEP_SYSTEM_FIELDS);

export type ScheduleFields = Pick<Schedule, ScheduleField>;

/** The keys of a history snapshot, in the order it is written: the columns' order, the secret with its version. */
export const SNAPSHOT_SCHEDULE_KEYS: readonly string[] = SCHEDULE_FIELDS.map((f) => f.field);
export const SNAPSHOT_STEP_KEYS: readonly string[] = STEP_COLUMNS.filter(
  (c) => c.field === 'sqlConnectionString' || STEP_FIELDS.some((f) => f.field === c.field),
).flatMap((c) => (c.field === 'sqlConnectionString' ? ['sqlConnectionString', 'sqlPasswordChangedInVersion'] : [c.field]));
export type StepFields = Pick<ScheduleStep, StepField>;

/** A schedule as listed: its fields, its step count and its latest execution. */
export interface ScheduleSummary extends ScheduleFields {
  id: string;
  lastRunTime: Date | null;
  nextRunTime: Date | null;
  created: Date;
  lastUpdated: Date | null;
  stepCount: number;
  lastExecution: LastExecution | null;
}

export interface LastExecution {
  id: string;
  status: ExecutionStatus;
  currentStepIndex: number;
  totalSteps: number;
  completedAt: Date | null;
  errorMessage: string | null;
}

/** A stored step with its connection string in clear text and the names of what it runs. */
export interface StoredStep extends StepFields {
  id: string;
  sqlConnectionString: string | null;
  connectedSystemName: string | null;
  runProfileName: string | null;
}

export interface ScheduleDetail extends ScheduleSummary {
  steps: StoredStep[];
}

/** A step to store: its fields, its place in its group and its connection string in clear text. */
export interface NewStep extends StepFields {
  id: string;
  position: number;
  sqlConnectionString: string | null;
  connectedSystemName: string | null;
  runProfileName: string | null;
}

export interface NewSchedule {
  id: string;
  fields: ScheduleFields;
  nextRunTime: Date | null;
  steps: NewStep[];
  initiator: Initiator;
  changeReason: string | null;
  now: Date;
}

export const SCHEDULE_SORT_COLUMNS = ['name', 'isEnabled', 'lastRunTime', 'nextRunTime', 'created'] as const;
export type ScheduleSortColumn = (typeof SCHEDULE_SORT_COLUMNS)[number];
const SORT_SQL: Record<ScheduleSortColumn, string> = {
  name: 'lower(s.name)',
  isEnabled: 's.is_enabled',
  lastRunTime: 's.last_run_time',
  nextRunTime: 's.next_run_time',
  created: 's.created',
};

export interface ScheduleListOptions {
  search: string | null;
  /** true: only schedules that use a run profile (or connected system) JIM no longer has; false: only the others. */
  invalid?: boolean;
  sortBy: ScheduleSortColumn;
  descending: boolean;
  skip: number;
  take: number;
}

/** How a history snapshot shows a connection string; the repository is given it so it stores no secret. */
export type MaskSecret = (plain: string) => string;

const SUMMARY_FIELDS: readonly FieldColumn<keyof ScheduleSummary & string>[] = SCHEDULE_COLUMNS.filter((c) =>
  ['id', ...SCHEDULE_FIELDS.map((f) => f.field), 'lastRunTime', 'nextRunTime', 'created', 'lastUpdated'].includes(c.field),
) as FieldColumn<keyof ScheduleSummary & string>[];

const SUMMARY_COLUMNS = `
  ${SUMMARY_FIELDS.map((f) => `s.${f.column}`).join(', ')},
  (SELECT count(*)::int FROM schedule_steps st WHERE st.schedule_id = s.id) AS step_count,
  le.id AS le_id, le.status AS le_status, le.current_step_index AS le_current, le.total_steps AS le_total,
  le.completed_at AS le_completed_at, le.error_message AS le_error`;

const LAST_EXECUTION_JOIN = `
  LEFT JOIN LATERAL (
    SELECT e.id, e.status, e.current_step_index, e.total_steps, e.completed_at, e.error_message
    FROM schedule_executions e WHERE e.schedule_id = s.id ORDER BY e.queued_at DESC, e.id DESC LIMIT 1
  ) le ON true`;

/** A step of the schedule runs a run profile (or on a connected system) that JIM no longer has. */
const USES_REMOVED_RUN_PROFILE = `EXISTS (
  SELECT 1 FROM schedule_steps st
  LEFT JOIN run_profiles rp ON rp.id = st.run_profile_id
  LEFT JOIN connected_systems cs ON cs.id = st.connected_system_id
  WHERE st.schedule_id = s.id AND (rp.removed_from_jim_at IS NOT NULL OR cs.removed_from_jim_at IS NOT NULL))`;

type SummaryRow = Row<Omit<ScheduleSummary, 'lastExecution'>> & {
  le_id: string | null;
  le_status: ExecutionStatus | null;
  le_current: number | null;
  le_total: number | null;
  le_completed_at: Date | null;
  le_error: string | null;
};
type StepRow = Row<ScheduleStep> & { connected_system_name: string | null; run_profile_name: string | null };

const SCHEDULE_COLUMN_LIST = SCHEDULE_COLUMNS.map((c) => c.column).join(', ');
const STEP_COLUMN_LIST = STEP_COLUMNS.map((c) => c.column).join(', ');

/**
 * A schedule's create, in one statement: the schedule, its steps, its change-history entry and its ScheduleChanged
 * event. Built once: its text is the name of its prepared statement.
 */
const CREATE_SCHEDULE_SQL = prepared(`WITH schedule AS (
         INSERT INTO schedules (${SCHEDULE_COLUMN_LIST})
         SELECT ${SCHEDULE_COLUMN_LIST} FROM json_populate_record(NULL::schedules, $1::json)
       ),
       steps AS (
         INSERT INTO schedule_steps (${STEP_COLUMN_LIST})
         SELECT ${STEP_COLUMN_LIST} FROM json_populate_recordset(NULL::schedule_steps, $2::json)
       ),
       notified AS (${outboxInsertSql(`(SELECT 'ScheduleChanged'::varchar AS event_type, $12::uuid AS schedule_id, NULL::uuid AS execution_id, $13::jsonb AS data)`)})
       INSERT INTO configuration_changes
         (target_type, target_id, target_name, version, operation, snapshot, change_reason,
          initiated_by_type, initiated_by_id, initiated_by_name, changed_at)
       VALUES ($3, $4, $5, 1, 'Create', $6::jsonb, $7, $8, $9, $10, $11)`);

/**
 * Every statement on `schedules`, `schedule_steps` and the schedules' history versions (`configuration_changes`).
 * The field lists of the statements, the row mapping, the history snapshot and the response all come from the
 * entities' columns, so a new column is declared once, on its entity.
 */
export class ScheduleRepository {
  constructor(
    private readonly db: DataSource,
    private readonly cipher: SecretCipher,
    private readonly maskSecret: MaskSecret,
  ) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * Writes a new schedule, its steps and version 1 of its history in ONE statement (atomic without a transaction),
   * and returns what a read would return, built from what was written rather than read back.
   */
  async create(created: NewSchedule): Promise<ScheduleDetail> {
    const { id, fields, nextRunTime, steps, initiator, now } = created;
    const schedule: Partial<Schedule> = {
      id,
      ...fields,
      lastRunTime: null,
      nextRunTime,
      created: now,
      createdByType: initiator.type,
      createdById: initiator.id,
      createdByName: initiator.name,
      version: 1,
    };
    const stepRows = steps.map((step) =>
      toRow(STEP_COLUMNS, {
        ...step,
        scheduleId: id,
        sqlConnectionString: this.cipher.encryptNullable(step.sqlConnectionString),
        created: now,
        lastUpdated: null,
      }),
    );
    const snapshot = this.snapshotOf(fields, steps, () => 1);
    await this.db.query(
      CREATE_SCHEDULE_SQL,
      [
        JSON.stringify(toRow(SCHEDULE_COLUMNS, schedule)),
        JSON.stringify(stepRows),
        SCHEDULE_TARGET,
        id,
        fields.name,
        JSON.stringify(snapshot),
        created.changeReason,
        initiator.type,
        initiator.id,
        initiator.name,
        now,
        id,
        JSON.stringify(scheduleChangedData({ scheduleId: id, scheduleName: fields.name, operation: 'Create', version: 1, changeReason: created.changeReason, initiator })),
      ],
    );
    return {
      id,
      ...fields,
      lastRunTime: null,
      nextRunTime,
      stepCount: steps.length,
      created: now,
      lastUpdated: null,
      lastExecution: null,
      steps: steps.map((step) => ({
        id: step.id,
        ...pickFields(STEP_FIELDS, step),
        sqlConnectionString: step.sqlConnectionString,
        connectedSystemName: step.connectedSystemName,
        runProfileName: step.runProfileName,
      })),
    };
  }

  async list(options: ScheduleListOptions): Promise<{ items: ScheduleSummary[]; total: number }> {
    const params: unknown[] = [];
    const conditions: string[] = [];
    if (options.search) {
      params.push(`%${escapeLike(options.search)}%`);
      conditions.push(`(s.name ILIKE $1 OR s.description ILIKE $1)`);
    }
    if (options.invalid !== undefined) conditions.push(`${options.invalid ? '' : 'NOT '}${USES_REMOVED_RUN_PROFILE}`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const direction = options.descending ? 'DESC' : 'ASC';
    const order = `ORDER BY ${SORT_SQL[options.sortBy]} ${direction} NULLS LAST, s.id ${direction}`;
    // The page's rows are chosen first and only they get their step count and last execution: a deep page skips
    // its offset on the schedules alone. The total and the page are read side by side, on two connections.
    const [[{ total }], rows]: [{ total: number }[], SummaryRow[]] = await Promise.all([
      this.db.query(`SELECT count(*)::int AS total FROM schedules s ${where}`, params),
      this.db.query(
        `SELECT ${SUMMARY_COLUMNS}
         FROM (SELECT s.* FROM schedules s ${where} ${order} LIMIT ${Math.trunc(options.take)} OFFSET ${Math.trunc(options.skip)}) s
         ${LAST_EXECUTION_JOIN}
         ${order}`,
        params,
      ),
    ]);
    return { items: rows.map(toSummary), total };
  }

  async summary(id: string, manager: EntityManager = this.db.manager): Promise<ScheduleSummary | null> {
    const rows: SummaryRow[] = await manager.query(`SELECT ${SUMMARY_COLUMNS} FROM schedules s ${LAST_EXECUTION_JOIN} WHERE s.id = $1`, [id]);
    return rows.length === 0 ? null : toSummary(rows[0]);
  }

  async detail(id: string, manager: EntityManager = this.db.manager): Promise<ScheduleDetail | null> {
    const summary = await this.summary(id, manager);
    if (!summary) return null;
    const rows: StepRow[] = await manager.query(
      `SELECT st.*, cs.name AS connected_system_name, rp.name AS run_profile_name
       FROM schedule_steps st
       LEFT JOIN connected_systems cs ON cs.id = st.connected_system_id
       LEFT JOIN run_profiles rp ON rp.id = st.run_profile_id
       WHERE st.schedule_id = $1 ORDER BY st.step_index, st.position`,
      [id],
    );
    return { ...summary, steps: rows.map((row) => this.toStoredStep(row)) };
  }

  find(id: string): Promise<Schedule | null> {
    return this.db.getRepository(Schedule).findOne({ where: { id } });
  }

  exists(id: string): Promise<boolean> {
    return this.db.getRepository(Schedule).existsBy({ id });
  }

  /** The schedule, locked for the rest of the transaction; null when there is none. */
  lock(tx: EntityManager, id: string): Promise<Schedule | null> {
    return tx.getRepository(Schedule).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Changes a locked schedule's fields, stamps who changed it and moves its version on. */
  async update(tx: EntityManager, schedule: Schedule, changes: Partial<ScheduleFields> & { nextRunTime: Date | null }, initiator: Initiator, now: Date): Promise<void> {
    await tx.getRepository(Schedule).update(
      { id: schedule.id },
      {
        ...changes,
        lastUpdated: now,
        lastUpdatedByType: initiator.type,
        lastUpdatedById: initiator.id,
        lastUpdatedByName: initiator.name,
        version: schedule.version + 1,
      },
    );
  }

  async delete(tx: EntityManager, id: string): Promise<void> {
    await tx.getRepository(Schedule).delete({ id });
  }

  /** The stored steps of a schedule, connection strings still sealed. */
  steps(tx: EntityManager, scheduleId: string): Promise<ScheduleStep[]> {
    return tx.getRepository(ScheduleStep).find({ where: { scheduleId } });
  }

  /**
   * Makes the schedule's steps `steps`: the others are deleted, new ones inserted in one statement, existing ones
   * updated. `sealed` gives a step's stored ciphertext to keep when its connection string is unchanged.
   */
  async replaceSteps(
    tx: EntityManager,
    scheduleId: string,
    steps: (StepFields & { id: string; position: number; sqlConnectionString: string | null })[],
    existing: ReadonlyMap<string, ScheduleStep>,
    now: Date,
  ): Promise<void> {
    const repository = tx.getRepository(ScheduleStep);
    const rows: ScheduleStep[] = steps.map((step) => {
      const previous = existing.get(step.id);
      const stored = previous ? this.cipher.decryptNullable(previous.sqlConnectionString) : null;
      return {
        id: step.id,
        position: step.position,
        ...pickFields(STEP_FIELDS, step),
        scheduleId,
        sqlConnectionString: previous && step.sqlConnectionString === stored ? previous.sqlConnectionString : this.cipher.encryptNullable(step.sqlConnectionString),
        created: previous?.created ?? now,
        lastUpdated: previous ? now : null,
      };
    });
    const kept = new Set(rows.map((row) => row.id));
    const removed = [...existing.keys()].filter((stepId) => !kept.has(stepId));
    if (removed.length > 0) await repository.delete({ id: In(removed) });
    // New steps go in with one multi-row INSERT; only steps that already existed need an update.
    const added = rows.filter((row) => !existing.has(row.id));
    const changed = rows.filter((row) => existing.has(row.id));
    if (added.length > 0) await repository.insert(added);
    if (changed.length > 0) await repository.save(changed, { chunk: 100 });
  }

  /**
   * Appends the next version of a schedule's history, in the caller's transaction: a redacted snapshot of the
   * schedule as it now is (null once deleted). A step's password counts as changed in this version when the caller
   * says so (`passwordChanged`, step ids) or when the previous version did not have it; otherwise the previous
   * version's `sqlPasswordChangedInVersion` carries over.
   */
  async recordChange(tx: EntityManager, change: ScheduleChange): Promise<number> {
    const [last]: { version: number; snapshot: Record<string, unknown> | null }[] = await tx.query(
      `SELECT version, snapshot FROM configuration_changes WHERE target_type = $1 AND target_id = $2 ORDER BY version DESC LIMIT 1`,
      [SCHEDULE_TARGET, change.scheduleId],
    );
    const version = (last?.version ?? 0) + 1;
    let snapshot: Record<string, unknown> | null = null;
    if (change.operation !== 'Delete') {
      const carried = new Map<string, unknown>();
      const previousSteps = last?.snapshot?.steps;
      if (Array.isArray(previousSteps)) {
        for (const step of previousSteps as Record<string, unknown>[]) carried.set(step.id as string, step.sqlPasswordChangedInVersion);
      }
      const passwordChanged = change.passwordChanged ?? new Set<string>();
      const schedule = await tx.getRepository(Schedule).findOne({ where: { id: change.scheduleId } });
      if (schedule) {
        const steps = (await tx.getRepository(ScheduleStep).find({ where: { scheduleId: change.scheduleId }, order: { stepIndex: 'ASC', position: 'ASC' } })).map(
          (step) => ({ ...step, sqlConnectionString: this.cipher.decryptNullable(step.sqlConnectionString) }),
        );
        snapshot = this.snapshotOf(schedule, steps, (stepId) => {
          const previous = carried.get(stepId);
          return passwordChanged.has(stepId) || typeof previous !== 'number' ? version : previous;
        });
      }
    }
    await tx.query(
      `INSERT INTO configuration_changes
         (target_type, target_id, target_name, version, operation, snapshot, change_reason,
          initiated_by_type, initiated_by_id, initiated_by_name, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())`,
      [
        SCHEDULE_TARGET,
        change.scheduleId,
        change.scheduleName,
        version,
        change.operation,
        snapshot === null ? null : JSON.stringify(snapshot),
        change.changeReason,
        change.initiator.type,
        change.initiator.id,
        change.initiator.name,
      ],
    );
    await recordScheduleChangedEvent(tx, change.scheduleId, scheduleChangedData({ ...change, version }));
    return version;
  }

  /** A page of a schedule's history, newest first, without the snapshots (lists never read the jsonb column). */
  history(scheduleId: string, skip: number, take: number): Promise<[ConfigurationChange[], number]> {
    return this.db.getRepository(ConfigurationChange).findAndCount({
      select: { id: true, version: true, operation: true, changedAt: true, changeReason: true, initiatedByType: true, initiatedById: true, initiatedByName: true },
      where: { targetType: SCHEDULE_TARGET, targetId: scheduleId },
      order: { version: 'DESC' },
      skip,
      take,
    });
  }

  /** The recorded versions among `versions`, snapshots included. */
  historyVersions(scheduleId: string, versions: number[]): Promise<ConfigurationChange[]> {
    return this.db.getRepository(ConfigurationChange).find({
      where: { targetType: SCHEDULE_TARGET, targetId: scheduleId, version: In([...new Set(versions)]) },
    });
  }

  /**
   * The redacted snapshot of a schedule as the history keeps it. A step's connection string is masked as a read
   * shows it, with the version in which its password was last set or changed; nothing derived from the password's
   * value is stored, so equal passwords (in this schedule or another) cannot be told apart from the history.
   */
  private snapshotOf(
    schedule: ScheduleFields,
    steps: readonly (StepFields & { id: string; sqlConnectionString: string | null })[],
    passwordChangedIn: (stepId: string) => number,
  ): Record<string, unknown> {
    return {
      ...pickFields(SCHEDULE_FIELDS, schedule),
      steps: steps.map((step) => ({
        id: step.id,
        ...pickFields(STEP_FIELDS, step),
        sqlConnectionString: step.sqlConnectionString === null ? null : this.maskSecret(step.sqlConnectionString),
        sqlPasswordChangedInVersion: step.sqlConnectionString === null ? null : passwordChangedIn(step.id),
      })),
    };
  }

  private toStoredStep(row: StepRow): StoredStep {
    const step = fromRow<ScheduleStep>(STEP_COLUMNS, row);
    return {
      id: step.id,
      ...pickFields(STEP_FIELDS, step),
      sqlConnectionString: this.cipher.decryptNullable(step.sqlConnectionString),
      connectedSystemName: row.connected_system_name,
      runProfileName: row.run_profile_name,
    };
  }
}

export interface ScheduleChange {
  scheduleId: string;
  scheduleName: string;
  operation: ConfigurationOperation;
  changeReason: string | null;
  initiator: Initiator;
  /** Steps whose connection string password is new or differs from the stored one. */
  passwordChanged?: ReadonlySet<string>;
}

function toSummary(row: SummaryRow): ScheduleSummary {
  return {
    ...fromRow<Omit<ScheduleSummary, 'lastExecution' | 'stepCount'>>(SUMMARY_FIELDS as FieldColumn<never>[], row),
    stepCount: row.step_count,
    lastExecution:
      row.le_id === null
        ? null
        : {
            id: row.le_id,
            status: row.le_status!,
            currentStepIndex: row.le_current!,
            totalSteps: row.le_total!,
            completedAt: row.le_completed_at,
            errorMessage: row.le_error,
          },
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
