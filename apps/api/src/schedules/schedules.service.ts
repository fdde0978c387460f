import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConflictError, ValidationError, type ValidationErrors } from '@jim/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import {
  ConnectedSystemRepository,
  isForeignKeyViolation,
  pickFields,
  SCHEDULE_FIELDS,
  ScheduleRepository,
  SecretCipher,
  uniqueViolation,
  type ConfigurationOperation,
  type Initiator,
  type NamedRunProfile,
  type Schedule,
  type ScheduleFields,
  type ScheduleSortColumn,
  type ScheduleStep,
} from '@jim/persistence';
import { connectionStringPassword, restoreMaskedPassword } from '@jim/steps';
import { redisReplyCode, type FiringSpec } from '@jim/queue';
import { compileTrigger, fires } from '@jim/trigger';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { pagedResponse, paging, type PagedResponse } from '../common/paging';
import { ApiMetrics } from '../observability/http-metrics';
import { withinTime } from '../common/within-time';
import { SCHEDULE_SORT_KEYS, type ScheduleListQuery, type ScheduleSortKey } from './dto/schedule-query.dto';
import type { ScheduleRequest } from './dto/schedule-request.dto';
import {
  scheduleDetailResponse,
  scheduleResponse,
  type NextRunsResponse,
  type ScheduleDetailResponse,
  type ScheduleResponse,
} from './dto/schedule-response.dto';
import { defineSchedule, type ScheduleDefinition, type StepDefinition } from './schedule-definition';
import { ScheduleFiring, type FiringDeferred } from './schedule-firing';
import { scheduleNotFound } from './schedule-not-found';

/** The column each sort key (JIM's aliases included) orders by; a Map, so "constructor" or "__proto__" find nothing. */
const SORT_COLUMN: ReadonlyMap<string, ScheduleSortColumn> = new Map(
  Object.entries({
    name: 'name',
    isEnabled: 'isEnabled',
    enabled: 'isEnabled',
    status: 'isEnabled',
    lastRunTime: 'lastRunTime',
    lastRun: 'lastRunTime',
    nextRunTime: 'nextRunTime',
    nextRun: 'nextRunTime',
    created: 'created',
  } satisfies Record<ScheduleSortKey, ScheduleSortColumn>).map(([key, column]) => [key.toLowerCase(), column]),
);

/** A write never waits longer than this for the queue; when it is down the workers' reconciler catches up. */
const FIRING_WAIT_MS = 2000;

