import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConflictError, ValidationError, type ValidationErrors } from '@jim/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { isForeignKeyViolation, Schedule, ScheduleStep, SecretCipher, uniqueViolation, type ConfigurationOperation, type Initiator } from '@jim/persistence';
import { connectionStringPassword, restoreMaskedPassword } from '@jim/steps';
import { compileTrigger } from '@jim/trigger';
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { ScheduleRequest } from './dto/schedule-request.dto';
import type { NextRunsResponse, ScheduleDetailResponse, ScheduleResponse } from './dto/schedule-response.dto';
import { recordScheduleChange, scheduleSnapshot } from './schedule-change-recorder';
import { defineSchedule, storedStepFields, type ScheduleDefinition, type StepDefinition } from './schedule-definition';
import { ScheduleFiring, warnFiringDeferred, type FiringState } from './schedule-firing';
import { ApiMetrics } from '../observability/http-metrics';
import { redisReplyCode } from '@jim/queue';
import { withinTime } from '../common/within-time';
import { insertSchedule, type RunProfileNames } from './schedule-insert';
import { ScheduleReader, scheduleNotFound } from './schedule-reader';

/** A write never waits longer than this for the queue; when it is down the workers' reconciler catches up. */
const FIRING_WAIT_MS = 2000;

