import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig, type AppConfig } from '@jim/config';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiModule } from '../../apps/api/src/api.module';
import { createApiKey } from '../../apps/api/src/api-keys/api-keys.service';
import { configureApp } from '../../apps/api/src/configure-app';
import { ApiHttpAdapter } from '../../apps/api/src/http-server';
import { createTestDatabase } from './database';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ENCRYPTION_KEY = 'a1'.repeat(32);

export interface TestApp {
  app: INestApplication;
  http: Server;
  db: DataSource;
  config: AppConfig;
  databaseUrl: string;
  adminKey: string;
  /** supertest agent with the Administrator key already set */
  api(): TestClient;
  close(): Promise<void>;
}

export interface TestClient {
  get(path: string): request.Test;
  post(path: string): request.Test;
  put(path: string): request.Test;
  delete(path: string): request.Test;
  patch(path: string): request.Test;
}

export function uniquePrefix(): string {
  return `{jimtest-${randomBytes(4).toString('hex')}}`;
}

/** The integration suites run on either queue backend: TEST_QUEUE_BACKEND=postgres selects BullMQ's PostgreSQL backend. */
export const TEST_QUEUE_BACKEND = process.env.TEST_QUEUE_BACKEND === 'postgres' ? 'postgres' : 'redis';

export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    ...(TEST_QUEUE_BACKEND === 'redis' ? { REDIS_URL } : {}),
    QUEUE_BACKEND: TEST_QUEUE_BACKEND,
    JIM_QUEUE_PREFIX: uniquePrefix(),
    JIM_ENCRYPTION_KEY: ENCRYPTION_KEY,
    JIM_RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/** The real API module on a database of its own, with a fresh Administrator key. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { connectThrough?: (url: string) => string } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(env);
  const appDatabaseUrl = options.connectThrough ? options.connectThrough(database.url) : database.url;
  const moduleRef = await Test.createTestingModule({
    imports: [ApiModule.forRoot({ config, databaseUrl: appDatabaseUrl })],
  }).compile();
  const app = moduleRef.createNestApplication(new ApiHttpAdapter(), { bodyParser: false, logger: false });
  configureApp(app);
  await app.init();
  const db = app.get(DataSource);
  const admin = await createApiKey(db, { name: 'Test administrator', roles: ['Administrator'] });
  const http = app.getHttpServer() as Server;
  const withKey = (t: request.Test) => t.set('X-API-Key', admin.key);
  return {
    app,
    http,
    db,
    config,
    databaseUrl: database.url,
    adminKey: admin.key,
    api: () => ({
      get: (path) => withKey(request(http).get(path)),
      post: (path) => withKey(request(http).post(path)),
      put: (path) => withKey(request(http).put(path)),
      delete: (path) => withKey(request(http).delete(path)),
      patch: (path) => withKey(request(http).patch(path)),
    }),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** Every error response has exactly this shape. */
export function expectErrorBody(body: Record<string, unknown>, code: string): void {
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message', 'timestamp', 'validationErrors']);
  expect(body.code).toBe(code);
  expect(typeof body.message).toBe('string');
  expect((body.message as string).length).toBeGreaterThan(0);
  expect(body.details === null || typeof body.details === 'string').toBe(true);
  expect(body.validationErrors === null || typeof body.validationErrors === 'object').toBe(true);
  expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
}
