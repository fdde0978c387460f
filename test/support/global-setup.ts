import 'reflect-metadata';
// The global setup runs without the path aliases: it loads only the two modules it needs, which use none.
import { createDataSource } from '../../libs/persistence/src/data-source';
import { migrate } from '../../libs/persistence/src/migrate';
import { RUN_PREFIX_ENV, TEMPLATE_DB_ENV, databaseUrl, withAdmin } from './database';

/** Creates this run's template database once, migrated, so each test file can clone it in milliseconds. */
export default async function globalSetup(): Promise<void> {
  const prefix = `jim_test_${process.pid}_${Date.now().toString(36)}`;
  const template = `${prefix}_template`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${template}`));
  const dataSource = createDataSource({ url: databaseUrl(template), poolSize: 2 });
  await dataSource.initialize();
  await migrate(dataSource);
  await dataSource.destroy();
  process.env[RUN_PREFIX_ENV] = prefix;
  process.env[TEMPLATE_DB_ENV] = template;
}
