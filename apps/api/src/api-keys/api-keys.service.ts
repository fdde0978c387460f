import { Inject, Injectable } from '@nestjs/common';
import { BadRequestError, DomainError, NotFoundError, type ValidationErrors } from '@jim/common';
import { ApiKeyRepository, type ApiKey, type Role } from '@jim/persistence';
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
  constructor(@Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository) {}

  async create(request: CreateApiKeyRequest): Promise<CreatedApiKeyResponse> {
    return createApiKey(this.keys, request);
  }

  async list(): Promise<ApiKeyResponse[]> {
    return (await this.keys.list()).map(ApiKeyResponse.from);
  }

  async get(id: string): Promise<ApiKeyResponse> {
    return ApiKeyResponse.from(await this.find(id));
  }

  async update(id: string, request: UpdateApiKeyRequest): Promise<ApiKeyResponse> {
    const key = await this.find(id);
    if (key.isInfrastructure) refuseInfrastructureChanges(key, request);
    if (request.name !== undefined) key.name = request.name;
    if (request.description !== undefined) key.description = request.description ?? null;
    if (request.roles !== undefined) key.roles = unique(request.roles);
    if (request.isEnabled !== undefined) key.isEnabled = request.isEnabled;
    if (request.expiresAt !== undefined) key.expiresAt = request.expiresAt;
    key.lastUpdated = new Date();
    return ApiKeyResponse.from(await this.keys.save(key));
  }

  async remove(id: string): Promise<void> {
    const key = await this.find(id);
    if (key.isInfrastructure) {
      throw new BadRequestError('The infrastructure API key is managed by JIM_INFRASTRUCTURE_API_KEY and cannot be deleted');
    }
    await this.keys.delete(id);
  }

  private async find(id: string): Promise<ApiKey> {
    const key = await this.keys.find(id);
    if (!key) throw new NotFoundError(`API key not found: ${id}`);
    return key;
  }
}

/** Creates a key; the plain key is in the result and nowhere else. Tests and the CLI pass their data source. */
export async function createApiKey(store: ApiKeyRepository | DataSource, input: NewApiKey): Promise<CreatedApiKeyResponse> {
  const keys = repositoryOf(store);
  const plain = generateApiKey();
  const now = new Date();
  const key = await keys.save({
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
export async function ensureInfrastructureKey(store: ApiKeyRepository | DataSource, plain: string): Promise<void> {
  const keys = repositoryOf(store);
  const hash = hashApiKey(plain);
  const existing = await keys.findInfrastructure(hash);
  const now = new Date();
  await keys.save({
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

/**
 * The infrastructure key must keep the service reachable: an expiry, other roles or disabling it would lock every
 * caller out until a restart. Sending its current values back (GET, edit the name, PUT) is not a change.
 */
function refuseInfrastructureChanges(key: ApiKey, request: UpdateApiKeyRequest): void {
  const reason = 'cannot be changed on the infrastructure API key (it is managed by JIM_INFRASTRUCTURE_API_KEY)';
  const problems: ValidationErrors = {};
  if (request.expiresAt !== undefined && request.expiresAt?.getTime() !== key.expiresAt?.getTime()) problems.expiresAt = [reason];
  if (request.roles !== undefined && !sameRoles(request.roles, key.roles)) problems.roles = [reason];
  if (request.isEnabled !== undefined && request.isEnabled !== key.isEnabled) problems.isEnabled = [reason];
  const fields = Object.keys(problems);
  if (fields.length === 0) return;
  throw new DomainError(
    'BAD_REQUEST',
    `The infrastructure API key is managed by JIM_INFRASTRUCTURE_API_KEY: its expiry, roles and enabled flag cannot be changed (${fields.join(', ')})`,
    null,
    problems,
  );
}

function sameRoles(a: Role[], b: Role[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((role) => left.has(role));
}

function unique(roles: Role[]): Role[] {
  return [...new Set(roles)];
}

function repositoryOf(store: ApiKeyRepository | DataSource): ApiKeyRepository {
  return store instanceof ApiKeyRepository ? store : new ApiKeyRepository(store);
}
