import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exitsWithin, fixture, isProcessRunning, readPid, stepSpec, testContext, waitFor } from '../../test-fixtures/step-test-kit';
import { ExecutableStepExecutor } from './executable-step.executor';

const PATH_ONLY = { PATH: '/usr/local/bin:/usr/bin:/bin' };

describe('ExecutableStepExecutor', () => {
  let dir: string;
  const started: number[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jim-steps-exe-'));
    for (const script of ['print-step.sh', 'spawn-grandchild.sh', 'spawn-session-sleeper.sh', 'ignore-sigterm.sh']) chmodSync(fixture(script), 0o755);
  });
  afterAll(() => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the executable with split arguments, the working directory and the step environment', async () => {
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY });
    const ctx = testContext({ scheduleId: 'sched-9', executionId: 'exec-7' });
    const result = await executor.execute(
      stepSpec('Executable', {
        stepId: 'step-42',
        stepIndex: 3,
        executablePath: fixture('print-step.sh'),
        arguments: `one "two words" "" 'single' a\\"b`,
        workingDirectory: dir,
      }),
      ctx,
    );

    expect(result).toMatchObject({ outcome: 'Completed', exitCode: 0, errorMessage: null, stderrTail: 'to stderr\n' });
    expect(result.stdoutTail).toBe(
      [
        `cwd=${dir}`,
        'JIM_SCHEDULE_ID=sched-9',
        'JIM_EXECUTION_ID=exec-7',
        'JIM_STEP_INDEX=3',
        'JIM_STEP_ID=step-42',
        'arg=[one]',
        'arg=[two words]',
        'arg=[]',
        "arg=['single']",
        'arg=[a"b]',
        '',
      ].join('\n'),
    );
    expect(ctx.lines).toContain('arg=[two words]');
    expect(ctx.lines).toContain('[stderr] to stderr');
  });

  it('passes only allow-listed variables of the base environment', async () => {
    const executor = new ExecutableStepExecutor({
      environment: {
        ...PATH_ONLY,
        HOME: '/home/jim',
        LC_ALL: 'C.UTF-8',
        TZ: 'Europe/Paris',
        JIM_TEST_MARKER: 'inherited',
        DATABASE_URL: 'postgres://jim:db-pass@db/jim',
        JIM_ENCRYPTION_KEY: 'ab'.repeat(32),
        UNLISTED: 'hidden',
      },
      environmentAllow: ['JIM_TEST_MARKER'],
    });
    const result = await executor.execute(stepSpec('Executable', { executablePath: '/usr/bin/env' }), testContext({ executionId: 'exec-3' }));
    const names = result.stdoutTail!.trim().split('\n').map((line) => line.slice(0, line.indexOf('=')));
    expect(names.sort()).toEqual(['HOME', 'JIM_EXECUTION_ID', 'JIM_SCHEDULE_ID', 'JIM_STEP_ID', 'JIM_STEP_INDEX', 'JIM_TEST_MARKER', 'LC_ALL', 'PATH', 'TZ']);
    expect(result.stdoutTail).toContain('JIM_TEST_MARKER=inherited\n');
    expect(result.stdoutTail).toContain('JIM_EXECUTION_ID=exec-3\n');
  });

  it('redacts configured secrets from the error message as well', async () => {
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY, secrets: ['hunter2'] });
    const result = await executor.execute(stepSpec('Executable', { executablePath: join(dir, 'hunter2', 'tool') }), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: `Executable '${join(dir, '***', 'tool')}' was not found` });
  });

  it('fails with the exit code when the process exits non-zero', async () => {
    const executor = new ExecutableStepExecutor({ environment: { ...PATH_ONLY, EXIT_CODE: '3' }, environmentAllow: ['EXIT_CODE'] });
    const result = await executor.execute(stepSpec('Executable', { executablePath: fixture('print-step.sh') }), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', exitCode: 3, errorMessage: 'Process exited with code 3' });
    expect(result.stdoutTail).toContain('JIM_STEP_ID=step-1');
  });

  it('does not involve a shell: metacharacters reach the process as they are', async () => {
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY });
    const result = await executor.execute(
      stepSpec('Executable', { executablePath: '/bin/echo', arguments: '$HOME ; `id` | > x &&' }),
      testContext(),
    );
    expect(result.stdoutTail).toBe('$HOME ; `id` | > x &&\n');
  });

  it('keeps the last 64 KiB of large output', async () => {
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY });
    const result = await executor.execute(
      stepSpec('Executable', { executablePath: '/bin/sh', arguments: `-c "head -c 200000 /dev/zero | tr '\\\\0' x; echo END"` }),
      testContext(),
    );
    expect(result.outcome).toBe('Completed');
    expect(Buffer.byteLength(result.stdoutTail!)).toBe(64 * 1024);
    expect(result.stdoutTail!.endsWith('xEND\n')).toBe(true);
  });

  it('redacts configured secrets from the tails and the log', async () => {
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY, secrets: ['hunter2'] });
    const ctx = testContext();
    const result = await executor.execute(
      stepSpec('Executable', { executablePath: '/bin/sh', arguments: '-c "echo password=hunter2; echo hunter2 >&2"' }),
      ctx,
    );
    expect(result.stdoutTail).toBe('password=***\n');
    expect(result.stderrTail).toBe('***\n');
    expect(ctx.lines.join('\n')).not.toContain('hunter2');
  });

  it('takes a relative executable path relative to the working directory', async () => {
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY, allowedRoots: [dirname(fixture('print-step.sh'))] });
    const result = await executor.execute(
      stepSpec('Executable', { executablePath: './print-step.sh', workingDirectory: dirname(fixture('print-step.sh')) }),
      testContext(),
    );
    expect(result.outcome).toBe('Completed');
    expect(result.stdoutTail).toContain(`cwd=${dirname(fixture('print-step.sh'))}`);
  });

  it('looks a bare command name up on PATH', async () => {
    const result = await new ExecutableStepExecutor({ environment: PATH_ONLY }).execute(
      stepSpec('Executable', { executablePath: 'echo', arguments: 'found on PATH' }),
      testContext(),
    );
    expect(result).toMatchObject({ outcome: 'Completed', stdoutTail: 'found on PATH\n' });
  });

  it('fails clearly when the executable does not exist', async () => {
    const executor = new ExecutableStepExecutor();
    const result = await executor.execute(stepSpec('Executable', { executablePath: join(dir, 'nope.exe') }), testContext());
    expect(result).toEqual({
      outcome: 'Failed',
      exitCode: null,
      stdoutTail: null,
      stderrTail: null,
      errorMessage: `Executable '${join(dir, 'nope.exe')}' was not found`,
    });
  });

  it('fails clearly when the file is not executable', async () => {
    const path = join(dir, 'not-executable.sh');
    writeFileSync(path, '#!/bin/sh\necho hi\n');
    chmodSync(path, 0o644);
    const result = await new ExecutableStepExecutor().execute(stepSpec('Executable', { executablePath: path }), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: `Executable '${path}' could not be run: permission denied` });
  });

  it('fails clearly when the path is a directory', async () => {
    const result = await new ExecutableStepExecutor().execute(stepSpec('Executable', { executablePath: dir }), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: `Executable '${dir}' is a directory` });
  });

  it('fails clearly when the working directory is missing', async () => {
    const missing = join(dir, 'missing-dir');
    const result = await new ExecutableStepExecutor().execute(
      stepSpec('Executable', { executablePath: '/bin/true', workingDirectory: missing }),
      testContext(),
    );
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: `Working directory '${missing}' does not exist` });
  });

  it('fails on unbalanced quotes in the arguments without running anything', async () => {
    const result = await new ExecutableStepExecutor().execute(
      stepSpec('Executable', { executablePath: '/bin/true', arguments: 'a "b' }),
      testContext(),
    );
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Invalid arguments: Unterminated double quote starting at position 3 of the arguments' });
  });

  it('refuses a path outside the allowed roots without running it', async () => {
    const marker = join(dir, 'outside-marker');
    const executor = new ExecutableStepExecutor({ allowedRoots: [join(dir, 'allowed')] });
    const result = await executor.execute(stepSpec('Executable', { executablePath: '/bin/sh', arguments: `-c "touch ${marker}"` }), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: "Path '/bin/sh' is outside the allowed script roots" });

    const sneaky = `${dir}/allowed/../print-step.sh`;
    const viaDotDot = await executor.execute(stepSpec('Executable', { executablePath: sneaky }), testContext());
    expect(viaDotDot).toMatchObject({
      outcome: 'Failed',
      errorMessage: `Path '${sneaky}' (${dir}/print-step.sh) is outside the allowed script roots`,
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('checks a bare command name where PATH finds it, not in the current directory', async () => {
    const marker = join(dir, 'bare-marker');
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY, allowedRoots: [process.cwd()] });
    const result = await executor.execute(stepSpec('Executable', { executablePath: 'sh', arguments: `-c "touch ${marker}"` }), testContext());
    expect(result.outcome).toBe('Failed');
    expect(result.errorMessage).toMatch(/^Path 'sh' \(\/(usr\/)?bin\/sh\) is outside the allowed script roots$/);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs a bare command name found on PATH inside the roots, by its absolute path', async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'whoami-step'), '#!/bin/sh\necho "ran $0"\n', { mode: 0o755 });
    const executor = new ExecutableStepExecutor({ environment: { PATH: `${bin}:/usr/bin:/bin` }, allowedRoots: [bin] });
    const result = await executor.execute(stepSpec('Executable', { executablePath: 'whoami-step' }), testContext());
    expect(result).toMatchObject({ outcome: 'Completed', stdoutTail: `ran ${join(bin, 'whoami-step')}\n` });
  });

  it('refuses a working directory outside the roots, also through a symbolic link', async () => {
    const root = join(dir, 'wd-root');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'pwd.sh'), '#!/bin/sh\npwd\n', { mode: 0o755 });
    symlinkSync('/etc', join(root, 'etc-link'));
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY, allowedRoots: [root] });

    const viaLink = await executor.execute(stepSpec('Executable', { executablePath: join(root, 'pwd.sh'), workingDirectory: join(root, 'etc-link') }), testContext());
    expect(viaLink).toMatchObject({ outcome: 'Failed', stdoutTail: null, errorMessage: `Path '${join(root, 'etc-link')}' is outside the allowed script roots` });

    const outside = await executor.execute(stepSpec('Executable', { executablePath: join(root, 'pwd.sh'), workingDirectory: '/tmp' }), testContext());
    expect(outside).toMatchObject({ outcome: 'Failed', errorMessage: "Path '/tmp' is outside the allowed script roots" });

    const inside = await executor.execute(stepSpec('Executable', { executablePath: './pwd.sh', workingDirectory: root }), testContext());
    expect(inside).toMatchObject({ outcome: 'Completed', stdoutTail: `${root}\n` });
  });

  it('runs a path inside the allowed roots', async () => {
    const executor = new ExecutableStepExecutor({ allowedRoots: ['/bin', '/usr/bin'] });
    const result = await executor.execute(stepSpec('Executable', { executablePath: '/bin/true' }), testContext());
    expect(result.outcome).toBe('Completed');
  });

  it('fails at once, running nothing, when the signal is already aborted', async () => {
    const ctx = testContext();
    ctx.abort('shutdown', 'Worker is shutting down');
    const marker = join(dir, 'aborted-marker');
    const result = await new ExecutableStepExecutor({ environment: PATH_ONLY }).execute(
      stepSpec('Executable', { executablePath: '/bin/sh', arguments: `-c "touch ${marker}"` }),
      ctx,
    );
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Worker is shutting down' });
    expect(existsSync(marker)).toBe(false);
  });

  it('kills the whole process tree on timeout, grandchild included', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const ctx = testContext({ timeoutMs: 1000 });
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY });
    const run = executor.execute(stepSpec('Executable', { executablePath: fixture('spawn-grandchild.sh'), arguments: pidFile }), ctx);

    await waitFor(() => ctx.lines.includes('grandchild started'));
    const grandchild = readPid(pidFile);
    started.push(grandchild);
    expect(isProcessRunning(grandchild)).toBe(true);

    const abortedAt = Date.now();
    ctx.timeoutAfter(200);
    const result = await run;

    expect(Date.now() - abortedAt).toBeLessThan(1500);
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Timed out after 0.2 s' });
    expect(result.stdoutTail).toContain('grandchild started');
    expect(await exitsWithin(grandchild)).toBe(true);
  });

  it('kills on timeout a descendant that started a session of its own (setsid)', async () => {
    const pidFile = join(dir, 'session-sleeper.pid');
    const ctx = testContext({ timeoutMs: 1000 });
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY, killGraceMs: 300 });
    const run = executor.execute(stepSpec('Executable', { executablePath: fixture('spawn-session-sleeper.sh'), arguments: pidFile }), ctx);

    await waitFor(() => ctx.lines.includes('sleeper started'));
    const sleeper = readPid(pidFile);
    started.push(sleeper);
    expect(isProcessRunning(sleeper)).toBe(true);

    ctx.timeoutAfter(200);
    const result = await run;

    expect(result).toMatchObject({ outcome: 'Failed', exitCode: null, errorMessage: 'Timed out after 0.2 s' });
    expect(await waitFor(() => !isProcessRunning(sleeper))).toBe(true);
  });

  it('sends SIGKILL after the grace period to a process that ignores SIGTERM', async () => {
    const pidFile = join(dir, 'stubborn.pid');
    const ctx = testContext();
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY, killGraceMs: 300 });
    const run = executor.execute(stepSpec('Executable', { executablePath: fixture('ignore-sigterm.sh'), arguments: pidFile }), ctx);

    await waitFor(() => ctx.lines.includes('ignoring SIGTERM'));
    const pid = readPid(pidFile);
    started.push(pid);
    const abortedAt = Date.now();
    ctx.abort('cancelled', 'Cancelled by user');
    const result = await run;
    const elapsed = Date.now() - abortedAt;

    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
    expect(result).toMatchObject({ outcome: 'Failed', exitCode: null, errorMessage: 'Cancelled by user' });
    expect(await exitsWithin(pid)).toBe(true);
  });

  it('stops what the step left running in its process group once it exits', async () => {
    const pidFile = join(dir, 'leftover.pid');
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY });
    const startedAt = Date.now();
    const result = await executor.execute(
      stepSpec('Executable', { executablePath: '/bin/sh', arguments: `-c "sleep 100 & echo $! > ${pidFile}; echo done"` }),
      testContext(),
    );
    const leftover = readPid(pidFile);
    started.push(leftover);

    expect(result).toMatchObject({ outcome: 'Completed', stdoutTail: 'done\n' });
    expect(Date.now() - startedAt).toBeLessThan(2000);
    expect(await exitsWithin(leftover)).toBe(true);
  });

  it('does not wait for ever on a process that left the group but holds the output', async () => {
    const pidFile = join(dir, 'escaped.pid');
    const executor = new ExecutableStepExecutor({ environment: PATH_ONLY, killGraceMs: 100 });
    const startedAt = Date.now();
    const result = await executor.execute(
      stepSpec('Executable', { executablePath: '/bin/sh', arguments: `-c "setsid sleep 30 & echo $! > ${pidFile}; sleep 0.2; echo left"` }),
      testContext(),
    );
    started.push(readPid(pidFile));

    expect(result).toMatchObject({ outcome: 'Completed', stdoutTail: 'left\n' });
    expect(Date.now() - startedAt).toBeLessThan(4000);
  });
});