@Injectable()
export class SchedulesService {
  private readonly logger = new Logger('Schedules');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SecretCipher) private readonly cipher: SecretCipher,
    private readonly reader: ScheduleReader,
    private readonly firing: ScheduleFiring,
    private readonly metrics: ApiMetrics,
  ) {}

  async create(request: ScheduleRequest, initiator: Initiator): Promise<ScheduleDetailResponse> {
    const definition = this.define(request);
    const id = randomUUID();
    const names = await runProfileNames(this.db.manager, definition.steps);
    const stepIds = definition.steps.map(() => randomUUID());
    const detail = await this.write(definition.name, () =>
      insertSchedule(this.db.manager, this.cipher, { id, definition, initiator, now: new Date(), names, stepIds }),
    );
    await this.syncFiring(detail);
    return detail;
  }

  async update(id: string, request: ScheduleRequest, initiator: Initiator): Promise<ScheduleDetailResponse> {
    const definition = this.define(request);
    const detail = await this.write(definition.name, async (tx) => {
      const existing = await lockSchedule(tx, id);
      await runProfileNames(tx, definition.steps);
      const now = new Date();
      await tx.getRepository(Schedule).update(
        { id },
        {
          ...scheduleFields(definition, now),
          lastUpdated: now,
          lastUpdatedByType: initiator.type,
          lastUpdatedById: initiator.id,
          lastUpdatedByName: initiator.name,
          version: existing.version + 1,
        },
      );
      const current = await tx.getRepository(ScheduleStep).find({ where: { scheduleId: id } });
      const passwordChanged = await this.writeSteps(tx, id, definition.steps, new Map(current.map((s) => [s.id, s])), now);
      await this.record(tx, id, definition.name, 'Update', definition.changeReason, initiator, passwordChanged);
      return this.reader.detail(id, tx);
    });
    await this.syncFiring(detail);
    return detail;
  }

  async setEnabled(id: string, enabled: boolean, changeReason: string | null, initiator: Initiator): Promise<ScheduleResponse> {
    const summary = await this.db.transaction(async (tx) => {
      const schedule = await lockSchedule(tx, id);
      const now = new Date();
      await tx.getRepository(Schedule).update(
        { id },
        {
          isEnabled: enabled,
          nextRunTime: nextRunTime({ ...schedule, isEnabled: enabled }, now),
          lastUpdated: now,
          lastUpdatedByType: initiator.type,
          lastUpdatedById: initiator.id,
          lastUpdatedByName: initiator.name,
          version: schedule.version + 1,
        },
      );
      await this.record(tx, id, schedule.name, enabled ? 'Enable' : 'Disable', changeReason, initiator);
      return this.reader.summary(id, tx);
    });
    await this.syncFiring(summary);
    return summary;
  }

  async remove(id: string, changeReason: string | null, initiator: Initiator): Promise<void> {
    await this.db.transaction(async (tx) => {
      const schedule = await lockSchedule(tx, id);
      await recordScheduleChange(tx, {
        scheduleId: id,
        scheduleName: schedule.name,
        operation: 'Delete',
        snapshot: null,
        changeReason,
        initiator,
      });
      await tx.getRepository(Schedule).delete({ id });
    });
    await withinTime(this.firing.remove(id), FIRING_WAIT_MS).catch((error: unknown) => this.logFiringError(id, error));
  }

  async nextRuns(id: string, count: number, after: Date): Promise<NextRunsResponse> {
    const schedule = await this.db.getRepository(Schedule).findOne({ where: { id } });
    if (!schedule) throw scheduleNotFound(id);
    const compiled = compileTrigger(triggerInputOf(schedule));
    const runs = compiled.ok ? compiled.trigger.nextN(after, count) : [];
    return {
      scheduleId: id,
      timeZone: schedule.timeZone,
      cronExpression: schedule.cronExpression,
      nextRuns: runs.map((d) => d.toISOString()),
    };
  }

  private define(request: ScheduleRequest): ScheduleDefinition {
    return defineSchedule(request, { allowedScriptRoots: this.config.steps.allowedScriptRoots });
  }

  /** One transaction per write; a name taken by another schedule is a conflict, never a 500. */
  private async write<T>(name: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await (work.length === 0 ? (work as () => Promise<T>)() : this.db.transaction(work));
    } catch (error) {
      if (uniqueViolation(error) === 'ux_schedules_name_ci') {
        throw new ConflictError(`A schedule named '${name}' already exists`, 'Schedule names are unique, ignoring case');
      }
      if (isForeignKeyViolation(error)) {
        throw new ValidationError({ steps: ['a referenced connected system or run profile no longer exists'] });
      }
      throw error;
    }
  }

  private async writeSteps(
    tx: EntityManager,
    scheduleId: string,
    steps: StepDefinition[],
    existing: Map<string, ScheduleStep>,
    now: Date,
  ): Promise<Set<string>> {
    const repository = tx.getRepository(ScheduleStep);
    const kept = new Set<string>();
    /** Steps whose connection string password is new or differs from the stored one: the history says so. */
    const passwordChanged = new Set<string>();
    const rows: ScheduleStep[] = [];
    const errors: ValidationErrors = {};
    for (const step of steps) {
      const previous = step.requestedId && !kept.has(step.requestedId) ? existing.get(step.requestedId) : undefined;
      if (previous) kept.add(previous.id);
      const id = previous?.id ?? randomUUID();
      const stored = this.cipher.decryptNullable(previous?.sqlConnectionString ?? null);
      let plain = step.sqlConnectionString;
      if (plain !== null && typeof plain === 'object') {
        const path = `steps[${step.requestOrdinal}].sqlConnectionString`;
        if (stored === null) {
          errors[path] = ['is masked; send the full connection string (a masked value only keeps the stored secret of an existing step)'];
          continue;
        }
        const restored = restoreMaskedPassword(plain.masked, stored);
        if (restored === null) {
          errors[path] = [
            'keeps the stored password (***) but names another server (provider, host, port, database or user); re-enter the password to change the server',
          ];
          continue;
        }
        plain = restored;
      } else if (plain !== null && (stored === null || connectionStringPassword(plain) !== connectionStringPassword(stored))) {
        passwordChanged.add(id);
      }
      rows.push({
        id,
        scheduleId,
        position: step.position,
        ...storedStepFields(step),
        sqlConnectionString: plain === stored && previous ? previous.sqlConnectionString : this.cipher.encryptNullable(plain),
        created: previous?.created ?? now,
        lastUpdated: previous ? now : null,
      });
    }
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    const removed = [...existing.keys()].filter((stepId) => !kept.has(stepId));
    if (removed.length > 0) await repository.delete({ id: In(removed) });
    // New steps go in with one multi-row INSERT; only steps that already existed need an update.
    const added = rows.filter((row) => !existing.has(row.id));
    const changed = rows.filter((row) => existing.has(row.id));
    if (added.length > 0) await repository.insert(added);
    if (changed.length > 0) await repository.save(changed, { chunk: 100 });
    return passwordChanged;
  }

  private async record(
    tx: EntityManager,
    scheduleId: string,
    scheduleName: string,
    operation: ConfigurationOperation,
    changeReason: string | null,
    initiator: Initiator,
    passwordChanged: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const { snapshot, version } = await scheduleSnapshot(tx, this.cipher, scheduleId, passwordChanged);
    await recordScheduleChange(tx, { scheduleId, scheduleName, operation, snapshot, changeReason, initiator, version });
  }

  private async syncFiring(schedule: FiringState): Promise<void> {
    await withinTime(this.firing.apply(schedule), FIRING_WAIT_MS).catch((error: unknown) => this.logFiringError(schedule.id, error));
  }

  private logFiringError(scheduleId: string, error: unknown): void {
    this.metrics.jobSchedulerSyncFailures.inc();
    warnFiringDeferred(redisReplyCode(error) ?? (error as { code?: string } | null)?.code);
    this.logger.warn(
      { scheduleId, err: error },
      'Could not update the job scheduler now; the workers will reconcile it from the database',
    );
  }
}