@Injectable()
export class SchedulesService {
  private readonly logger = new Logger('Schedules');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SecretCipher) private readonly cipher: SecretCipher,
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(ConnectedSystemRepository) private readonly systems: ConnectedSystemRepository,
    private readonly firing: ScheduleFiring,
    private readonly metrics: ApiMetrics,
  ) {}

  async list(query: ScheduleListQuery): Promise<PagedResponse<ScheduleResponse>> {
    const page = paging(query);
    const sortBy = SORT_COLUMN.get(query.sortBy?.toLowerCase() ?? 'created');
    if (!sortBy) throw ValidationError.field('sortBy', `must be one of ${SCHEDULE_SORT_KEYS.join(', ')}`);
    const { items, total } = await this.schedules.list({
      search: query.search?.trim() || null,
      invalid: query.invalid,
      sortBy,
      descending: query.sortDescending ?? false,
      skip: page.skip,
      take: page.pageSize,
    });
    return pagedResponse(items.map(scheduleResponse), total, page);
  }

  async get(id: string): Promise<ScheduleDetailResponse> {
    const detail = await this.schedules.detail(id);
    if (!detail) throw scheduleNotFound(id);
    return scheduleDetailResponse(detail);
  }

  async create(request: ScheduleRequest, initiator: Initiator, deferred: FiringDeferred): Promise<ScheduleDetailResponse> {
    const definition = this.define(request);
    const names = await this.runProfiles(definition.steps);
    const steps = definition.steps.map((step) => {
      if (step.sqlConnectionString !== null && typeof step.sqlConnectionString === 'object') {
        throw new ValidationError({
          [`steps[${step.requestOrdinal}].sqlConnectionString`]: [
            'is masked; send the full connection string (a masked value only keeps the stored secret of an existing step)',
          ],
        });
      }
      const named = step.runProfileId !== null ? names.get(step.runProfileId) : undefined;
      return {
        ...step,
        id: randomUUID(),
        sqlConnectionString: step.sqlConnectionString,
        connectedSystemName: named?.connectedSystemName ?? null,
        runProfileName: named?.name ?? null,
      };
    });
    const now = new Date();
    const detail = await this.write(definition.name, () =>
      this.schedules.create({
        id: randomUUID(),
        fields: scheduleFields(definition),
        nextRunTime: definition.isEnabled ? definition.trigger.next(now) : null,
        steps,
        initiator,
        changeReason: definition.changeReason,
        now,
      }),
    );
    const response = scheduleDetailResponse(detail);
    await this.syncFiring(response, deferred);
    return response;
  }

  async update(
    id: string,
    request: ScheduleRequest,
    initiator: Initiator,
    deferred: FiringDeferred,
  ): Promise<ScheduleDetailResponse> {
    const definition = this.define(request);
    const detail = await this.write(definition.name, async (tx) => {
      const existing = await this.lock(tx, id);
      await this.runProfiles(definition.steps, tx);
      const now = new Date();
      await this.schedules.update(
        tx,
        existing,
        { ...scheduleFields(definition), nextRunTime: definition.isEnabled ? definition.trigger.next(now) : null },
        initiator,
        now,
      );
      const current = await this.schedules.steps(tx, id);
      const passwordChanged = await this.writeSteps(tx, id, definition.steps, new Map(current.map((s) => [s.id, s])), now);
      await this.record(tx, id, definition.name, 'Update', definition.changeReason, initiator, passwordChanged);
      return (await this.schedules.detail(id, tx))!;
    });
    const response = scheduleDetailResponse(detail);
    await this.syncFiring(response, deferred);
    return response;
  }

  async setEnabled(
    id: string,
    enabled: boolean,
    changeReason: string | null,
    initiator: Initiator,
    deferred: FiringDeferred,
  ): Promise<ScheduleResponse> {
    const summary = await this.schedules.transaction(async (tx) => {
      const schedule = await this.lock(tx, id);
      const now = new Date();
      await this.schedules.update(tx, schedule, { isEnabled: enabled, nextRunTime: nextRunTime({ ...schedule, isEnabled: enabled }, now) }, initiator, now);
      await this.record(tx, id, schedule.name, enabled ? 'Enable' : 'Disable', changeReason, initiator);
      return (await this.schedules.summary(id, tx))!;
    });
    const response = scheduleResponse(summary);
    await this.syncFiring(response, deferred);
    return response;
  }

  async remove(id: string, changeReason: string | null, initiator: Initiator, deferred: FiringDeferred): Promise<void> {
    await this.schedules.transaction(async (tx) => {
      const schedule = await this.lock(tx, id);
      await this.record(tx, id, schedule.name, 'Delete', changeReason, initiator);
      await this.schedules.delete(tx, id);
    });
    await withinTime(this.firing.remove(id), FIRING_WAIT_MS).catch((error: unknown) => this.firingDeferred(id, error, deferred));
  }

  async nextRuns(id: string, count: number, after: Date): Promise<NextRunsResponse> {
    const schedule = await this.schedules.find(id);
    if (!schedule) throw scheduleNotFound(id);
    const compiled = compileTrigger(schedule);
    const runs = compiled.ok ? compiled.trigger.nextN(after, count) : [];
    return {
      scheduleId: id,
      timeZone: schedule.timeZone,
      cronExpression: schedule.cronExpression,
      nextRuns: runs.map((d) => d.toISOString()),
      jitterSeconds: schedule.jitterSeconds,
      jitterNote: schedule.jitterSeconds > 0 ? jitterNote(schedule.jitterSeconds) : null,
    };
  }

  private define(request: ScheduleRequest): ScheduleDefinition {
    return defineSchedule(request, { allowedScriptRoots: this.config.steps.allowedScriptRoots });
  }

  private async lock(tx: EntityManager, id: string): Promise<Schedule> {
    const schedule = await this.schedules.lock(tx, id);
    if (!schedule) throw scheduleNotFound(id);
    return schedule;
  }

  /** One transaction per write; a name taken by another schedule is a conflict, never a 500. */
  private async write<T>(name: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await (work.length === 0 ? (work as () => Promise<T>)() : this.schedules.transaction(work));
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

  /** Stores the steps of a PUT; returns the steps whose connection string password is new or differs from the stored one. */
  private async writeSteps(
    tx: EntityManager,
    scheduleId: string,
    steps: StepDefinition[],
    existing: Map<string, ScheduleStep>,
    now: Date,
  ): Promise<Set<string>> {
    const kept = new Set<string>();
    const passwordChanged = new Set<string>();
    const rows: (StepDefinition & { id: string; sqlConnectionString: string | null })[] = [];
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
      rows.push({ ...step, id, sqlConnectionString: plain });
    }
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    await this.schedules.replaceSteps(tx, scheduleId, rows, existing, now);
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
    await this.schedules.recordChange(tx, { scheduleId, scheduleName, operation, changeReason, initiator, passwordChanged });
  }

  /**
   * Run-profile steps must name a connected system and one of its own run profiles; returns the run profiles by id.
   * No locks: the foreign keys refuse a step whose run profile is deleted concurrently.
   */
  private async runProfiles(steps: StepDefinition[], manager?: EntityManager): Promise<Map<number, NamedRunProfile>> {
    const runProfileSteps = steps.filter((s) => s.stepType === 'RunProfile' && s.runProfileId !== null && s.connectedSystemId !== null);
    if (runProfileSteps.length === 0) return new Map();
    const existing = await this.systems.existing(
      runProfileSteps.map((s) => s.runProfileId!),
      runProfileSteps.map((s) => s.connectedSystemId!),
      manager,
    );
    const owners = new Map(existing.runProfiles.map((p) => [p.id, p.connectedSystemId]));
    const errors: ValidationErrors = {};
    for (const step of runProfileSteps) {
      const at = (field: string, message: string) => (errors[`steps[${step.requestOrdinal}].${field}`] ??= []).push(message);
      if (!existing.systemIds.has(step.connectedSystemId!)) {
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
    return new Map(existing.runProfiles.map((p) => [p.id, p]));
  }

  private async syncFiring(schedule: FiringSpec, deferred: FiringDeferred): Promise<void> {
    await withinTime(this.firing.apply(schedule), FIRING_WAIT_MS).catch((error: unknown) => this.firingDeferred(schedule.id, error, deferred));
  }

  /** The write is stored, its job scheduler is not: counted, logged, and its caller told (the reconciler repairs it). */
  private firingDeferred(scheduleId: string, error: unknown, deferred: FiringDeferred): void {
    this.metrics.jobSchedulerSyncFailures.inc();
    deferred(redisReplyCode(error) ?? (error as { code?: string } | null)?.code);
    this.logger.warn(
      { scheduleId, err: error },
      'Could not update the job scheduler now; the workers will reconcile it from the database',
    );
  }
}

/** The schedule's own fields: the definition's, with the trigger as compiled (normalised). */
function scheduleFields(definition: ScheduleDefinition): ScheduleFields {
  const { name, description, isEnabled } = definition;
  return pickFields(SCHEDULE_FIELDS, { ...definition.trigger.fields, name, description, isEnabled, ...definition.policies });
}

function nextRunTime(schedule: Schedule, now: Date): Date | null {
  if (!fires(schedule)) return null;
  const compiled = compileTrigger(schedule);
  return compiled.ok ? compiled.trigger.next(now) : null;
}

export function jitterNote(jitterSeconds: number): string {
  return `Each run starts up to ${jitterSeconds} s after the time shown (jitter), by a delay fixed per run; the execution records both times.`;
}
