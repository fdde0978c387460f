import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@jim/config';
import { ROLES, type Role } from '@jim/contracts';
import { createDataSource, migrate } from '@jim/persistence';
import { parseDateTime } from '../common/date-time';
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
    .option('--expires-at <date-time>', 'expiry date and time (RFC 3339 with an offset, e.g. 2027-01-01T00:00:00Z)')
    .parse();
  const options = program.opts<{ name: string; role?: Role[]; description?: string; expiresAt?: string }>();
  const expiresAt = options.expiresAt ? parseDateTime(options.expiresAt) : null;
  if (typeof expiresAt === 'string') throw new Error(`--expires-at ${expiresAt}`);

  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const db = createDataSource({ url: config.databaseUrl, poolSize: 2, applicationName: 'jim-apikey', preparedStatements: config.preparedStatements });
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
