import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConflictError, NotFoundError } from '@jim/common';
import { ConnectedSystem, RunProfile, ScheduleStep } from '@jim/persistence';
import type { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { pagedResponse, paging, type PagedResponse } from '../common/paging';
import { CatalogueMirror } from './catalogue-mirror.service';
import {
  ConnectedSystemResponse,
  RunProfileResponse,
  type ConnectedSystemListQuery,
  type CreateConnectedSystemRequest,
  type CreateRunProfileRequest,
} from './dto/connected-system.dto';

@Injectable()
export class ConnectedSystemsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly mirror: CatalogueMirror,
  ) {}

  async create(request: CreateConnectedSystemRequest): Promise<ConnectedSystemResponse> {
    this.mirror.refuseLocalChange('The connected system catalogue');
    const system = await this.db.getRepository(ConnectedSystem).save({
      name: request.name,
      description: request.description ?? null,
      created: new Date(),
    });
    return ConnectedSystemResponse.from(system);
  }

  async list(query: ConnectedSystemListQuery): Promise<PagedResponse<ConnectedSystemResponse>> {
    const page = paging(query, 25);
    const [systems, total] = await this.db
      .getRepository(ConnectedSystem)
      .findAndCount({ order: { name: 'ASC', id: 'ASC' }, skip: page.skip, take: page.pageSize });
    return pagedResponse(systems.map(ConnectedSystemResponse.from), total, page);
  }

  async get(id: number): Promise<ConnectedSystemResponse> {
    return ConnectedSystemResponse.from(await this.find(this.db.manager, id));
  }

  async remove(id: number): Promise<void> {
    this.mirror.refuseLocalChange('The connected system catalogue');
    await this.db.transaction(async (tx) => {
      const system = await this.find(tx, id, true);
      await assertUnreferenced(tx, { connectedSystemId: id }, `Connected System '${system.name}' (${id})`);
      await tx.getRepository(ConnectedSystem).delete({ id });
    });
  }

  async createRunProfile(connectedSystemId: number, request: CreateRunProfileRequest): Promise<RunProfileResponse> {
    this.mirror.refuseLocalChange('The run profile catalogue');
    await this.find(this.db.manager, connectedSystemId);
    const profile = await this.db.getRepository(RunProfile).save({
      connectedSystemId,
      name: request.name,
      runType: request.runType,
      created: new Date(),
    });
    return RunProfileResponse.from(profile);
  }

  async listRunProfiles(connectedSystemId: number): Promise<RunProfileResponse[]> {
    await this.find(this.db.manager, connectedSystemId);
    const profiles = await this.db.getRepository(RunProfile).find({ where: { connectedSystemId }, order: { id: 'ASC' } });
    return profiles.map(RunProfileResponse.from);
  }

  async removeRunProfile(connectedSystemId: number, runProfileId: number): Promise<void> {
    this.mirror.refuseLocalChange('The run profile catalogue');
    await this.db.transaction(async (tx) => {
      await this.find(tx, connectedSystemId, true);
      const profile = await tx.getRepository(RunProfile).findOne({ where: { id: runProfileId, connectedSystemId } });
      if (!profile) {
        throw new NotFoundError(`Run Profile with ID ${runProfileId} not found for Connected System ${connectedSystemId}.`);
      }
      await assertUnreferenced(tx, { runProfileId }, `Run Profile '${profile.name}' (${runProfileId})`);
      await tx.getRepository(RunProfile).delete({ id: runProfileId });
    });
  }

  private async find(manager: EntityManager, id: number, lock = false): Promise<ConnectedSystem> {
    const system = await manager
      .getRepository(ConnectedSystem)
      .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!system) throw new NotFoundError(`Connected System with ID ${id} not found.`);
    return system;
  }
}

async function assertUnreferenced(tx: EntityManager, where: FindOptionsWhere<ScheduleStep>, what: string): Promise<void> {
  const rows: { name: string }[] = await tx
    .getRepository(ScheduleStep)
    .createQueryBuilder('step')
    .innerJoin('step.schedule', 'schedule')
    .select('DISTINCT schedule.name', 'name')
    .where(where)
    .orderBy('schedule.name')
    .getRawMany();
  if (rows.length > 0) {
    throw new ConflictError(
      `${what} is used by ${rows.length} schedule${rows.length === 1 ? '' : 's'} and cannot be deleted`,
      `Referenced by: ${rows.map((r) => r.name).join(', ')}`,
    );
  }
}
