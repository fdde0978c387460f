import type { Context } from '../context';
import { CliError, EXIT } from '../errors';
import { duration } from '../output';
import { progressLine } from '../views';
import { waitForExecution } from '../wait';

/**
 * Follows an execution to its end. Progress goes to standard output, or to standard error with --json so that
 * standard output holds only the finished execution's JSON. Complete → exit 0; Failed or Cancelled → 1; timeout → 3.
 */
export async function followExecution(ctx: Context, executionId: string, options: { timeoutSeconds: number; json?: boolean }): Promise<void> {
  const { execution, timedOut } = await waitForExecution(ctx.api(), executionId, {
    timeoutSeconds: options.timeoutSeconds,
    progress: options.json ? ctx.out.stderr : ctx.out.stdout,
    sleep: ctx.sleep,
  });
  if (options.json) ctx.out.json(execution);
  if (timedOut) {
    throw new CliError(
      `Timed out after ${options.timeoutSeconds} s waiting for execution ${execution.id}: still ${execution.status}, ${progressLine(execution)}. ` +
        `It keeps running: follow it with jim execution get ${execution.id}, or stop it with jim execution stop ${execution.id}.`,
      EXIT.timeout,
    );
  }
  const took = duration(execution.startedAt, execution.completedAt);
  const summary = `Execution ${execution.id} ${execution.status}${took ? ` after ${took}` : ''}`;
  if (execution.status !== 'Complete') {
    throw new CliError(`${summary}: ${execution.errorMessage ?? 'no error message recorded'}`, EXIT.failure);
  }
  if (!options.json) ctx.out.line(summary);
}
