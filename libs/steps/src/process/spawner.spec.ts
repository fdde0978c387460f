import { ProcessSpawner } from './spawner';
import type { ProcessSpec } from './process-runner';

const spec = (command: string, args: string[], extra: Partial<ProcessSpec> = {}): ProcessSpec => ({
  command,
  args,
  env: { PATH: process.env.PATH },
  killGraceMs: 500,
  secrets: [],
  ...extra,
});

describe('ProcessSpawner', () => {
  let spawner: ProcessSpawner;
  beforeEach(() => (spawner = new ProcessSpawner()));
  afterEach(() => spawner.close());

  it('runs a process on its thread, forwarding each redacted output line and the result', async () => {
    const lines: string[] = [];
    const outcome = await spawner.run(spec('/bin/sh', ['-c', 'echo one; echo "token s3cret"; exit 3'], { secrets: ['s3cret'] }), new AbortController().signal, (line) => lines.push(line));
    expect(lines).toEqual(['one', 'token ***']);
    expect(outcome).toEqual({
      result: { outcome: 'Failed', exitCode: 3, stdoutTail: 'one\ntoken ***\n', stderrTail: null, errorMessage: 'Process exited with code 3' },
    });
  });

  it('reports a process that cannot be started with the error code, for the executor to describe', async () => {
    const outcome = await spawner.run(spec('/nonexistent/tool', []), new AbortController().signal, () => undefined);
    expect(outcome).toEqual({ startError: { code: 'ENOENT', message: expect.stringContaining('ENOENT') } });
  });

  it("stops the process when the caller's signal is aborted, with the abort reason's message", async () => {
    const controller = new AbortController();
    const running = spawner.run(spec('/bin/sleep', ['30']), controller.signal, () => undefined);
    setTimeout(() => controller.abort({ kind: 'timeout', message: 'Step timed out after 1 s' }), 200);
    const outcome = await running;
    expect(outcome).toEqual({ result: expect.objectContaining({ outcome: 'Failed', errorMessage: 'Step timed out after 1 s' }) });
  });

  it('fails the runs of a stopped thread and starts a new thread for the next run', async () => {
    const running = spawner.run(spec('/bin/sleep', ['2']), new AbortController().signal, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await spawner.close();
    expect(await running).toEqual({ result: expect.objectContaining({ outcome: 'Failed', errorMessage: 'The process spawner was stopped' }) });

    const next = await spawner.run(spec('/bin/true', []), new AbortController().signal, () => undefined);
    expect(next).toEqual({ result: expect.objectContaining({ outcome: 'Completed', exitCode: 0 }) });
  });

  it('runs several processes at once, each outcome to its own caller', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, i) => spawner.run(spec('/bin/sh', ['-c', `sleep 0.5; echo ${i}`]), new AbortController().signal, () => undefined)),
    );
    expect(outcomes.map((o) => ('result' in o ? o.result.stdoutTail : null))).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n']);
  });
});
