import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { Client } from 'pg';
import { stepSpec, testContext, type TestContext } from '../../test-fixtures/step-test-kit';
import { SqlScriptStepExecutor } from './sql-script-step.executor';
import type { StepResult } from '../step';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const MYSQL_ADMIN = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
// PostgreSQL (trust) accepts any password; on MariaDB the tests use a user of their own with this one.
const PASSWORD = 'Sq1-S3cr3t;pw';

function everythingSaid(result: StepResult, ctx: TestContext): string {
  return [result.stdoutTail, result.stderrTail, result.errorMessage, ...ctx.lines].join('\n');
}

describe('SqlScriptStepExecutor', () => {
  const database = `jim_steps_test_${randomBytes(4).toString('hex')}`;
  let dir: string;
  let executor: SqlScriptStepExecutor;

  function script(name: string, sql: string): string {
    const path = join(dir, name);
    writeFileSync(path, sql);
    return path;
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jim-steps-sql-'));
    executor = new SqlScriptStepExecutor();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('on PostgreSQL', () => {
    let admin: Client;
    let db: Client;
    const url = `postgres://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:5432/${database}`;

    beforeAll(async () => {
      admin = new Client({ ...PG, database: 'postgres' });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      db = new Client({ ...PG, database });
      await db.connect();
      await db.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
    });
    afterAll(async () => {
      await db?.end();
      await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin?.end();
    });

    async function names(): Promise<string[]> {
      return (await db.query<{ name: string }>('SELECT name FROM items ORDER BY id')).rows.map((row) => row.name);
    }

    it('runs the whole script and commits it', async () => {
      const ctx = testContext();
      const path = script('pg-commit.sql', "INSERT INTO items VALUES (1, 'one');\nINSERT INTO items VALUES (2, 'two'), (3, 'three');\nUPDATE items SET name = upper(name) WHERE id > 1;");
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: url, sqlScriptPath: path }), ctx);

      expect(result).toMatchObject({ outcome: 'Completed', exitCode: null, errorMessage: null, stderrTail: null });
      expect(await names()).toEqual(['one', 'TWO', 'THREE']);
      expect(ctx.lines).toEqual([
        `Running '${path}' against postgres://postgres:***@127.0.0.1:5432/${database}`,
        'INSERT 1',
        'INSERT 2',
        'UPDATE 2',
        'Committed',
      ]);
      expect(result.stdoutTail).toContain('UPDATE 2');
    });

    it('rolls everything back when a later statement fails', async () => {
      const ctx = testContext();
      const path = script('pg-rollback.sql', "INSERT INTO items VALUES (10, 'first');\nINSERT INTO no_such_table VALUES (1);");
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: url, sqlScriptPath: path }), ctx);

      expect(result.outcome).toBe('Failed');
      expect(result.errorMessage).toBe('relation "no_such_table" does not exist (SQLSTATE 42P01) at character 53');
      expect(result.stderrTail).toBe(result.errorMessage);
      expect((await db.query('SELECT 1 FROM items WHERE id = 10')).rowCount).toBe(0);
    });

    it('cancels the running query on the server when aborted', async () => {
      const ctx = testContext({ timeoutMs: 60_000 });
      const path = script('pg-sleep.sql', "INSERT INTO items VALUES (20, 'before sleep');\nSELECT pg_sleep(30);");
      const startedAt = Date.now();
      ctx.timeoutAfter(1000);
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: url, sqlScriptPath: path }), ctx);

      expect(Date.now() - startedAt).toBeLessThan(2000);
      expect(result).toMatchObject({ outcome: 'Failed', exitCode: null, errorMessage: 'Timed out after 1 s' });
      const running = await db.query("SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()");
      expect(running.rowCount).toBe(0);
      expect((await db.query('SELECT 1 FROM items WHERE id = 20')).rowCount).toBe(0);
    });

    it('has the server stop a statement that outlives the step timeout', async () => {
      const ctx = testContext({ timeoutMs: 700 });
      const path = script('pg-server-timeout.sql', 'SELECT pg_sleep(10);');
      const startedAt = Date.now();
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: url, sqlScriptPath: path }), ctx);

      expect(Date.now() - startedAt).toBeLessThan(2000);
      expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Timed out after 0.7 s (stopped by the database server)' });
    });

    it('sets no server timeout when the step has none', async () => {
      const ctx = testContext({ timeoutMs: 0 });
      const path = script('pg-no-timeout.sql', 'SELECT pg_sleep(0.2);');
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: url, sqlScriptPath: path }), ctx);
      expect(result.outcome).toBe('Completed');
    });

    it('accepts the key/value form and never shows the password', async () => {
      const ctx = testContext();
      const keyValue = `Host=127.0.0.1;Port=5432;Database=${database};User Id=postgres;Password="${PASSWORD}"`;
      const path = script(
        'pg-notice.sql',
        `DO $$ BEGIN RAISE NOTICE 'the password is ${PASSWORD}'; END $$;\nINSERT INTO items VALUES (30, '${PASSWORD}');\nSELECT * FROM nope_${PASSWORD.replace(/\W/g, '')};`,
      );
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: keyValue, sqlScriptPath: path }), ctx);

      expect(result.outcome).toBe('Failed');
      expect(ctx.lines).toContain('NOTICE: the password is ***');
      expect(ctx.lines[0]).toBe(`Running '${path}' against Host=127.0.0.1;Port=5432;Database=${database};User Id=postgres;Password=***`);
      expect(everythingSaid(result, ctx)).not.toContain(PASSWORD);
    });

    it('fails clearly when the server cannot be reached, without the password', async () => {
      const ctx = testContext();
      const path = script('pg-unreachable.sql', 'SELECT 1;');
      const unreachable = `postgres://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/${database}`;
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: unreachable, sqlScriptPath: path }), ctx);

      expect(result.outcome).toBe('Failed');
      expect(result.errorMessage).toMatch(new RegExp(`^Could not connect to PostgreSQL at 127\\.0\\.0\\.1:1/${database}: .*ECONNREFUSED`));
      expect(everythingSaid(result, ctx)).not.toContain(PASSWORD);
    });
  });

  describe('on MariaDB/MySQL', () => {
    let db: Connection;
    const user = database.replace('jim_steps_test_', 'jim_steps_');
    const url = `mysql://${user}:${encodeURIComponent(PASSWORD)}@127.0.0.1:3306/${database}`;

    beforeAll(async () => {
      db = await createConnection(MYSQL_ADMIN);
      await db.query(`CREATE DATABASE ${database}`);
      await db.query(`CREATE TABLE ${database}.items (id int PRIMARY KEY, name varchar(100) NOT NULL) ENGINE=InnoDB`);
      await db.query(`CREATE USER '${user}'@'%' IDENTIFIED BY ?`, [PASSWORD]);
      await db.query(`GRANT ALL PRIVILEGES ON ${database}.* TO '${user}'@'%'`);
    });
    afterAll(async () => {
      await db?.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await db?.query(`DROP DATABASE IF EXISTS ${database}`);
      await db?.end();
    });

    async function ids(): Promise<number[]> {
      const [rows] = (await db.query(`SELECT id FROM ${database}.items ORDER BY id`)) as unknown as [Array<{ id: number }>];
      return rows.map((row) => row.id);
    }

    it('runs the whole script and commits it', async () => {
      const ctx = testContext();
      const path = script('my-commit.sql', "INSERT INTO items VALUES (1, 'one');\nINSERT INTO items VALUES (2, 'two'), (3, 'three');\nSELECT * FROM items;");
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: url, sqlScriptPath: path }), ctx);

      expect(result).toMatchObject({ outcome: 'Completed', errorMessage: null });
      expect(await ids()).toEqual([1, 2, 3]);
      expect(ctx.lines).toEqual([
        `Running '${path}' against mysql://${user}:***@127.0.0.1:3306/${database}`,
        '1 row(s) affected',
        '2 row(s) affected',
        '3 row(s) returned',
        'Committed',
      ]);
    });

    it('accepts the key/value form with Provider=MySQL', async () => {
      const keyValue = `Provider=MySQL;Server=127.0.0.1;Port=3306;Database=${database};Uid=${user};Pwd='${PASSWORD}'`;
      const path = script('my-kv.sql', "INSERT INTO items VALUES (5, 'five');");
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: keyValue, sqlScriptPath: path }), testContext());
      expect(result.outcome).toBe('Completed');
      expect(await ids()).toContain(5);
    });

    it('rolls everything back when a later statement fails', async () => {
      const ctx = testContext();
      const path = script('my-rollback.sql', "INSERT INTO items VALUES (10, 'first');\nINSERT INTO no_such_table VALUES (1);");
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: url, sqlScriptPath: path }), ctx);

      expect(result.outcome).toBe('Failed');
      expect(result.errorMessage).toBe(`Table '${database}.no_such_table' doesn't exist (ER_NO_SUCH_TABLE)`);
      expect(await ids()).not.toContain(10);
      expect(everythingSaid(result, ctx)).not.toContain(PASSWORD);
    });

    it('kills the running query on the server when aborted', async () => {
      const ctx = testContext({ timeoutMs: 60_000 });
      const path = script('my-sleep.sql', "INSERT INTO items VALUES (20, 'before sleep');\nSELECT SLEEP(30);");
      const startedAt = Date.now();
      ctx.timeoutAfter(1000);
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: url, sqlScriptPath: path }), ctx);

      expect(Date.now() - startedAt).toBeLessThan(2000);
      expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Timed out after 1 s' });
      const [running] = (await db.query("SELECT id FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(30)%' AND ID <> CONNECTION_ID()")) as unknown as [unknown[]];
      expect(running).toHaveLength(0);
      expect(await ids()).not.toContain(20);
    });

    it('has the server stop a statement that outlives the step timeout', async () => {
      const ctx = testContext({ timeoutMs: 700 });
      const path = script('my-server-timeout.sql', 'SELECT SLEEP(10);');
      const startedAt = Date.now();
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: url, sqlScriptPath: path }), ctx);

      expect(Date.now() - startedAt).toBeLessThan(2000);
      expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Timed out after 0.7 s (stopped by the database server)' });
    });
  });

  describe('before connecting', () => {
    it('fails clearly when the script file is missing', async () => {
      const missing = join(dir, 'missing.sql');
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: 'postgres://u:pw@h/d', sqlScriptPath: missing }), testContext());
      expect(result).toMatchObject({ outcome: 'Failed', errorMessage: `SQL script '${missing}' was not found` });
    });

    it('fails clearly on an invalid connection string', async () => {
      const path = script('any.sql', 'SELECT 1;');
      const result = await executor.execute(stepSpec('SqlScript', { sqlConnectionString: 'Host=h;Password=hunter2', sqlScriptPath: path }), testContext());
      expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Invalid SQL connection string: Connection string has no database (Database=, or the path of the URL)' });
    });

    it('refuses a script outside the allowed roots', async () => {
      const path = script('outside.sql', 'SELECT 1;');
      const guarded = new SqlScriptStepExecutor({ allowedRoots: [join(dir, 'allowed')] });
      const result = await guarded.execute(stepSpec('SqlScript', { sqlConnectionString: 'postgres://u:pw@h/d', sqlScriptPath: path }), testContext());
      expect(result).toMatchObject({ outcome: 'Failed', errorMessage: `Path '${path}' is outside the allowed script roots` });
    });

    it('fails without a connection string or a script path', async () => {
      expect((await executor.execute(stepSpec('SqlScript', { sqlScriptPath: '/x.sql' }), testContext())).errorMessage).toBe(
        'The step has no SQL connection string',
      );
      expect((await executor.execute(stepSpec('SqlScript', { sqlConnectionString: 'postgres://u@h/d' }), testContext())).errorMessage).toBe(
        'The step has no SQL script path',
      );
    });
  });
});
