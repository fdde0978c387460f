import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, stepSpec, testContext } from '../../test-fixtures/step-test-kit';
import { PowerShellStepExecutor } from './powershell-step.executor';

const PATH_ONLY = { PATH: '/usr/local/bin:/usr/bin:/bin' };

describe('PowerShellStepExecutor', () => {
  const script = fixture('scripts', 'report-and-exit.ps1');
  let fakeHost: string;
  let dir: string;

  beforeAll(() => {
    fakeHost = fixture('fake-pwsh.sh');
    chmodSync(fakeHost, 0o755);
    dir = mkdtempSync(join(tmpdir(), 'jim-steps-pwsh-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs <host> -NoProfile -NonInteractive -File <script> <arguments...>', async () => {
    const executor = new PowerShellStepExecutor({ hostPath: fakeHost, environment: PATH_ONLY });
    const ctx = testContext({ scheduleId: 's-1', executionId: 'e-1' });
    const result = await executor.execute(
      stepSpec('PowerShell', { stepId: 'st-1', stepIndex: 2, scriptPath: script, arguments: '0 -Name "Full Import"' }),
      ctx,
    );
    expect(result).toEqual({
      outcome: 'Completed',
      exitCode: 0,
      stdoutTail: [`script=[${script}]`, 'arg=[0]', 'arg=[-Name]', 'arg=[Full Import]', 'step 2 (st-1) of execution e-1 in schedule s-1', ''].join('\n'),
      stderrTail: 'a warning line\n',
      errorMessage: null,
    });
    // stdout and stderr are separate pipes, so only the order within each is fixed.
    expect(ctx.lines).toHaveLength(6);
    expect(ctx.lines.filter((line) => !line.startsWith('[stderr]'))).toEqual(result.stdoutTail!.trimEnd().split('\n'));
    expect(ctx.lines).toContain('[stderr] a warning line');
  });

  it("fails with the script's exit code", async () => {
    const executor = new PowerShellStepExecutor({ hostPath: fakeHost, environment: PATH_ONLY });
    const result = await executor.execute(stepSpec('PowerShell', { scriptPath: script, arguments: '7' }), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', exitCode: 7, errorMessage: 'Process exited with code 7' });
  });

  it('fails, without crashing, when the host is missing', async () => {
    const executor = new PowerShellStepExecutor({ hostPath: join(dir, 'no-such-pwsh') });
    const result = await executor.execute(stepSpec('PowerShell', { scriptPath: script }), testContext());
    expect(result).toEqual({
      outcome: 'Failed',
      exitCode: null,
      stdoutTail: null,
      stderrTail: null,
      errorMessage: `PowerShell host '${join(dir, 'no-such-pwsh')}' was not found`,
    });
  });

  it("names the default host 'pwsh' when it is not on PATH", async () => {
    const executor = new PowerShellStepExecutor({ environment: { PATH: dir } });
    const result = await executor.execute(stepSpec('PowerShell', { scriptPath: script }), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: "PowerShell host 'pwsh' was not found" });
  });

  it('fails clearly when the script does not exist', async () => {
    const missing = join(dir, 'missing.ps1');
    const result = await new PowerShellStepExecutor({ hostPath: fakeHost }).execute(stepSpec('PowerShell', { scriptPath: missing }), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: `Script '${missing}' was not found` });
  });

  it('refuses a script outside the allowed roots', async () => {
    const executor = new PowerShellStepExecutor({ hostPath: fakeHost, allowedRoots: [dir] });
    const result = await executor.execute(stepSpec('PowerShell', { scriptPath: script }), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: `Path '${script}' is outside the allowed script roots` });
  });

  it('runs a script inside the allowed roots', async () => {
    const executor = new PowerShellStepExecutor({ hostPath: fakeHost, allowedRoots: [fixture('scripts')], environment: PATH_ONLY });
    const result = await executor.execute(stepSpec('PowerShell', { scriptPath: script }), testContext());
    expect(result.outcome).toBe('Completed');
  });

  it('takes a relative script path relative to the working directory', async () => {
    const executor = new PowerShellStepExecutor({ hostPath: fakeHost, environment: PATH_ONLY });
    const result = await executor.execute(
      stepSpec('PowerShell', { scriptPath: 'scripts/report-and-exit.ps1', workingDirectory: fixture() }),
      testContext(),
    );
    expect(result.outcome).toBe('Completed');
    expect(result.stdoutTail).toContain(`script=[${script}]`);
  });

  it('fails when the step has no script path', async () => {
    const result = await new PowerShellStepExecutor({ hostPath: fakeHost }).execute(stepSpec('PowerShell'), testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'The step has no script path' });
  });
});
