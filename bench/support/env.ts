import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root, whether running from bench/ (ts) or dist/bench/ (js). */
export const ROOT = resolve(__dirname, __dirname.includes(`${join('dist', 'bench')}`) ? '../../..' : '../..');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ENCRYPTION_KEY = randomBytes(32).toString('hex');
export const ADMIN_KEY = `jim_ak_${randomBytes(32).toString('hex')}`;

export type Backend = 'redis' | 'postgres';

export function uniquePrefix(): string {
  return `{jimbench-${randomBytes(4).toString('hex')}}`;
}

/** The environment every API and worker process of a benchmark gets. */
export function serviceEnv(options: { databaseUrl: string; prefix: string; backend: Backend; extra?: Record<string, string> }): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    QUEUE_BACKEND: options.backend,
    ...(options.backend === 'redis' ? { REDIS_URL } : {}),
    JIM_QUEUE_PREFIX: options.prefix,
    JIM_ENCRYPTION_KEY: ENCRYPTION_KEY,
    JIM_INFRASTRUCTURE_API_KEY: ADMIN_KEY,
    JIM_RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    ...options.extra,
  };
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wall-clock milliseconds with sub-millisecond resolution (Date.now() is whole milliseconds). */
export const nowMs = (): number => performance.timeOrigin + performance.now();
