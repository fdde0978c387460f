import { Command, Option } from 'commander';
import { EXECUTION_STATUSES, type ExecutionStatus } from '@jim/contracts';
import type { Context } from '../context';
import { choice, integer } from '../parsers';
import { confirmOrRefuse } from '../prompt';
import { executionDetail, executionSummary, executionTable } from '../views';
import { followExecution } from './follow';

export function registerExecutions(program: Command, ctx: Context): void {
  const execution = program.command('execution').description('Follow and stop schedule executions');

  execution
    .command('list')
    .description('List executions, newest first')
    .option('--schedule-id <id>', "only this schedule's executions")
    .addOption(new Option('--status <status>', EXECUTION_STATUSES.join(', ')).argParser(choice(EXECUTION_STATUSES)))
    .addOption(new Option('--limit <n>', 'at most n executions').argParser(integer(1, 100_000)).default(50))
    .option('--json', "print the API's JSON (an array of executions)")
    .action(async (options: { scheduleId?: string; status?: ExecutionStatus; limit: number; json?: boolean }) => {
      const executions = await ctx.api().executions({ scheduleId: options.scheduleId, status: options.status }, options.limit);
      if (options.json) return ctx.out.json(executions);
      if (executions.length === 0) return ctx.out.line('No executions.');
      ctx.out.line(executionTable(executions));
    });

  execution
    .command('get')
    .description('Show an execution, its progress and its steps')
    .argument('<id>', 'execution id')
    .option('--json', "print the API's JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const detail = await ctx.api().execution(id);
      if (options.json) return ctx.out.json(detail);
      ctx.out.line(executionDetail(detail));
    });

  execution
    .command('wait')
    .description('Follow an execution until it finishes; exit 0 only if it is Complete')
    .argument('<id>', 'execution id')
    .addOption(new Option('--timeout <seconds>', 'how long to wait (the execution keeps running after)').argParser(integer(1, 7 * 24 * 3600)).default(1800))
    .option('--json', "print the finished execution's JSON")
    .action(async (id: string, options: { timeout: number; json?: boolean }) => {
      await followExecution(ctx, id, { timeoutSeconds: options.timeout, json: options.json });
    });

  execution
    .command('stop')
    .description('Cancel a queued or running execution')
    .argument('<id>', 'execution id')
    .option('--force', 'do not ask for confirmation (required when not on a terminal)')
    .option('--json', "print the API's JSON")
    .action(async (id: string, options: { force?: boolean; json?: boolean }) => {
      const api = ctx.api();
      if (!options.force) {
        const current = await api.execution(id);
        await confirmOrRefuse(ctx.prompter, false, `stop execution ${current.id} of schedule '${current.scheduleName}' (${current.status})`);
      }
      const stopped = await api.cancelExecution(id);
      if (options.json) return ctx.out.json(stopped);
      ctx.out.line(`Execution ${stopped.id} ${stopped.status}.`);
      ctx.out.line();
      ctx.out.line(executionSummary(stopped));
    });
}
