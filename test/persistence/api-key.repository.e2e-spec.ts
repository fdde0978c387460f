import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ApiKeyRepository, createDataSource, type ApiKey } from '@jim/persistence';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../support/database';

/** Medium level: ApiKeyRepository against a real, migrated PostgreSQL database. */
describe('ApiKeyRepository on PostgreSQL', () => {
  let db: DataSource;
  let drop: () => Promise<void>;
  let keys: ApiKeyRepository;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createDataSource({ url: database.url, poolSize: 2 });
    await db.initialize();
    keys = new ApiKeyRepository(db);
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  const key = (name: string, changes: Partial<ApiKey> = {}): ApiKey => ({
    id: randomUUID(),
    name,
    description: null,
    keyHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    keyPrefix: 'jim_test',
    roles: ['Administrator'],
    isEnabled: true,
    isInfrastructure: false,
    expiresAt: null,
    lastUsedAt: null,
    lastUsedFromIp: null,
    created: new Date('2030-01-01T00:00:00Z'),
    lastUpdated: null,
    ...changes,
  });

  it('saves, lists oldest first, finds, records a use and deletes', async () => {
    const older = await keys.save(key('older', { created: new Date('2029-01-01T00:00:00Z') }));
    const newer = await keys.save(key('newer'));
    expect((await keys.list()).map((k) => k.name)).toEqual(['older', 'newer']);
    await keys.recordUse(newer.id, new Date('2030-01-02T00:00:00Z'), '10.0.0.1');
    expect(await keys.find(newer.id)).toMatchObject({ lastUsedAt: new Date('2030-01-02T00:00:00Z'), lastUsedFromIp: '10.0.0.1' });
    await keys.delete(older.id);
    expect(await keys.find(older.id)).toBeNull();
  });

  it('credentials finds a key by its hash with what authentication needs, and nothing for an unknown hash', async () => {
    const saved = await keys.save(key('by hash', { roles: ['User'], expiresAt: new Date('2031-01-01T00:00:00Z') }));
    expect(await keys.credentials(saved.keyHash)).toEqual({
      id: saved.id,
      name: 'by hash',
      keyHash: saved.keyHash,
      keyPrefix: 'jim_test',
      roles: ['User'],
      isEnabled: true,
      isInfrastructure: false,
      expiresAt: new Date('2031-01-01T00:00:00Z'),
      lastUsedAt: null,
    });
    expect(await keys.credentials('f'.repeat(64))).toBeNull();
  });

  it('findInfrastructure prefers the infrastructure key over a key with the hash', async () => {
    const plain = await keys.save(key('has the hash'));
    expect((await keys.findInfrastructure(plain.keyHash))?.id).toBe(plain.id);
    const infrastructure = await keys.save(key('infrastructure', { isInfrastructure: true }));
    expect((await keys.findInfrastructure(plain.keyHash))?.id).toBe(infrastructure.id);
  });
});
