import { LAUNCHER_READY_LINE } from '@jim/common';
import { ConfigError, loadConfig } from '@jim/config';
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { forwardLines, logLineFormatter } from './console-output';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database';
import { loadOrCreateLocalSecrets } from './local-secrets';

const API_ENTRY = join(__dirname, '..', '..', 'api', 'src', 'main.js');
const WORKER_ENTRY = join(__dirname, '..', '..', 'worker', 'src', 'main.js');

/**
 * `npm start`: the whole product on one machine with no setup. Without DATABASE_URL it runs an embedded
 * PostgreSQL under ./data and BullMQ's PostgreSQL backend on it; with DATABASE_URL (and REDIS_URL) it uses those.
 * Either way it starts one API and one worker process and stops both together.
 */
async function main(): Promise<void> {
  const environment = process.env.NODE_ENV || 'development';
  const config = loadConfig({ ...process.env, NODE_ENV: environment });
  const secrets = loadOrCreateLocalSecrets(config.dataDir);
  let embedded: EmbeddedDatabase | null = null;
  if (!config.databaseUrl) embedded = await startEmbeddedDatabase(config.dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: environment,
    DATABASE_URL: config.databaseUrl ?? embedded!.url,
    QUEUE_BACKEND: config.queueBackend,
    JIM_ENCRYPTION_KEY: process.env.JIM_ENCRYPTION_KEY || secrets.encryptionKey,
    JIM_INFRASTRUCTURE_API_KEY: process.env.JIM_INFRASTRUCTURE_API_KEY || secrets.adminApiKey,
    // The embedded database runs every connection in one session: a statement prepared by one connection would
    // already exist for the next.
    ...(embedded ? { JIM_DB_PREPARED_STATEMENTS: 'false' } : {}),
  };
  const format = logLineFormatter(Boolean(process.stdout.isTTY));
  const api = start('api', API_ENTRY, env, format);
  await waitForPort(api, config.port);
  // The banner comes last, once the worker has started too, so that start-up lines do not push it off the screen.
  let workerReady!: () => void;
  const ready = new Promise<void>((resolve) => (workerReady = resolve));
  const worker = start('worker', WORKER_ENTRY, env, (line) => {
    if (line !== LAUNCHER_READY_LINE) return format(line);
    workerReady();
    return '';
  });
  await waitForReady(worker, ready).catch(async (error: unknown) => {
    await terminate(api);
    await embedded?.stop();
    throw error;
  });

  const url = `http://localhost:${config.port}`;
  const lines = [
    '',
    `JIM Schedules is running at ${url} (${embedded ? 'embedded database in ' + config.dataDir : 'database from DATABASE_URL'}, queue backend: ${config.queueBackend}).`,
  ];
  if (secrets.firstStart && !process.env.JIM_INFRASTRUCTURE_API_KEY) {
    lines.push(
      `Administrator API key (shown once; also in ${join(config.dataDir, 'admin-api-key')}):`,
      `  ${secrets.adminApiKey}`,
    );
  }
  lines.push(
    `API reference: ${url}/api/reference`,
    'Try:',
    `  curl -s ${url}/api/v1/schedules -H "X-API-Key: $(cat ${join(config.dataDir, 'admin-api-key')})"`,
    '  or the walkthrough in README.md.',
    'This mode is for evaluation and development; see README.md for the production setup.',
    '',
  );
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all([terminate(worker), terminate(api)]);
    await embedded?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const child of [api, worker]) {
    child.once('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`A process of the product stopped (exit code ${code}); stopping the others.\n`);
        void stop(code ?? 1);
      }
    });
  }
}

function start(name: string, entry: string, env: NodeJS.ProcessEnv, format: (line: string) => string): ChildProcess {
  // An IPC channel tells the worker it runs under the launcher (see LAUNCHER_READY_LINE); nothing is sent over it.
  const stdio: StdioOptions = ['ignore', 'pipe', 'pipe', ...(name === 'worker' ? ['ipc' as const] : [])];
  const child = spawn(process.execPath, [entry], { env, stdio });
  forwardLines(child.stdout!, process.stdout, format);
  child.stderr!.pipe(process.stderr);
  child.once('error', (error) => process.stderr.write(`Could not start the ${name}: ${error.message}\n`));
  return child;
}

/** Ready when it accepts connections: independent of the log level. */
async function waitForPort(child: ChildProcess, port: number): Promise<void> {
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (;;) {
    if (exited !== undefined) throw new Error(`The API exited with code ${exited} while starting`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Until the worker's ready line (written whatever the log level), or a clear error if it exits first. */
async function waitForReady(child: ChildProcess, ready: Promise<void>): Promise<void> {
  let onExit!: (code: number | null) => void;
  const exited = new Promise<never>((_, reject) => {
    onExit = (code) => reject(new Error(`The worker exited with code ${code} while starting`));
    child.once('exit', onExit);
  });
  await Promise.race([ready, exited]);
  child.off('exit', onExit);
  child.disconnect();
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
