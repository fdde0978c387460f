import type { DataSource, EntityManager } from 'typeorm';
import { ConnectedSystem } from '../entities/connected-system.entity';
import type { Initiator, RunType } from '../entities/enums';
import { RunProfile } from '../entities/run-profile.entity';
import { ScheduleStep } from '../entities/schedule-step.entity';
import { Schedule } from '../entities/schedule.entity';

/** A run profile with the name of the connected system it belongs to. */
export interface NamedRunProfile {
  id: number;
  connectedSystemId: number;
  name: string;
  connectedSystemName: string;
}

/** The history's target type of a connected system. */
export const CONNECTED_SYSTEM_TARGET = 'ConnectedSystem';

/** Every statement on `connected_systems` and `run_profiles`, and the connected systems' history versions. */
export class ConnectedSystemRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  create(system: { name: string; description: string | null; created: Date; exclusive?: boolean }): Promise<ConnectedSystem> {
    return this.db.getRepository(ConnectedSystem).save(system);
  }

  /** Sets `exclusive` and appends the system's next history version (a snapshot of it), in the caller's transaction. */
  async setExclusive(tx: EntityManager, id: number, exclusive: boolean, change: { changeReason: string | null; initiator: Initiator }): Promise<ConnectedSystem> {
    await tx.getRepository(ConnectedSystem).update({ id }, { exclusive });
    const system = (await this.find(id, tx, true))!;
    await tx.query(
      `INSERT INTO configuration_changes
         (target_type, target_id, target_name, version, operation, snapshot, change_reason, initiated_by_type, initiated_by_id, initiated_by_name, changed_at)
       SELECT $1::varchar, $2::varchar, $3::varchar, COALESCE(max(version), 0) + 1, 'Update', $4::jsonb, $5::varchar, $6::varchar, $7::varchar, $8::varchar, now()
       FROM configuration_changes WHERE target_type = $1 AND target_id = $2`,
      [
        CONNECTED_SYSTEM_TARGET,
        String(id),
        system.name,
        JSON.stringify({ id: system.id, name: system.name, description: system.description, exclusive: system.exclusive }),
        change.changeReason,
        change.initiator.type,
        change.initiator.id,
        change.initiator.name,
      ],
    );
    return system;
  }

  /** By name, then id. */
  list(skip: number, take: number): Promise<[ConnectedSystem[], number]> {
    return this.db.getRepository(ConnectedSystem).findAndCount({ order: { name: 'ASC', id: 'ASC' }, skip, take });
  }

  find(id: number, manager: EntityManager | undefined = this.db.manager, lock = false): Promise<ConnectedSystem | null> {
    return (manager ?? this.db.manager).getRepository(ConnectedSystem).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  async delete(tx: EntityManager, id: number): Promise<void> {
    await tx.getRepository(ConnectedSystem).delete({ id });
  }

  createRunProfile(profile: { connectedSystemId: number; name: string; runType: RunType; created: Date }): Promise<RunProfile> {
    return this.db.getRepository(RunProfile).save(profile);
  }

  /** By id. */
  runProfiles(connectedSystemId: number): Promise<RunProfile[]> {
    return this.db.getRepository(RunProfile).find({ where: { connectedSystemId }, order: { id: 'ASC' } });
  }

  findRunProfile(tx: EntityManager, connectedSystemId: number, id: number): Promise<RunProfile | null> {
    return tx.getRepository(RunProfile).findOne({ where: { id, connectedSystemId } });
  }

  async deleteRunProfile(tx: EntityManager, id: number): Promise<void> {
    await tx.getRepository(RunProfile).delete({ id });
  }

  /** Names (sorted, each once) of the schedules with a step that uses the connected system or the run profile. */
  async schedulesUsing(tx: EntityManager, uses: { connectedSystemId: number } | { runProfileId: number }): Promise<string[]> {
    const rows: { name: string }[] = await tx
      .getRepository(ScheduleStep)
      .createQueryBuilder('step')
      .innerJoin(Schedule, 'schedule', 'schedule.id = step.scheduleId')
      .select('DISTINCT schedule.name', 'name')
      .where(uses)
      .orderBy('schedule.name')
      .getRawMany();
    return rows.map((row) => row.name);
  }

  /**
   * The run profiles among `ids` that exist, and the ids among `systemIds` of connected systems that exist; what JIM
   * no longer has (mirrored, then removed there) does not exist for new steps.
   */
  async existing(ids: number[], systemIds: number[], manager: EntityManager = this.db.manager): Promise<{ runProfiles: NamedRunProfile[]; systemIds: Set<number> }> {
    const [profiles, systems]: [{ id: number; connected_system_id: number; name: string; system_name: string }[], { id: number }[]] =
      await Promise.all([
        manager.query(
          `SELECT rp.id, rp.connected_system_id, rp.name, cs.name AS system_name
           FROM run_profiles rp JOIN connected_systems cs ON cs.id = rp.connected_system_id
           WHERE rp.id = ANY($1::int[]) AND rp.removed_from_jim_at IS NULL`,
          [[...new Set(ids)]],
        ),
        manager.query(`SELECT id FROM connected_systems WHERE id = ANY($1::int[]) AND removed_from_jim_at IS NULL`, [[...new Set(systemIds)]]),
      ]);
    return {
      runProfiles: profiles.map((p) => ({ id: p.id, connectedSystemId: p.connected_system_id, name: p.name, connectedSystemName: p.system_name })),
      systemIds: new Set(systems.map((s) => s.id)),
    };
  }

  /**
   * Makes the tables mirror JIM's catalogue, with JIM's ids: what JIM has is inserted or updated, what it no longer has
   * is marked removed (never deleted: steps may use it). Local ids keep clear of JIM's for anything created before the
   * link. Returns how many run profiles are marked removed.
   */
  mirror(
    systems: { id: number; name: string; description: string | null }[],
    profiles: { id: number; connectedSystemId: number; name: string; runType: string }[],
  ): Promise<{ removedRunProfiles: number }> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(7345021)`);
      await tx.query(
        `INSERT INTO connected_systems (id, name, description, created, removed_from_jim_at)
         SELECT * FROM unnest($1::int[], $2::varchar[], $3::varchar[]) AS x(id, name, description), LATERAL (SELECT now(), NULL::timestamptz) t
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, removed_from_jim_at = NULL`,
        [systems.map((s) => s.id), systems.map((s) => s.name), systems.map((s) => s.description)],
      );
      await tx.query(
        `INSERT INTO run_profiles (id, connected_system_id, name, run_type, created, removed_from_jim_at)
         SELECT *, now(), NULL::timestamptz FROM unnest($1::int[], $2::int[], $3::varchar[], $4::varchar[])
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, run_type = EXCLUDED.run_type, removed_from_jim_at = NULL`,
        [profiles.map((p) => p.id), profiles.map((p) => p.connectedSystemId), profiles.map((p) => p.name), profiles.map((p) => p.runType)],
      );
      await tx.query(`UPDATE connected_systems SET removed_from_jim_at = now() WHERE removed_from_jim_at IS NULL AND NOT (id = ANY($1::int[]))`, [
        systems.map((s) => s.id),
      ]);
      await tx.query(`UPDATE run_profiles SET removed_from_jim_at = now() WHERE removed_from_jim_at IS NULL AND NOT (id = ANY($1::int[]))`, [
        profiles.map((p) => p.id),
      ]);
      await tx.query(`SELECT setval(pg_get_serial_sequence('connected_systems', 'id'), GREATEST((SELECT max(id) FROM connected_systems), 1))`);
      await tx.query(`SELECT setval(pg_get_serial_sequence('run_profiles', 'id'), GREATEST((SELECT max(id) FROM run_profiles), 1))`);
      const [{ removed }]: { removed: number }[] = await tx.query(`SELECT count(*)::int AS removed FROM run_profiles WHERE removed_from_jim_at IS NOT NULL`);
      return { removedRunProfiles: removed };
    });
  }
}
