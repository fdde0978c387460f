import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { RequireRole } from '../auth/auth.decorators';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyResponse, CreateApiKeyRequest, CreatedApiKeyResponse, UpdateApiKeyRequest } from './dto/api-key.dto';
import { uuidPipe } from '../common/uuid.pipe';

@Controller('api/v1/apikeys')
@RequireRole('Administrator')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  create(@Body() body: CreateApiKeyRequest): Promise<CreatedApiKeyResponse> {
    return this.apiKeys.create(body);
  }

  @Get()
  list(): Promise<ApiKeyResponse[]> {
    return this.apiKeys.list();
  }

  @Get(':id')
  get(@Param('id', uuidPipe('API key')) id: string): Promise<ApiKeyResponse> {
    return this.apiKeys.get(id);
  }

  @Put(':id')
  update(@Param('id', uuidPipe('API key')) id: string, @Body() body: UpdateApiKeyRequest): Promise<ApiKeyResponse> {
    return this.apiKeys.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', uuidPipe('API key')) id: string): Promise<void> {
    await this.apiKeys.remove(id);
  }
}

