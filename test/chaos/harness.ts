import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { databaseUrl, dropDatabase, withAdmin } from '../support/database';
import { TcpProxy } from '../support/tcp-proxy';

/** What every scenario gets from the runner. */
export interface ChaosOptions {
  /** Short counts for CI. */
  ci: boolean;
  /** Really FLUSHALL the Redis server instead of deleting this run's key prefix (dedicated Redis only). */
  realFlushall: boolean;
  /** Seed of the generated requests (bad-input scenario). */
  seed: number;
  /** Where process logs of this run go. */
  logDir: string;
  redisUrl: string;
}

export interface ScenarioResult {
  pass: boolean;
  /** One line: what was counted. */
  summary: string;
  /** Further lines, printed indented under the summary. */
  notes?: string[];
}

export interface Scenario {
  name: string;
  run(options: ChaosOptions): Promise<ScenarioResult>;
}

export const ROOT = findRoot(__dirname);
const ENTRIES = { api: 'apps/api/src/main.js', worker: 'apps/worker/src/main.js', migrate: 'libs/persistence/src/migrate.cli.js' };
/** Where the built processes are run from: `dist/`, or the run's private copy of it (see `snapshotBuild`). */
let buildDir = join(ROOT, 'dist');
const entry = (name: keyof typeof ENTRIES) => join(buildDir, ENTRIES[name]);

/**
 * Copies the build (`dist/apps`, `dist/libs`) to `dist/chaos/runtime/<id>` and runs the processes from there, so a
 * rebuild by someone else during a long run cannot pull the files out from under it. Waits for a complete build
 * (one whose path aliases are resolved) for up to a minute. Returns a function that removes the copy.
 */
export async function snapshotBuild(): Promise<() => void> {
  const source = join(ROOT, 'dist');
  if (!Object.values(ENTRIES).every((e) => existsSync(join(source, e)))) throw new Error(`${source} has no build: run "npm run build" first`);
  const target = join(source, 'chaos', 'runtime', `${process.pid}-${Date.now().toString(36)}`);
  for (let attempt = 1; ; attempt++) {
    rmSync(target, { recursive: true, force: true });
    try {
      for (const folder of ['apps', 'libs']) cpSync(join(source, folder), join(target, folder), { recursive: true });
      if (isCompleteBuild(target)) break;
    } catch {
      // a file vanished while a rebuild was running: try again
    }
    if (attempt >= 60) throw new Error(`${source} held an unfinished build (path aliases unresolved) for a minute`);
    await sleep(1000);
  }
  buildDir = target;
  return () => rmSync(target, { recursive: true, force: true });
}

/** Every entry point is there and no compiled file still requires an unresolved `@jim/…` alias. */
function isCompleteBuild(dir: string): boolean {
  if (!Object.values(ENTRIES).every((e) => existsSync(join(dir, e)))) return false;
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
  return files.every((f) => !/require\("@jim\//.test(readFileSync(join(dir, f), 'utf8')));
}

export const ENCRYPTION_KEY = 'c4'.repeat(32);
export const TICK_QUEUE = 'schedule-ticks';
export const STEP_QUEUE = 'schedule-steps';

/** The repository root: the nearest folder up from here with the project's package.json (works from dist/ too). */
function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'jim-schedules') return dir;
    if (dirname(dir) === dir) throw new Error(`No jim-schedules package.json above ${start}`);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitUntil<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs: number, intervalMs = 200): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) return undefined;
    await sleep(intervalMs);
  }
}

/**
 * Runs `start` again (up to three times) when it failed because the port it picked was taken in the meantime: a free
 * port is only free until something else binds it, and other test runs on the machine open connections all the time.
 */
export async function retryOnPortRace<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** "1 tick", "4 ticks". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

/**
 * A built entry point (`dist/`) running as a child process. Its output goes to a log file; only the lines up to the
 * ready line are held in memory, so a chatty process (an access log line per request) costs nothing here.
 */
