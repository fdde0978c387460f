import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { onCleanup } from './cleanup';
import { ENCRYPTION_KEY, PG_ADMIN_URL } from './env';
import { entry } from './runtime';

export interface BenchDatabase {
  name: string;
  url: string;
  /** A connected client, ended at cleanup. */
  client: Client;
  drop(): Promise<void>;
}

function urlOf(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new database `jim_bench_<label>_<random>`, migrated with the product's migration command; dropped at cleanup. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `jim_bench_${label}_${randomBytes(3).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = urlOf(name);
  const dropOnce = onCleanup(`drop ${name}`, () => dropDatabase(name));
  await promisify(execFile)(process.execPath, [entry('migrate')], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: url, JIM_ENCRYPTION_KEY: ENCRYPTION_KEY, LOG_LEVEL: 'warn' },
  });
  const client = new Client({ connectionString: url, application_name: 'jim-bench' });
  await client.connect();
  const endClient = onCleanup(`close client of ${name}`, () => client.end());
  return {
    name,
    url,
    client,
    drop: async () => {
      await endClient();
      await dropOnce();
    },
  };
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin(async (c) => {
    await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
  });
}

export interface SeedOptions {
  count: number;
  /** Names are `<namePrefix><6-digit number>`; unique per seed. */
  namePrefix: string;
  /** SQL expression of the series value `g` giving the cron expression (6 fields for seconds). */
  cronSql: string;
  enabled?: boolean;
  triggerType?: 'Cron' | 'Manual';
  steps?: number;
  executablePath?: string;
}

const TEAMS = `ARRAY['HR', 'Finance', 'Directory', 'Payroll', 'Badges', 'Contractors', 'Students', 'Mailboxes']`;

/**
 * Inserts schedules (and their Executable steps) with two INSERT … SELECT generate_series statements: far faster than
 * the API, and the rows are what the API would write for a Custom trigger. Returns the schedule ids.
 */
export async function seedSchedules(client: Client, options: SeedOptions): Promise<number> {
  const enabled = options.enabled ?? true;
  const triggerType = options.triggerType ?? 'Cron';
  const steps = options.steps ?? 1;
  await client.query(
    `INSERT INTO schedules (id, name, description, trigger_type, pattern_type, cron_expression, time_zone, is_enabled,
                            created, created_by_type, created_by_name, version)
     SELECT gen_random_uuid(),
            $1 || lpad(g::text, 6, '0'),
            'Synchronise ' || (${TEAMS})[1 + g % 8] || ' accounts, batch ' || (g % 97),
            $2, $3, ${triggerType === 'Cron' ? options.cronSql : 'NULL'}, 'UTC', $4,
            now() - make_interval(secs => $5 - g), 'System', 'Benchmark seed', 1
     FROM generate_series(0, $5 - 1) AS g`,
    [options.namePrefix, triggerType, triggerType === 'Cron' ? 'Custom' : 'SpecificTimes', enabled, options.count],
  );
  if (steps > 0) {
    await client.query(
      `INSERT INTO schedule_steps (id, schedule_id, step_index, position, name, execution_mode, step_type, continue_on_failure,
                                   timeout_seconds, executable_path, created)
       SELECT gen_random_uuid(), s.id, i, 0, 'Step ' || (i + 1), 'Sequential', 'Executable', false, 60, $2, now()
       FROM schedules s CROSS JOIN generate_series(0, $3 - 1) AS i
       WHERE s.name LIKE $1 || '%'`,
      [options.namePrefix.replace(/[\\%_]/g, (c) => `\\${c}`), options.executablePath ?? '/bin/true', steps],
    );
  }
  await client.query('ANALYZE schedules');
  await client.query('ANALYZE schedule_steps');
  return options.count;
}
