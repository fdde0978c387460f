import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@jim/config';
import { createDataSource, migrate, ROLES, type Role } from '@jim/persistence';
import { createApiKey } from './api-keys.service';

function role(value: string, previous: Role[] = []): Role[] {
  const match = ROLES.find((r) => r.toLowerCase() === value.toLowerCase());
  if (!match) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return [...previous, match];
}

async function main(): Promise<void> {
  const program = new Command('apikey:create')
    .description('Create an API key and print it (it is shown only this once)')
    .requiredOption('--name <name>', 'a name for the key')
    .option('--role <role>', 'a role of the key (repeatable)', role)
    .option('--description <text>', 'what the key is for')
    .option('--expires-at <iso>', 'expiry date and time (ISO-8601)')
    .parse();
  const options = program.opts<{ name: string; role?: Role[]; description?: string; expiresAt?: string }>();
  const expiresAt = options.expiresAt ? new Date(options.expiresAt) : null;
  if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new Error('--expires-at must be an ISO-8601 date and time');

  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const db = createDataSource({ url: config.databaseUrl, poolSize: 2, applicationName: 'jim-apikey' });
  await db.initialize();
  try {
    await migrate(db);
    const key = await createApiKey(db, {
      name: options.name,
      roles: options.role ?? ['Administrator'],
      description: options.description ?? null,
      expiresAt,
    });
    process.stdout.write(`${key.key}\n`);
    process.stderr.write(`Created API key '${key.name}' (${key.roles.join(', ')}), id ${key.id}. Store it now: it is not shown again.\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