export class AppProcess {
  private readonly exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly label: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exitPromise;
  }

  static async start(label: string, entry: string, env: Record<string, string>, ready: RegExp, logFile: string, timeoutMs = 60_000): Promise<AppProcess> {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
    mkdirSync(dirname(logFile), { recursive: true });
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new AppProcess(label, child, logFile);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    // 'close' comes after the last output of the process has been read.
    child.once('close', () => log.end());
    let head = '';
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      if (errors.length < 20_000) errors += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`${label} did not become ready in ${timeoutMs} ms (log: ${logFile})`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        head += chunk.toString();
        if (ready.test(head)) done();
      };
      const onExit = (code: number | null) =>
        fail(new Error(`${label} exited with ${code} before it was ready (log: ${logFile}):\n${(errors.trim() || head).slice(-3000)}`));
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        child.off('close', onExit);
      };
      const done = () => {
        cleanup();
        resolve();
      };
      const fail = (error: Error) => {
        cleanup();
        if (proc.running) child.kill('SIGKILL');
        reject(error);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('close', onExit);
    });
    return proc;
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.running && this.child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  async kill9(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exitPromise;
  }

  /** The log so far (read from the file). */
  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }
}

/** Direct children of a process (from /proc), e.g. the step processes a worker spawned. */
/** The children of every thread of the process (a worker's step processes are children of its spawner thread). */
export function childPids(pid: number): number[] {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return threads.flatMap((thread) => {
    try {
      const children = readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim();
      return children ? children.split(/\s+/).map(Number) : [];
    } catch {
      return [];
    }
  });
}

export function descendantPids(pid: number): number[] {
  const all: number[] = [];
  for (const child of childPids(pid)) all.push(child, ...descendantPids(child));
  return all;
}

/** A process that exists and is not a zombie (an orphan's zombie stays until init reaps it, which some inits never do). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  ms: number;
  /** Set when no response arrived (timeout, connection refused, reset). */
  error?: string;
}

