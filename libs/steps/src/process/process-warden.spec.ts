import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isProcessRunning, waitFor } from '../../test-fixtures/step-test-kit';
import { ProcessWarden } from './process-warden';
import { ProcessSpawner, requireTypeScript } from './spawner';

const alive = isProcessRunning;
const until = (condition: () => boolean) => waitFor(condition, 15_000, 50);

const started: number[] = [];

/** A detached process, leading its own group as step processes do. */
function group(script: string): number {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe('ProcessWarden', () => {
  it('stops the registered groups when its input ends, and leaves released ones alone', async () => {
    const warden = new ProcessWarden();
    const first = group('sleep 30 & wait');
    const second = group('sleep 30');
    const released = group('sleep 30');
    warden.watch(first, 1000);
    warden.watch(second, 1000);
    warden.watch(released, 1000);
    warden.release(released);
    const wardenPid = warden.pid!;
    expect(alive(wardenPid)).toBe(true);

    warden.close();

    expect(await until(() => !alive(first) && !alive(second))).toBe(true);
    expect(await until(() => !alive(wardenPid))).toBe(true);
    expect(alive(released)).toBe(true);
  });

  it('kills a group that ignores SIGTERM once its grace period is over', async () => {
    const warden = new ProcessWarden();
    // Ignored signals stay ignored across exec: the shell and its sleep both ignore SIGTERM.
    const stubborn = group("trap '' TERM; sleep 30 & wait");
    warden.watch(stubborn, 1000);
    warden.close();
    expect(await until(() => !alive(stubborn))).toBe(true);
  });

  it('is replaced when it dies, and its replacement knows every group still registered', async () => {
    const warden = new ProcessWarden();
    const before = group('sleep 30');
    warden.watch(before, 1000);
    const firstWarden = warden.pid!;
    process.kill(firstWarden, 'SIGKILL');
    expect(await until(() => warden.pid === undefined)).toBe(true);

    const after = group('sleep 30');
    warden.watch(after, 1000);
    expect(warden.pid).toBeDefined();
    expect(warden.pid).not.toBe(firstWarden);

    warden.close();
    expect(await until(() => !alive(before) && !alive(after))).toBe(true);
  });
});

describe('step processes of a process that dies', () => {
  /**
   * A separate Node process runs steps through its ProcessSpawner (the TypeScript sources are compiled as they load,
   * as the spawner does for its thread), prints each step's output, and is then killed.
   */
  function stepRunner(script: string, killGraceMs: number): ChildProcess {
    return spawn(
      process.execPath,
      [
        '-e',
        `const { ProcessSpawner } = ${requireTypeScript(join(__dirname, 'spawner.ts'))};
         const spec = { command: '/bin/sh', args: ['-c', ${JSON.stringify(script)}], env: { PATH: process.env.PATH }, killGraceMs: ${killGraceMs}, secrets: [] };
         new ProcessSpawner().run(spec, new AbortController().signal, (line) => console.log(line));
         setInterval(() => undefined, 1000);`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
  }

  async function pidsPrinted(runner: ChildProcess, count: number): Promise<number[]> {
    const pids: number[] = [];
    for await (const line of createInterface({ input: runner.stdout! })) {
      pids.push(Number(line));
      if (pids.length === count) break;
    }
    return pids;
  }

  it('are stopped, with what they started, when that process is killed with SIGKILL', async () => {
    const runner = stepRunner('echo $$; sleep 60 & echo $!; wait', 1000);
    const [step, child] = await pidsPrinted(runner, 2);
    expect(alive(step) && alive(child)).toBe(true);
    started.push(step);

    runner.kill('SIGKILL');

    expect(await until(() => !alive(step) && !alive(child))).toBe(true);
  }, 30_000);

  it('that ignore SIGTERM are killed after their grace period', async () => {
    const runner = stepRunner("trap '' TERM; echo $$; sleep 60 & echo $!; wait", 1000);
    const [step, child] = await pidsPrinted(runner, 2);
    started.push(step);

    runner.kill('SIGKILL');

    expect(await until(() => !alive(step) && !alive(child))).toBe(true);
  }, 30_000);

  it('are stopped when the spawner thread is stopped', async () => {
    const spawner = new ProcessSpawner();
    const lines: string[] = [];
    const running = spawner.run(
      { command: '/bin/sh', args: ['-c', 'echo $$; exec sleep 60'], env: { PATH: process.env.PATH }, killGraceMs: 1000, secrets: [] },
      new AbortController().signal,
      (line) => lines.push(line),
    );
    expect(await until(() => lines.length === 1)).toBe(true);
    const step = Number(lines[0]);
    started.push(step);

    await spawner.close();

    expect(await running).toEqual({ result: expect.objectContaining({ outcome: 'Failed', errorMessage: 'The process spawner was stopped' }) });
    expect(await until(() => !alive(step))).toBe(true);
  });
});
