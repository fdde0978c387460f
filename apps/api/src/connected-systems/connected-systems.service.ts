import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@jim/common';
import { ConnectedSystemRepository, type ConnectedSystem, type Initiator } from '@jim/persistence';
import type { EntityManager } from 'typeorm';
import { pagedResponse, paging, type PagedResponse } from '../common/paging';
import { CatalogueMirror } from './catalogue-mirror.service';
import {
  ConnectedSystemResponse,
  RunProfileResponse,
  type ConnectedSystemListQuery,
  type CreateConnectedSystemRequest,
  type CreateRunProfileRequest,
  type UpdateConnectedSystemRequest,
} from './dto/connected-system.dto';

@Injectable()
export class ConnectedSystemsService {
  constructor(
    @Inject(ConnectedSystemRepository) private readonly systems: ConnectedSystemRepository,
    private readonly mirror: CatalogueMirror,
  ) {}

  async create(request: CreateConnectedSystemRequest): Promise<ConnectedSystemResponse> {
    this.mirror.refuseLocalChange('The connected system catalogue');
    const system = await this.systems.create({ name: request.name, description: request.description ?? null, created: new Date(), exclusive: request.exclusive ?? true });
    return ConnectedSystemResponse.from(system);
  }

  /** The service's own settings of a system, allowed whether or not the catalogue is mirrored from JIM; recorded in the change history. */
  async update(id: number, request: UpdateConnectedSystemRequest, initiator: Initiator): Promise<ConnectedSystemResponse> {
    return this.systems.transaction(async (tx) => {
      await this.find(id, tx);
      const system = await this.systems.setExclusive(tx, id, request.exclusive, { changeReason: request.changeReason ?? null, initiator });
      return ConnectedSystemResponse.from(system);
    });
  }

  async list(query: ConnectedSystemListQuery): Promise<PagedResponse<ConnectedSystemResponse>> {
    const page = paging(query, 25);
    const [systems, total] = await this.systems.list(page.skip, page.pageSize);
    return pagedResponse(systems.map(ConnectedSystemResponse.from), total, page);
  }

  async get(id: number): Promise<ConnectedSystemResponse> {
    return ConnectedSystemResponse.from(await this.find(id));
  }

  async remove(id: number): Promise<void> {
    this.mirror.refuseLocalChange('The connected system catalogue');
    await this.systems.transaction(async (tx) => {
      const system = await this.find(id, tx);
      await this.assertUnreferenced(tx, { connectedSystemId: id }, `Connected System '${system.name}' (${id})`);
      await this.systems.delete(tx, id);
    });
  }

  async createRunProfile(connectedSystemId: number, request: CreateRunProfileRequest): Promise<RunProfileResponse> {
    this.mirror.refuseLocalChange('The run profile catalogue');
    await this.find(connectedSystemId);
    const profile = await this.systems.createRunProfile({ connectedSystemId, name: request.name, runType: request.runType, created: new Date() });
    return RunProfileResponse.from(profile);
  }

  async listRunProfiles(connectedSystemId: number): Promise<RunProfileResponse[]> {
    await this.find(connectedSystemId);
    return (await this.systems.runProfiles(connectedSystemId)).map(RunProfileResponse.from);
  }

  async removeRunProfile(connectedSystemId: number, runProfileId: number): Promise<void> {
    this.mirror.refuseLocalChange('The run profile catalogue');
    await this.systems.transaction(async (tx) => {
      await this.find(connectedSystemId, tx);
      const profile = await this.systems.findRunProfile(tx, connectedSystemId, runProfileId);
      if (!profile) {
        throw new NotFoundError(`Run Profile with ID ${runProfileId} not found for Connected System ${connectedSystemId}.`);
      }
      await this.assertUnreferenced(tx, { runProfileId }, `Run Profile '${profile.name}' (${runProfileId})`);
      await this.systems.deleteRunProfile(tx, runProfileId);
    });
  }

  /** Inside a transaction the connected system is locked until it ends. */
  private async find(id: number, tx?: EntityManager): Promise<ConnectedSystem> {
    const system = await this.systems.find(id, tx, tx !== undefined);
    if (!system) throw new NotFoundError(`Connected System with ID ${id} not found.`);
    return system;
  }

  private async assertUnreferenced(
    tx: EntityManager,
    uses: { connectedSystemId: number } | { runProfileId: number },
    what: string,
  ): Promise<void> {
    const names = await this.systems.schedulesUsing(tx, uses);
    if (names.length > 0) {
      throw new ConflictError(
        `${what} is used by ${names.length} schedule${names.length === 1 ? '' : 's'} and cannot be deleted`,
        `Referenced by: ${names.join(', ')}`,
      );
    }
  }
}