export interface HttpRequest {
  method: string;
  /** Sent exactly as given (no normalisation of `..` or percent escapes). */
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON (with its Content-Type); a string or Buffer as it is, with only the headers given. */
  body?: unknown;
  timeoutMs?: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function httpRequest(port: number, request: HttpRequest): Promise<HttpResult> {
  const started = Date.now();
  let payload: Buffer | undefined;
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.body !== undefined) {
    payload = Buffer.isBuffer(request.body)
      ? request.body
      : Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body), 'utf8');
    const raw = typeof request.body === 'string' || Buffer.isBuffer(request.body);
    if (!raw && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Omit<HttpResult, 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, ms: Date.now() - started });
    };
    let req: http.ClientRequest;
    try {
      req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent });
    } catch (error) {
      settle({ status: -1, headers: {}, text: '', body: null, error: `client refused to send: ${(error as Error).message}` });
      return;
    }
    req.setTimeout(request.timeoutMs ?? 30_000, () => {
      settle({ status: 0, headers: {}, text: '', body: null, error: 'timeout' });
      req.destroy();
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = null;
        }
        settle({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
      res.on('error', (error) => settle({ status: res.statusCode ?? 0, headers: res.headers, text: '', body: null, error: error.message }));
    });
    req.on('error', (error) => settle({ status: 0, headers: {}, text: '', body: null, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    if (payload) req.write(payload);
    req.end();
  });
}

export const ERROR_BODY_KEYS = ['code', 'details', 'message', 'timestamp', 'validationErrors'];

/** Null when `body` is the API's error body; otherwise what is wrong with it. */
export function errorBodyProblem(result: HttpResult): string | null {
  const body = result.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return `not a JSON object: ${JSON.stringify(result.text.slice(0, 120))}`;
  const keys = Object.keys(body).sort();
  if (keys.join(',') !== ERROR_BODY_KEYS.join(',')) return `keys are ${keys.join(',')}`;
  if (typeof body.code !== 'string' || body.code.length === 0) return 'code is empty';
  if (typeof body.message !== 'string' || body.message.length === 0) return 'message is empty';
  if (!(body.details === null || typeof body.details === 'string')) return 'details is neither null nor a string';
  if (!(body.validationErrors === null || typeof body.validationErrors === 'object')) return 'validationErrors is neither null nor an object';
  if (typeof body.timestamp !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(body.timestamp)) return 'timestamp is not ISO-8601 UTC';
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Redis

export function redisConnection(url: string): { host: string; port: number; password?: string; db?: number; maxRetriesPerRequest: null } {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    maxRetriesPerRequest: null,
  };
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * The key prefix of one queue: each queue extends the hash tag of JIM_QUEUE_PREFIX with its name
 * (`{jimchaos-1a}` → `{jimchaos-1a:schedule-ticks}`), as the product's QueueKit does on Redis.
 */
export function queuePrefix(prefix: string, queue: string): string {
  const close = prefix.indexOf('}');
  return close > 0 ? `${prefix.slice(0, close)}:${queue}${prefix.slice(close)}` : prefix;
}

/** A SCAN pattern for every key of every queue under `prefix` (`{jimchaos-1a:*` and `{jimchaos-1a}:*`). */
function keysPattern(prefix: string): string {
  const close = prefix.indexOf('}');
  return close > 0 ? `${globEscape(prefix.slice(0, close))}[:}]*` : `${globEscape(prefix)}:*`;
}

/**
 * Deletes every key under `prefix` in one server-side script (SCAN + DEL, atomic like FLUSHALL): the shared Redis
 * keeps everyone else's keys. With `realFlushall` the whole server is flushed instead (dedicated Redis only).
 */
export async function wipeQueue(redis: Redis, prefix: string, realFlushall: boolean): Promise<{ deleted: number; how: string }> {
  if (realFlushall) {
    const before = await redis.dbsize();
    await redis.flushall();
    return { deleted: before, how: 'FLUSHALL' };
  }
  const script = `
    local cursor = '0'
    local deleted = 0
    repeat
      local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
      cursor = page[1]
      for _, key in ipairs(page[2]) do deleted = deleted + redis.call('DEL', key) end
    until cursor == '0'
    return deleted`;
  const deleted = Number(await redis.eval(script, 0, keysPattern(prefix)));
  return { deleted, how: `SCAN+DEL of ${keysPattern(prefix)}` };
}

export async function deletePrefixKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', keysPattern(prefix), 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

export interface SchedulerView {
  key: string;
  pattern?: string;
  tz?: string;
  next?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// The system under test: its own database and key prefix, migrate + API + workers as processes, reached through proxies

/**
 * A TcpProxy with its state: `cut()` closes the listener and every open connection, so connecting fails with
 * ECONNREFUSED and open connections see a reset, as when the server goes away; `restore()` listens on the same port.
 */
export class Link {
  private readonly proxy: TcpProxy;
  private up = false;

  constructor(host: string, port: number) {
    this.proxy = new TcpProxy(host, port);
  }

  get port(): number {
    return this.proxy.port;
  }

  get isUp(): boolean {
    return this.up;
  }

  async cut(): Promise<void> {
    if (!this.up) return;
    this.up = false;
    await this.proxy.stop();
  }

  /** Listens on the same port again; if something took the port meanwhile, retries for up to 30 s. */
  async restore(): Promise<void> {
    if (this.up) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.proxy.start(this.proxy.port);
        break;
      } catch (error) {
        if (attempt >= 60 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        await sleep(500);
      }
    }
    this.up = true;
  }
}

export interface StackSpec {
  scenario: string;
  api?: boolean;
  workers?: number;
  /** For every process. */
  env?: Record<string, string>;
  workerEnv?: Record<string, string>;
}

const activeStacks = new Set<Stack>();

/** Closes whatever is still running (Ctrl-C, a crash of the runner). */
export async function closeAllStacks(): Promise<void> {
  await Promise.all([...activeStacks].map((s) => s.close().catch(() => undefined)));
}

export class Stack {
  readonly dbName: string;
  readonly dbUrl: string;
  readonly prefix: string;
  readonly adminKey = `jim_ak_${randomBytes(32).toString('hex')}`;
  /** The API's and workers' only way to PostgreSQL and to Redis; cut them to make either unreachable. */
  readonly pgLink: Link;
  readonly redisLink: Link;
  readonly pool: Pool;
  readonly redis: Redis;
  readonly logDir: string;
  api?: AppProcess;
  apiPort = 0;
  workers: AppProcess[] = [];
  /** Step processes orphaned by killed workers; killed on close. */
  readonly orphans = new Set<number>();
  private tickQueue?: Queue;
  private closed = false;
  private workerCount = 0;

  private constructor(
    readonly options: ChaosOptions,
    readonly spec: StackSpec,
  ) {
    const id = randomBytes(4).toString('hex');
    this.dbName = `jim_chaos_${spec.scenario.replace(/[^a-z0-9]/g, '_')}_${id}`;
    this.dbUrl = databaseUrl(this.dbName);
    this.prefix = `{jimchaos-${id}}`;
    const redis = new URL(options.redisUrl);
    this.redisLink = new Link(redis.hostname, redis.port ? Number(redis.port) : 6379);
    const pgTarget = new URL(this.dbUrl);
    this.pgLink = new Link(pgTarget.hostname, pgTarget.port ? Number(pgTarget.port) : 5432);
    this.pool = new Pool({ connectionString: this.dbUrl, max: 4 });
    this.redis = new Redis(redisConnection(options.redisUrl));
    this.logDir = join(options.logDir, spec.scenario);
  }

  static async create(options: ChaosOptions, spec: StackSpec): Promise<Stack> {
    const stack = new Stack(options, spec);
    activeStacks.add(stack);
    try {
      await withAdmin((c) => c.query(`CREATE DATABASE ${stack.dbName}`));
      await stack.pgLink.restore();
      await stack.redisLink.restore();
      await promisify(execFile)(process.execPath, [entry('migrate')], { env: { PATH: process.env.PATH ?? '', ...stack.env(), DATABASE_URL: stack.dbUrl } });
      if (spec.api !== false) await stack.startApi();
      for (let i = 0; i < (spec.workers ?? 0); i++) await stack.startWorker();
      return stack;
    } catch (error) {
      await stack.close();
      throw error;
    }
  }

  /** The environment of the API and the workers: database and Redis through the proxies. */
  env(): Record<string, string> {
    // The proxies listen on 127.0.0.1 (never "localhost", which may resolve to ::1 first).
    const db = new URL(this.dbUrl);
    db.hostname = '127.0.0.1';
    db.port = String(this.pgLink.port);
    const redis = new URL(this.options.redisUrl);
    redis.hostname = '127.0.0.1';
    redis.port = String(this.redisLink.port);
    return {
      NODE_ENV: 'production',
      DATABASE_URL: db.toString(),
      QUEUE_BACKEND: 'redis',
      REDIS_URL: redis.toString(),
      JIM_QUEUE_PREFIX: this.prefix,
      JIM_ENCRYPTION_KEY: ENCRYPTION_KEY,
      JIM_INFRASTRUCTURE_API_KEY: this.adminKey,
      JIM_RATE_LIMIT_ENABLED: 'false',
      JIM_KILL_GRACE_SECONDS: '1',
      JIM_SHUTDOWN_GRACE_SECONDS: '3',
      LOG_LEVEL: 'info',
      ...(this.spec.env ?? {}),
    };
  }

  async startApi(): Promise<AppProcess> {
    this.api = await retryOnPortRace(async () => {
      this.apiPort = await freePort();
      return AppProcess.start('api', entry('api'), { ...this.env(), PORT: String(this.apiPort), HOST: '127.0.0.1' }, /Listening on/, join(this.logDir, 'api.log'));
    });
    return this.api;
  }

  async startWorker(extra: Record<string, string> = {}): Promise<AppProcess> {
    const n = ++this.workerCount;
    const worker = await AppProcess.start(
      `worker-${n}`,
      entry('worker'),
      { ...this.env(), ...(this.spec.workerEnv ?? {}), ...extra },
      /Worker started/,
      join(this.logDir, `worker-${n}.log`),
    );
    this.workers.push(worker);
    return worker;
  }

  /** An API call with the Administrator key (or the given headers instead). */
  call(method: string, path: string, body?: unknown, options: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpResult> {
    return httpRequest(this.apiPort, { method, path, body, headers: options.headers ?? { 'X-API-Key': this.adminKey }, timeoutMs: options.timeoutMs });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  /** Creates a schedule through the API; throws unless 201. */
  async createSchedule(body: Record<string, unknown>): Promise<string> {
    const res = await this.call('POST', '/api/v1/schedules', body);
    if (res.status !== 201) throw new Error(`Creating schedule ${String(body.name)} answered ${res.status}: ${res.text.slice(0, 300)}`);
    return res.body.id as string;
  }

  /** A read-only view of the tick queue's job schedulers (straight to Redis, not through the proxy). */
  async jobSchedulers(): Promise<SchedulerView[]> {
    this.tickQueue ??= new Queue(TICK_QUEUE, { connection: redisConnection(this.options.redisUrl), prefix: queuePrefix(this.prefix, TICK_QUEUE), skipMetasUpdate: true });
    const all = await this.tickQueue.getJobSchedulers(0, -1, true);
    return all.map((s) => ({ key: s.key, pattern: s.pattern ?? undefined, tz: s.tz ?? undefined, next: s.next }));
  }

  /** Delayed tick jobs per job scheduler: more than one would mean a scheduler fires twice. */
  async pendingTicksPerScheduler(): Promise<Map<string, number>> {
    this.tickQueue ??= new Queue(TICK_QUEUE, { connection: redisConnection(this.options.redisUrl), prefix: queuePrefix(this.prefix, TICK_QUEUE), skipMetasUpdate: true });
    const jobs = await this.tickQueue.getJobs(['delayed', 'waiting', 'prioritized'], 0, -1);
    const counts = new Map<string, number>();
    for (const job of jobs) {
      const key = job?.repeatJobKey ?? '';
      if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  /** Tick jobs in the failed set (BullMQ gave up on them): their nominal time, attempts and last error. */
  async failedTicks(): Promise<{ nominal: number; attempts: number; reason: string }[]> {
    this.tickQueue ??= new Queue(TICK_QUEUE, { connection: redisConnection(this.options.redisUrl), prefix: queuePrefix(this.prefix, TICK_QUEUE), skipMetasUpdate: true });
    const jobs = await this.tickQueue.getFailed(0, -1);
    return jobs
      .filter((job) => job && /:(\d{10,})$/.test(job.id ?? ''))
      .map((job) => ({ nominal: Number(/:(\d{10,})$/.exec(job.id!)![1]), attempts: job.attemptsMade, reason: job.failedReason ?? '' }));
  }

  /** Kills a worker with SIGKILL, remembering the step processes it leaves behind. */
  async kill9(worker: AppProcess): Promise<number[]> {
    const orphans = descendantPids(worker.pid);
    for (const pid of orphans) this.orphans.add(pid);
    await worker.kill9();
    this.workers = this.workers.filter((w) => w !== worker);
    return orphans;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The proxies may have been cut by the scenario: restore them so the processes can shut down cleanly.
    for (const link of [this.pgLink, this.redisLink]) await link.restore().catch(() => undefined);
    await Promise.all([...this.workers, ...(this.api ? [this.api] : [])].map((p) => p.stop(10_000).catch(() => undefined)));
    for (const pid of this.orphans) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.tickQueue?.close().catch(() => undefined);
    await this.pgLink.cut().catch(() => undefined);
    await this.redisLink.cut().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    await deletePrefixKeys(this.redis, this.prefix).catch(() => undefined);
    this.redis.disconnect();
    await dropDatabase(this.dbName).catch(() => undefined);
    activeStacks.delete(this);
  }
}

/** Rows of the execution tables that are not finished. */
export async function unfinished(stack: Stack): Promise<{ executions: number; steps: number }> {
  const [row] = await stack.query<{ executions: number; steps: number }>(
    `SELECT (SELECT count(*)::int FROM schedule_executions WHERE status IN ('Queued', 'InProgress')) AS executions,
            (SELECT count(*)::int FROM schedule_execution_steps WHERE status IN ('Pending', 'Queued', 'Processing')) AS steps`,
  );
  return row;
}
