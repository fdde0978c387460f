import type { DataSource } from 'typeorm';
import { prepared } from '../prepared';
import { ApiKey } from '../entities/api-key.entity';

/** What authentication needs of a key. */
export type ApiKeyCredentials = Pick<ApiKey, 'id' | 'name' | 'keyHash' | 'keyPrefix' | 'roles' | 'isEnabled' | 'isInfrastructure' | 'expiresAt' | 'lastUsedAt'>;

/** Every statement on `api_keys`. */
export class ApiKeyRepository {
  constructor(private readonly db: DataSource) {}

  /** Oldest first. */
  list(): Promise<ApiKey[]> {
    return this.db.getRepository(ApiKey).find({ order: { created: 'ASC', id: 'ASC' } });
  }

  find(id: string): Promise<ApiKey | null> {
    return this.db.getRepository(ApiKey).findOne({ where: { id } });
  }

  /** The infrastructure key, else the key with this hash. */
  async findInfrastructure(hash: string): Promise<ApiKey | null> {
    const repository = this.db.getRepository(ApiKey);
    return (await repository.findOne({ where: { isInfrastructure: true } })) ?? (await repository.findOne({ where: { keyHash: hash } }));
  }

  /** Inserts the key, or updates it when its id exists. */
  save(key: ApiKey): Promise<ApiKey> {
    return this.db.getRepository(ApiKey).save(key);
  }

  async delete(id: string): Promise<void> {
    await this.db.getRepository(ApiKey).delete({ id });
  }

  /** Every authenticated request runs this: a plain indexed lookup, without the ORM's query building. */
  async credentials(hash: string): Promise<ApiKeyCredentials | null> {
    const [record]: ApiKeyCredentials[] = await this.db.query(
      prepared(`SELECT id, name, key_hash AS "keyHash", key_prefix AS "keyPrefix", roles, is_enabled AS "isEnabled",
              is_infrastructure AS "isInfrastructure", expires_at AS "expiresAt", last_used_at AS "lastUsedAt"
       FROM api_keys WHERE key_hash = $1`),
      [hash],
    );
    return record ?? null;
  }

  async recordUse(id: string, at: Date, ip: string | null): Promise<void> {
    await this.db.getRepository(ApiKey).update({ id }, { lastUsedAt: at, lastUsedFromIp: ip });
  }
}
