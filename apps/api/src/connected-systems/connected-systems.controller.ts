import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { initiatorOf, type Principal } from '../auth/principal';
import { NoQueryParameters, type PagedResponse } from '../common/paging';
import { intIdPipe } from '../common/uuid.pipe';
import { ApiAuthErrors, ApiErrors, ApiPagedOkResponse, notFound } from '../openapi/api-responses';
import { ConnectedSystemsService } from './connected-systems.service';
import {
  ConnectedSystemListQuery,
  ConnectedSystemResponse,
  CreateConnectedSystemRequest,
  CreateRunProfileRequest,
  RunProfileResponse,
  UpdateConnectedSystemRequest,
} from './dto/connected-system.dto';

const systemId = intIdPipe((v) => `Connected System with ID ${v} not found.`);
const runProfileId = intIdPipe((v) => `Run Profile with ID ${v} not found.`);

@ApiTags('Connected systems')
@ApiAuthErrors()
@Controller('api/v1/synchronisation/connected-systems')
@RequireRole('Administrator')
export class ConnectedSystemsController {
  constructor(private readonly systems: ConnectedSystemsService) {}

  @ApiOperation({ summary: 'Create a connected system' })
  @ApiCreatedResponse({ type: ConnectedSystemResponse, description: 'Created.' })
  @ApiErrors({ 400: true })
  @Post()
  create(@Body() body: CreateConnectedSystemRequest): Promise<ConnectedSystemResponse> {
    return this.systems.create(body);
  }

  @ApiOperation({ summary: 'List connected systems', description: 'Connected systems page by page, by name.' })
  @ApiPagedOkResponse(ConnectedSystemResponse, 'A page of connected systems.')
  @ApiErrors({ 400: 'VALIDATION_ERROR: a query parameter is invalid.' })
  @Get()
  list(@Query() query: ConnectedSystemListQuery): Promise<PagedResponse<ConnectedSystemResponse>> {
    return this.systems.list(query);
  }

  @ApiOperation({ summary: 'Get a connected system' })
  @ApiParam({ name: 'id', type: 'integer', description: 'Connected system ID' })
  @ApiOkResponse({ type: ConnectedSystemResponse, description: 'The connected system.' })
  @ApiErrors({ 404: notFound('Connected System with ID {id} not found.') })
  @Get(':id')
  get(@Param('id', systemId) id: number): Promise<ConnectedSystemResponse> {
    return this.systems.get(id);
  }

  @ApiOperation({
    summary: "Change a connected system's settings",
    description: 'Sets `exclusive`: whether at most one RunProfile step of the system runs at a time. Allowed when the catalogue is mirrored from JIM (the setting is this service\'s own); recorded in the change history. Steps already waiting keep their place; a step already running is not stopped.',
  })
  @ApiParam({ name: 'id', type: 'integer', description: 'Connected system ID' })
  @ApiOkResponse({ type: ConnectedSystemResponse, description: 'The connected system, changed.' })
  @ApiErrors({ 400: true, 404: notFound('Connected System with ID {id} not found.') })
  @Patch(':id')
  update(
    @Param('id', systemId) id: number,
    @Body() body: UpdateConnectedSystemRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConnectedSystemResponse> {
    return this.systems.update(id, body, initiatorOf(principal));
  }

  @ApiOperation({ summary: 'Delete a connected system', description: 'Refused while a schedule step uses it.' })
  @ApiParam({ name: 'id', type: 'integer', description: 'Connected system ID' })
  @ApiNoContentResponse({ description: 'Deleted, with its run profiles.' })
  @ApiErrors({ 404: notFound('Connected System with ID {id} not found.'), 409: 'CONFLICT: schedule steps use this connected system.' })
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', systemId) id: number): Promise<void> {
    await this.systems.remove(id);
  }

  @ApiOperation({ summary: 'Create a run profile' })
  @ApiParam({ name: 'id', type: 'integer', description: 'Connected system ID' })
  @ApiCreatedResponse({ type: RunProfileResponse, description: 'Created.' })
  @ApiErrors({ 400: true, 404: notFound('Connected System with ID {id} not found.') })
  @Post(':id/run-profiles')
  createRunProfile(@Param('id', systemId) id: number, @Body() body: CreateRunProfileRequest): Promise<RunProfileResponse> {
    return this.systems.createRunProfile(id, body);
  }

  @ApiOperation({ summary: 'List run profiles', description: 'The run profiles of a connected system (not paginated).' })
  @ApiParam({ name: 'id', type: 'integer', description: 'Connected system ID' })
  @ApiOkResponse({ type: RunProfileResponse, isArray: true, description: 'The run profiles.' })
  @ApiErrors({ 400: 'VALIDATION_ERROR: an unknown query parameter (this operation takes none).', 404: notFound('Connected System with ID {id} not found.') })
  @NoQueryParameters()
  @Get(':id/run-profiles')
  listRunProfiles(@Param('id', systemId) id: number): Promise<RunProfileResponse[]> {
    return this.systems.listRunProfiles(id);
  }

  @ApiOperation({ summary: 'Delete a run profile', description: 'Refused while a schedule step uses it.' })
  @ApiParam({ name: 'id', type: 'integer', description: 'Connected system ID' })
  @ApiParam({ name: 'runProfileId', type: 'integer', description: 'Run profile ID' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors({ 404: 'NOT_FOUND: no such connected system, or no such run profile in it.', 409: 'CONFLICT: schedule steps use this run profile.' })
  @Delete(':id/run-profiles/:runProfileId')
  @HttpCode(204)
  async removeRunProfile(
    @Param('id', systemId) id: number,
    @Param('runProfileId', runProfileId) profileId: number,
  ): Promise<void> {
    await this.systems.removeRunProfile(id, profileId);
  }
}
