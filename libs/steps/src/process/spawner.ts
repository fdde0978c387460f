import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { abortMessage, failedResult } from '../step-result';
import type { ProcessOutcome, ProcessSpec } from './process-runner';

/** Messages to the spawner thread. */
export type SpawnerRequest = { type: 'run'; id: number; spec: ProcessSpec } | { type: 'abort'; id: number; message: string };
/** Messages from the spawner thread. */
export type SpawnerEvent = { type: 'log'; id: number; line: string } | { type: 'done'; id: number; outcome: ProcessOutcome };

interface PendingRun {
  log(line: string): void;
  resolve(outcome: ProcessOutcome): void;
}

/**
 * Starts step processes on one worker thread of this process. Spawning a process blocks the event loop that calls
 * `spawn` for milliseconds (fork of a large heap), and stopping one walks `/proc` synchronously; on this thread
 * neither delays ticks, queue traffic or database work of the engine. The thread starts with the first process and
 * keeps this process alive only while a process runs; if it dies, the runs it held fail and the next run starts
 * another.
 */
export class ProcessSpawner {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRun>();

  run(spec: ProcessSpec, signal: AbortSignal, log: (line: string) => void): Promise<ProcessOutcome> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<ProcessOutcome>((resolve) => {
      const onAbort = () => worker.postMessage({ type: 'abort', id, message: abortMessage(signal) } satisfies SpawnerRequest);
      this.pending.set(id, {
        log,
        resolve: (outcome) => {
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ type: 'run', id, spec } satisfies SpawnerRequest);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    });
  }

  /**
   * Stops the thread; runs still pending fail. The processes they had started are stopped by the thread's warden
   * (SIGTERM to each group, SIGKILL after its grace period), as when the whole process dies.
   */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.failAll('The process spawner was stopped');
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startThread();
    worker.unref();
    worker.on('message', (event: SpawnerEvent) => this.receive(event));
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failAll(why);
    };
    worker.on('error', (error) => lost(`The process spawner failed: ${error.message}`));
    worker.on('exit', (code) => lost(`The process spawner stopped (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private receive(event: SpawnerEvent): void {
    const run = this.pending.get(event.id);
    if (!run) return;
    if (event.type === 'log') {
      run.log(event.line);
      return;
    }
    this.settle(event.id, event.outcome);
  }

  private settle(id: number, outcome: ProcessOutcome): void {
    const run = this.pending.get(id);
    if (!run) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    run.resolve(outcome);
  }

  private failAll(message: string): void {
    for (const id of [...this.pending.keys()]) {
      this.settle(id, { result: failedResult(message) });
    }
  }
}

/**
 * The built thread script; when running from TypeScript sources (tests), the sources are compiled as they load
 * with the TypeScript compiler the repository builds with.
 */
function startThread(): Worker {
  const built = join(__dirname, 'spawner-thread.js');
  if (existsSync(built)) return new Worker(built);
  return new Worker(requireTypeScript(join(__dirname, 'spawner-thread.ts')), { eval: true });
}

/**
 * JavaScript source of an expression that loads a TypeScript module (and the modules it requires), compiling each as
 * it loads, and evaluates to its exports: for a thread or a process started from the sources.
 */
export function requireTypeScript(file: string): string {
  return `(() => {
    const ts = require('typescript');
    const { readFileSync } = require('node:fs');
    require.extensions['.ts'] = (module, filename) => module._compile(
      ts.transpileModule(readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText,
      filename,
    );
    return require(${JSON.stringify(file)});
  })()`;
}

let shared: ProcessSpawner | null = null;

/** The spawner of this process, shared by every process step executor. */
export function processSpawner(): ProcessSpawner {
  shared ??= new ProcessSpawner();
  return shared;
}
