import 'reflect-metadata';
import { createDataSource, prepared, uniqueViolation, usePreparedStatements } from '@jim/persistence';
import { QueryFailedError, type DataSource } from 'typeorm';
import { createTestDatabase } from '../support/database';

/** Medium level: `prepared` statements through TypeORM, on a real PostgreSQL database. */
describe('prepared statements on PostgreSQL', () => {
  let db: DataSource;
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    url = database.url;
    db = createDataSource({ url, poolSize: 1 });
    await db.initialize();
    await db.query(`CREATE TABLE prepared_probe (id int PRIMARY KEY, label text NOT NULL)`);
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  const insert = prepared(`INSERT INTO prepared_probe (id, label) VALUES ($1, $2) RETURNING id, label`);

  it('is prepared once on its connection, named after its text, and answers like any query', async () => {
    expect(await db.query(insert, [1, 'one'])).toEqual([{ id: 1, label: 'one' }]);
    expect(await db.query(insert, [2, 'two'])).toEqual([{ id: 2, label: 'two' }]);
    // One pooled connection: the statement it prepared is still there, once, under its name.
    const statements: { name: string; statement: string }[] = await db.query(`SELECT name, statement FROM pg_prepared_statements`);
    const mine = statements.filter((s) => s.statement.includes('INSERT INTO prepared_probe'));
    expect(mine).toHaveLength(1);
    expect(mine[0].name).toMatch(/^jim_[0-9a-f]{20}$/);
  });

  it('gives the same config for the same text, and different names for different texts', () => {
    const again = prepared(`INSERT INTO prepared_probe (id, label) VALUES ($1, $2) RETURNING id, label`);
    const other = prepared(`SELECT label FROM prepared_probe WHERE id = $1`);
    expect(again).toBe(insert);
    expect((other as unknown as { name: string }).name).not.toBe((insert as unknown as { name: string }).name);
    expect(String(other)).toBe(`SELECT label FROM prepared_probe WHERE id = $1`);
  });

  it('fails as a TypeORM query error carrying PostgreSQL\'s code and constraint, and the connection stays usable', async () => {
    const failure = await db.query(insert, [1, 'again']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(uniqueViolation(failure)).toBe('prepared_probe_pkey');
    expect(await db.query(insert, [3, 'three'])).toEqual([{ id: 3, label: 'three' }]);
  });

  it('works inside a transaction, which a failure rolls back whole', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(insert, [4, 'four']);
        await tx.query(insert, [4, 'four again']);
      }),
    ).rejects.toBeInstanceOf(QueryFailedError);
    expect(await db.query(`SELECT id FROM prepared_probe WHERE id = 4`)).toEqual([]);
    await db.transaction(async (tx) => {
      await tx.query(insert, [5, 'five']);
    });
    expect(await db.query(prepared(`SELECT label FROM prepared_probe WHERE id = $1`), [5])).toEqual([{ label: 'five' }]);
  });

  it('runs as a plain statement when prepared statements are off (JIM_DB_PREPARED_STATEMENTS=false), on any connection', async () => {
    const other = createDataSource({ url, poolSize: 1, preparedStatements: false });
    await other.initialize();
    try {
      const select = prepared(`SELECT label FROM prepared_probe WHERE id = $1 AND label <> 'never'`);
      expect(await other.query(select, [5])).toEqual([{ label: 'five' }]);
      const statements: { statement: string }[] = await other.query(`SELECT statement FROM pg_prepared_statements`);
      expect(statements.filter((s) => s.statement.includes('prepared_probe'))).toEqual([]);
    } finally {
      await other.destroy();
      usePreparedStatements(true);
    }
  });
});
