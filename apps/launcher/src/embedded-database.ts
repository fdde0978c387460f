import { PGlite, type Extension } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { batchMessagesUntilSync } from './batched-socket-protocol';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL for evaluation: PGlite (PostgreSQL compiled to WebAssembly) with its data under the data folder,
 * served over the PostgreSQL wire protocol so TypeORM and BullMQ connect to it like to any server.
 * PGlite runs one session for all connections, one query at a time (a transaction keeps the session until it ends).
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  batchMessagesUntilSync();
  const dir = join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // pg_trgm backs the schedule search index, as on a full PostgreSQL server. (A package subpath export,
  // which this project's CommonJS module resolution cannot type: hence require.)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };
  const db = await PGlite.create(dir, { extensions: { pg_trgm } });
  // BullMQ's backend sets search_path in a startup option that the socket server ignores: set it on the session.
  await db.exec('CREATE SCHEMA IF NOT EXISTS bullmq');
  await db.exec('SET search_path TO bullmq, public');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 200 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
