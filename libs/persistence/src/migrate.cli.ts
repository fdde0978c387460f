import 'reflect-metadata';
import { loadConfig } from '@jim/config';
import { createDataSource } from './data-source';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required to run migrations from the command line');
  const dataSource = createDataSource({ url: config.databaseUrl, poolSize: 2, applicationName: 'jim-migrate', preparedStatements: config.preparedStatements });
  await dataSource.initialize();
  try {
    const applied = await migrate(dataSource);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
