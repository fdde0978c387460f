import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/auth.decorators';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyResponse, CreateApiKeyRequest, CreatedApiKeyResponse, UpdateApiKeyRequest } from './dto/api-key.dto';
import { NoQueryParameters } from '../common/paging';
import { uuidPipe } from '../common/uuid.pipe';
import { ApiAuthErrors, ApiErrors, badRequest, notFound } from '../openapi/api-responses';

@ApiTags('API keys')
@ApiAuthErrors()
@Controller('api/v1/apikeys')
@RequireRole('Administrator')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @ApiOperation({ summary: 'Create an API key', description: 'Creates a key. The key itself is in this response only: store it now.' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse, description: 'Created: the key and its details.' })
  @ApiErrors({ 400: true })
  @Post()
  create(@Body() body: CreateApiKeyRequest): Promise<CreatedApiKeyResponse> {
    return this.apiKeys.create(body);
  }

  @ApiOperation({ summary: 'List API keys', description: 'Every key, oldest first; never the keys themselves.' })
  @ApiOkResponse({ type: ApiKeyResponse, isArray: true, description: 'The keys.' })
  @ApiErrors({ 400: 'VALIDATION_ERROR: an unknown query parameter (this operation takes none).' })
  @NoQueryParameters()
  @Get()
  list(): Promise<ApiKeyResponse[]> {
    return this.apiKeys.list();
  }

  @ApiOperation({ summary: 'Get an API key' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'API key id' })
  @ApiOkResponse({ type: ApiKeyResponse, description: 'The key details.' })
  @ApiErrors({ 404: notFound('API key not found: {id}') })
  @Get(':id')
  get(@Param('id', uuidPipe('API key')) id: string): Promise<ApiKeyResponse> {
    return this.apiKeys.get(id);
  }

  @ApiOperation({ summary: 'Update an API key', description: 'Changes the fields sent; the others keep their values.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'API key id' })
  @ApiOkResponse({ type: ApiKeyResponse, description: 'The updated key details.' })
  @ApiErrors({ 400: 'VALIDATION_ERROR: invalid fields; BAD_REQUEST: the expiry, roles and enabled flag of the infrastructure key cannot be changed.', 404: notFound('API key not found: {id}') })
  @Put(':id')
  update(@Param('id', uuidPipe('API key')) id: string, @Body() body: UpdateApiKeyRequest): Promise<ApiKeyResponse> {
    return this.apiKeys.update(id, body);
  }

  @ApiOperation({ summary: 'Delete an API key' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'API key id' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors({ 400: badRequest('The infrastructure API key is managed by JIM_INFRASTRUCTURE_API_KEY and cannot be deleted'), 404: notFound('API key not found: {id}') })
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', uuidPipe('API key')) id: string): Promise<void> {
    await this.apiKeys.remove(id);
  }
}