function scheduleFields(definition: ScheduleDefinition, now: Date) {
  const fields = definition.trigger.fields;
  return {
    name: definition.name,
    description: definition.description,
    triggerType: fields.triggerType,
    patternType: fields.patternType,
    daysOfWeek: fields.daysOfWeek,
    runTimes: fields.runTimes,
    intervalValue: fields.intervalValue,
    intervalUnit: fields.intervalUnit,
    intervalWindowStart: fields.intervalWindowStart,
    intervalWindowEnd: fields.intervalWindowEnd,
    cronExpression: fields.cronExpression,
    timeZone: fields.timeZone,
    isEnabled: definition.isEnabled,
    nextRunTime: definition.isEnabled ? definition.trigger.next(now) : null,
  };
}

export function triggerInputOf(schedule: Schedule) {
  return {
    triggerType: schedule.triggerType,
    patternType: schedule.patternType,
    daysOfWeek: schedule.daysOfWeek,
    runTimes: schedule.runTimes,
    intervalValue: schedule.intervalValue,
    intervalUnit: schedule.intervalUnit,
    intervalWindowStart: schedule.intervalWindowStart,
    intervalWindowEnd: schedule.intervalWindowEnd,
    cronExpression: schedule.cronExpression,
    timeZone: schedule.timeZone,
  };
}

function nextRunTime(schedule: Schedule, now: Date): Date | null {
  if (!schedule.isEnabled || schedule.triggerType !== 'Cron') return null;
  const compiled = compileTrigger(triggerInputOf(schedule));
  return compiled.ok ? compiled.trigger.next(now) : null;
}

async function lockSchedule(tx: EntityManager, id: string): Promise<Schedule> {
  const schedule = await tx.getRepository(Schedule).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!schedule) throw scheduleNotFound(id);
  return schedule;
}

/**
 * Run-profile steps must name a connected system and one of its own run profiles; returns their names.
 * No locks: the foreign keys refuse a step whose run profile is deleted concurrently.
 */
async function runProfileNames(manager: EntityManager, steps: StepDefinition[]): Promise<Map<number, RunProfileNames>> {
  const runProfileSteps = steps.filter((s) => s.stepType === 'RunProfile' && s.runProfileId !== null && s.connectedSystemId !== null);
  if (runProfileSteps.length === 0) return new Map();
  const [profiles, systems]: [{ id: number; connected_system_id: number; name: string; system_name: string }[], { id: number }[]] =
    await Promise.all([
      manager.query(
        `SELECT rp.id, rp.connected_system_id, rp.name, cs.name AS system_name
         FROM run_profiles rp JOIN connected_systems cs ON cs.id = rp.connected_system_id
         WHERE rp.id = ANY($1::int[]) AND rp.removed_from_jim_at IS NULL`,
        [[...new Set(runProfileSteps.map((s) => s.runProfileId!))]],
      ),
      manager.query(`SELECT id FROM connected_systems WHERE id = ANY($1::int[]) AND removed_from_jim_at IS NULL`, [[...new Set(runProfileSteps.map((s) => s.connectedSystemId!))]]),
    ]);
  const existingSystems = new Set(systems.map((r) => r.id));
  const owners = new Map(profiles.map((p) => [p.id, p.connected_system_id]));
  const errors: ValidationErrors = {};
  for (const step of runProfileSteps) {
    const at = (field: string, message: string) => (errors[`steps[${step.requestOrdinal}].${field}`] ??= []).push(message);
    if (!existingSystems.has(step.connectedSystemId!)) {
      at('connectedSystemId', `Connected System ${step.connectedSystemId} does not exist`);
      continue;
    }
    const owner = owners.get(step.runProfileId!);
    if (owner === undefined) at('runProfileId', `Run Profile ${step.runProfileId} does not exist`);
    else if (owner !== step.connectedSystemId) {
      at('runProfileId', `Run Profile ${step.runProfileId} does not belong to Connected System ${step.connectedSystemId}`);
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return new Map(profiles.map((r) => [r.id, { connectedSystemName: r.system_name, runProfileName: r.name }]));
}
