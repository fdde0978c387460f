import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BadRequestError, NotFoundError } from '@jim/common';
import { ApiKey, type Role } from '@jim/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { generateApiKey, hashApiKey, keyPrefix } from '../auth/api-key-format';
import { ApiKeyResponse, CreatedApiKeyResponse, type CreateApiKeyRequest, type UpdateApiKeyRequest } from './dto/api-key.dto';

export const INFRASTRUCTURE_KEY_NAME = 'Infrastructure API key';

export interface NewApiKey {
  name: string;
  description?: string | null;
  roles: Role[];
  isEnabled?: boolean | null;
  expiresAt?: Date | null;
}

@Injectable()
export class ApiKeysService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(request: CreateApiKeyRequest): Promise<CreatedApiKeyResponse> {
    return createApiKey(this.db, { ...request, expiresAt: request.expiresAt ? new Date(request.expiresAt) : null });
  }

  async list(): Promise<ApiKeyResponse[]> {
    const keys = await this.db.getRepository(ApiKey).find({ order: { created: 'ASC', id: 'ASC' } });
    return keys.map(ApiKeyResponse.from);
  }

  async get(id: string): Promise<ApiKeyResponse> {
    return ApiKeyResponse.from(await this.find(id));
  }

  async update(id: string, request: UpdateApiKeyRequest): Promise<ApiKeyResponse> {
    const key = await this.find(id);
    if (key.isInfrastructure && (request.isEnabled === false || (request.roles && !request.roles.includes('Administrator')))) {
      throw new BadRequestError('The infrastructure API key is managed by JIM_INFRASTRUCTURE_API_KEY and cannot be disabled or demoted');
    }
    if (request.name !== undefined) key.name = request.name;
    if (request.description !== undefined) key.description = request.description ?? null;
    if (request.roles !== undefined) key.roles = unique(request.roles);
    if (request.isEnabled !== undefined) key.isEnabled = request.isEnabled;
    if (request.expiresAt !== undefined) key.expiresAt = request.expiresAt ? new Date(request.expiresAt) : null;
    key.lastUpdated = new Date();
    return ApiKeyResponse.from(await this.db.getRepository(ApiKey).save(key));
  }

  async remove(id: string): Promise<void> {
    const key = await this.find(id);
    if (key.isInfrastructure) {
      throw new BadRequestError('The infrastructure API key is managed by JIM_INFRASTRUCTURE_API_KEY and cannot be deleted');
    }
    await this.db.getRepository(ApiKey).delete({ id });
  }

  private async find(id: string): Promise<ApiKey> {
    const key = await this.db.getRepository(ApiKey).findOne({ where: { id } });
    if (!key) throw new NotFoundError(`API key not found: ${id}`);
    return key;
  }
}

export async function createApiKey(db: DataSource, input: NewApiKey): Promise<CreatedApiKeyResponse> {
  const plain = generateApiKey();
  const now = new Date();
  const key = await db.getRepository(ApiKey).save({
    id: randomUUID(),
    name: input.name,
    description: input.description ?? null,
    keyHash: hashApiKey(plain),
    keyPrefix: keyPrefix(plain),
    roles: unique(input.roles),
    isEnabled: input.isEnabled ?? true,
    isInfrastructure: false,
    expiresAt: input.expiresAt ?? null,
    lastUsedAt: null,
    lastUsedFromIp: null,
    created: now,
    lastUpdated: null,
  });
  return { ...ApiKeyResponse.from(key), key: plain };
}

/** Makes the configured infrastructure key an enabled Administrator key, rotating the stored hash if it changed. */
export async function ensureInfrastructureKey(db: DataSource, plain: string): Promise<void> {
  const repository = db.getRepository(ApiKey);
  const hash = hashApiKey(plain);
  const existing =
    (await repository.findOne({ where: { isInfrastructure: true } })) ?? (await repository.findOne({ where: { keyHash: hash } }));
  const now = new Date();
  await repository.save({
    id: existing?.id ?? randomUUID(),
    name: existing?.name ?? INFRASTRUCTURE_KEY_NAME,
    description: existing?.description ?? 'Created from JIM_INFRASTRUCTURE_API_KEY at startup',
    keyHash: hash,
    keyPrefix: keyPrefix(plain),
    roles: ['Administrator'],
    isEnabled: true,
    isInfrastructure: true,
    expiresAt: null,
    lastUsedAt: existing?.lastUsedAt ?? null,
    lastUsedFromIp: existing?.lastUsedFromIp ?? null,
    created: existing?.created ?? now,
    lastUpdated: existing ? now : null,
  });
}

function unique(roles: Role[]): Role[] {
  return [...new Set(roles)];
}
