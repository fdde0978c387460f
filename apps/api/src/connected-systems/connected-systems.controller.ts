import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { RequireRole } from '../auth/auth.decorators';
import type { PagedResponse } from '../common/paging';
import { intIdPipe } from '../common/uuid.pipe';
import { ConnectedSystemsService } from './connected-systems.service';
import {
  ConnectedSystemListQuery,
  ConnectedSystemResponse,
  CreateConnectedSystemRequest,
  CreateRunProfileRequest,
  RunProfileResponse,
} from './dto/connected-system.dto';

const systemId = intIdPipe((v) => `Connected System with ID ${v} not found.`);
const runProfileId = intIdPipe((v) => `Run Profile with ID ${v} not found.`);

@Controller('api/v1/synchronisation/connected-systems')
@RequireRole('Administrator')
export class ConnectedSystemsController {
  constructor(private readonly systems: ConnectedSystemsService) {}

  @Post()
  create(@Body() body: CreateConnectedSystemRequest): Promise<ConnectedSystemResponse> {
    return this.systems.create(body);
  }

  @Get()
  list(@Query() query: ConnectedSystemListQuery): Promise<PagedResponse<ConnectedSystemResponse>> {
    return this.systems.list(query);
  }

  @Get(':id')
  get(@Param('id', systemId) id: number): Promise<ConnectedSystemResponse> {
    return this.systems.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', systemId) id: number): Promise<void> {
    await this.systems.remove(id);
  }

  @Post(':id/run-profiles')
  createRunProfile(@Param('id', systemId) id: number, @Body() body: CreateRunProfileRequest): Promise<RunProfileResponse> {
    return this.systems.createRunProfile(id, body);
  }

  @Get(':id/run-profiles')
  listRunProfiles(@Param('id', systemId) id: number): Promise<RunProfileResponse[]> {
    return this.systems.listRunProfiles(id);
  }

  @Delete(':id/run-profiles/:runProfileId')
  @HttpCode(204)
  async removeRunProfile(
    @Param('id', systemId) id: number,
    @Param('runProfileId', runProfileId) profileId: number,
  ): Promise<void> {
    await this.systems.removeRunProfile(id, profileId);
  }
}
