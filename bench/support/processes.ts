import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { onCleanup } from './cleanup';
import { sleep } from './env';
import { entry } from './runtime';

export interface Service {
  name: string;
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  /** The last 64 kB the process printed. */
  output(): string;
  /** Resident set size in kB, from /proc/<pid>/status (VmRSS). */
  rssKb(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

export function rssKbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/**
 * Starts a built entry point and waits until `readyPath` on its HTTP port answers 200. Readiness is probed rather
 * than read from the log, so the processes can log at warn (their info lines would cost time under load).
 */
async function startService(name: string, entry: string, env: Record<string, string>, portVariable: string, readyPath: string, timeoutMs = 60_000): Promise<Service> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  const port = await freePort();
  // BENCH_SERVICE_NODE_ARGS reaches the services only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them.
  const nodeArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // BENCH_STEPS_WORKER_NICE: a `steps`-only worker runs at this lower CPU priority (nice), with the processes it starts.
  const nice = env.JIM_WORKER_ROLES === 'steps' ? process.env.BENCH_STEPS_WORKER_NICE : undefined;
  const [command, args] = nice ? ['nice', ['-n', nice, process.execPath, ...nodeArgs, entry]] : [process.execPath, [...nodeArgs, entry]];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, [portVariable]: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (stopped) return exited;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const unregister = onCleanup(`stop ${name}`, stop);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it was ready:\n${output}`);
    try {
      const res = await fetch(`${url}${readyPath}`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await unregister();
      throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(100);
  }
  return {
    name,
    child,
    pid: child.pid!,
    port,
    url,
    output: () => output,
    rssKb: () => rssKbOf(child.pid!),
    stop: unregister,
  };
}

export function startApi(env: Record<string, string>): Promise<Service> {
  return startService('api', entry('api'), env, 'PORT', '/health/live');
}

export async function startWorkers(count: number, env: Record<string, string>): Promise<Service[]> {
  const workers: Service[] = [];
  for (let i = 0; i < count; i++) workers.push(await startService(`worker-${i + 1}`, entry('worker'), env, 'WORKER_HEALTH_PORT', '/health/ready'));
  return workers;
}

export async function stopAll(services: Service[]): Promise<void> {
  await Promise.all(services.map((s) => s.stop()));
}

/** Polls until the probe returns something truthy. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
    await sleep(intervalMs);
  }
}
