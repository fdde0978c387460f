import type { DataSource, EntityManager } from 'typeorm';
import { ConnectedSystem } from '../entities/connected-system.entity';
import type { RunType } from '../entities/enums';
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

/** Every statement on `connected_systems` and `run_profiles`. */
export class ConnectedSystemRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  create(system: { name: string; description: string | null; created: Date }): Promise<ConnectedSystem> {
    return this.db.getRepository(ConnectedSystem).save(system);
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
}
