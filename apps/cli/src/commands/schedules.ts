import { Command, Option } from 'commander';
import type { Context } from '../context';
import { BACKFILL_OVERLAP_POLICIES, INTERVAL_UNITS, OVERLAP_POLICIES, PATTERN_TYPES, TRIGGER_TYPES, type BackfillOverlapPolicy } from '@jim/contracts';
import { choice, integer } from '../parsers';
import { confirmOrRefuse } from '../prompt';
import { applyScheduleOptions, newScheduleBody, toScheduleBody, type ScheduleOptions } from '../schedule-edit';
import { backfillProgress, scheduleDetail, scheduleSummary, scheduleTable } from '../views';
import { followExecution } from './follow';
import { longestLiteral, matchesWildcard } from '../wildcard';
import { registerSteps } from './steps';

interface JsonOption {
  json?: boolean;
}

/** The options `new` and `set` share. */
function scheduleOptions(command: Command, { isNew }: { isNew: boolean }): Command {
  return command
    .option('--description <text>', 'free text; "" clears it')
    .addOption(new Option('--trigger-type <type>', 'Cron or Manual (default: Cron when a pattern option is given)').argParser(choice(TRIGGER_TYPES)))
    .addOption(new Option('--pattern-type <type>', 'SpecificTimes, Interval or Custom (default: from the options given)').argParser(choice(PATTERN_TYPES)))
    .option('--days-of-week <days>', 'comma-separated, 0 = Sunday … 6 = Saturday, e.g. 1,2,3,4,5')
    .option('--run-times <times>', 'comma-separated HH:mm, e.g. 06:00,18:00 (SpecificTimes)')
    .addOption(new Option('--interval-value <n>', 'every n minutes or hours (Interval)').argParser(integer(1, 59)))
    .addOption(new Option('--interval-unit <unit>', 'Minutes or Hours (Interval)').argParser(choice(INTERVAL_UNITS)))
    .option('--window-start <HH:mm>', 'start of the interval window; "" clears it')
    .option('--window-end <HH:mm>', 'end of the interval window; "" clears it')
    .option('--cron-expression <cron>', '5-field cron expression(s), ";"-separated (Custom)')
    .option('--time-zone <zone>', 'IANA time zone the times are in, e.g. Europe/London (default: UTC)')
    .option('--enabled', isNew ? 'enable the schedule at once (default: disabled)' : 'enable the schedule')
    .option('--no-enabled', isNew ? 'create it disabled (the default)' : 'disable the schedule')
    .option('--change-reason <text>', 'recorded in the change history')
    .addOption(
      new Option('--overlap-policy <policy>', 'while an execution is active: Skip, BufferOne, BufferAll, CancelPrevious or AllowAll (default: Skip)').argParser(
        choice(OVERLAP_POLICIES),
      ),
    )
    .addOption(
      new Option('--catch-up-window <seconds>', 'how late a tick may still start, 0-86400, or "default" for the workers\' JIM_MISFIRE_GRACE_SECONDS').argParser(
        (value: string) => (value.trim().toLowerCase() === 'default' ? 'default' : integer(0, 86400)(value)),
      ),
    )
    .addOption(new Option('--jitter <seconds>', 'start each tick up to this many seconds after its time, 0-3600 (default: 0)').argParser(integer(0, 3600)))
    .option('--json', "print the API's JSON");
}

export function registerSchedules(program: Command, ctx: Context): void {
  const schedule = program.command('schedule').description('Manage schedules: list, create, change, run');

  schedule
    .command('list')
    .description('List schedules')
    .option('--name <wildcard>', 'only names like this, ignoring case (* and ? wildcards)')
    .option('--json', "print the API's JSON (an array of schedules)")
    .action(async (options: { name?: string } & JsonOption) => {
      const api = ctx.api();
      let schedules = await api.allSchedules(options.name ? longestLiteral(options.name) || undefined : undefined);
      if (options.name) schedules = schedules.filter((s) => matchesWildcard(s.name, options.name!));
      if (options.json) return ctx.out.json(schedules);
      if (schedules.length === 0) return ctx.out.line(options.name ? `No schedules match '${options.name}'.` : 'No schedules.');
      ctx.out.line(scheduleTable(schedules));
    });

  schedule
    .command('get')
    .description('Show a schedule and its steps')
    .argument('<id>', 'schedule id')
    .option('--json', "print the API's JSON")
    .action(async (id: string, options: JsonOption) => {
      const detail = await ctx.api().schedule(id);
      if (options.json) return ctx.out.json(detail);
      ctx.out.line(scheduleDetail(detail));
    });

  scheduleOptions(
    schedule
      .command('new')
      .description('Create a schedule (without steps: add them with jim schedule step add)')
      .requiredOption('--name <name>', 'unique name, 1 to 200 characters'),
    { isNew: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  jim schedule new --name "Nightly" --days-of-week 1,2,3,4,5 --run-times 06:00,18:00 --time-zone Europe/London --enabled
  jim schedule new --name "Every 15 minutes" --interval-value 15 --interval-unit Minutes --window-start 07:00 --window-end 19:00
  jim schedule new --name "Quarterly" --cron-expression "0 1 1 1,4,7,10 *"
  jim schedule new --name "On demand"`,
    )
    .action(async (options: ScheduleOptions & JsonOption) => {
      const created = await ctx.api().createSchedule(newScheduleBody(options));
      if (options.json) return ctx.out.json(created);
      ctx.out.line(`Created schedule '${created.name}' (${created.id}).`);
      ctx.out.line();
      ctx.out.line(scheduleDetail(created));
    });

  scheduleOptions(
    schedule
      .command('set')
      .description('Change a schedule: only the options given change; the steps are kept as they are')
      .argument('<id>', 'schedule id')
      .option('--name <name>', 'new name'),
    { isNew: false },
  ).action(async (id: string, options: ScheduleOptions & JsonOption) => {
    const api = ctx.api();
    const current = await api.schedule(id);
    const updated = await api.updateSchedule(id, applyScheduleOptions(toScheduleBody(current), options));
    if (options.json) return ctx.out.json(updated);
    ctx.out.line(`Updated schedule '${updated.name}' (${updated.id}).`);
    ctx.out.line();
    ctx.out.line(scheduleDetail(updated));
  });

  schedule
    .command('remove')
    .description('Delete a schedule and its steps (its execution history is kept)')
    .argument('<id>', 'schedule id')
    .option('--change-reason <text>', 'recorded in the change history')
    .option('--force', 'do not ask for confirmation (required when not on a terminal)')
    .action(async (id: string, options: { changeReason?: string; force?: boolean }) => {
      const api = ctx.api();
      const current = await api.schedule(id);
      await confirmOrRefuse(ctx.prompter, options.force, `remove schedule '${current.name}' (${current.id})`);
      await api.deleteSchedule(current.id, options.changeReason);
      ctx.out.line(`Removed schedule '${current.name}' (${current.id}).`);
    });

  for (const enabled of [true, false]) {
    schedule
      .command(enabled ? 'enable' : 'disable')
      .description(enabled ? 'Enable a schedule: its trigger fires again' : 'Disable a schedule: its trigger stops firing (it can still be started)')
      .argument('<id>', 'schedule id')
      .option('--change-reason <text>', 'recorded in the change history')
      .option('--json', "print the API's JSON")
      .action(async (id: string, options: { changeReason?: string } & JsonOption) => {
        const result = await ctx.api().setEnabled(id, enabled, options.changeReason);
        if (options.json) return ctx.out.json(result);
        ctx.out.line(`Schedule '${result.name}' (${result.id}) ${enabled ? 'enabled' : 'disabled'}.`);
        ctx.out.line();
        ctx.out.line(scheduleSummary(result));
      });
  }

  schedule
    .command('start')
    .description('Run a schedule now, enabled or not, and print the execution id')
    .argument('<id>', 'schedule id')
    .option('--allow-overlap', "start now even while another execution is active, whatever the schedule's overlap policy")
    .option('--wait', 'follow the execution until it finishes; exit 0 only if it is Complete')
    .addOption(new Option('--timeout <seconds>', 'with --wait: how long to wait (the execution keeps running after)').argParser(integer(1, 7 * 24 * 3600)).default(1800))
    .option('--json', "print the API's JSON (with --wait, the finished execution)")
    .addHelpText(
      'after',
      `
Exit codes with --wait: 0 Complete, 1 Failed or Cancelled, 3 timed out (the execution keeps running).`,
    )
    .action(async (id: string, options: { wait?: boolean; timeout: number; allowOverlap?: boolean } & JsonOption, command: Command) => {
      if (!options.wait && command.getOptionValueSource('timeout') === 'cli') command.error('error: --timeout needs --wait');
      const api = ctx.api();
      const started = await api.run(id, options.allowOverlap ?? false);
      if (!options.wait) {
        if (options.json) return ctx.out.json(started);
        ctx.out.line(`${started.message}. Execution: ${started.executionId}`);
        return;
      }
      if (options.json) ctx.out.error(`${started.message}. Execution: ${started.executionId}`);
      else ctx.out.line(`${started.message}. Execution: ${started.executionId}`);
      await followExecution(ctx, started.executionId, { timeoutSeconds: options.timeout, json: options.json });
    });

  schedule
    .command('backfill')
    .description('Run a schedule once for each of its fire times in [--from, --to), one after another (at most 1,000)')
    .argument('<id>', 'schedule id')
    .requiredOption('--from <date-time>', 'start of the range, inclusive (RFC 3339, e.g. 2026-07-01T00:00:00Z)')
    .requiredOption('--to <date-time>', 'end of the range, exclusive')
    .addOption(new Option('--overlap-policy <policy>', 'BufferAll: one after another (default); AllowAll: all at once').argParser(choice(BACKFILL_OVERLAP_POLICIES)))
    .option('--json', "print the API's JSON")
    .addHelpText(
      'after',
      `
Follow it with: jim schedule backfill-status <id> <backfill-id>; stop the rest with: jim schedule backfill-cancel <id> <backfill-id>`,
    )
    .action(async (id: string, options: { from: string; to: string; overlapPolicy?: BackfillOverlapPolicy } & JsonOption) => {
      const created = await ctx.api().backfill(id, { startTime: options.from, endTime: options.to, overlapPolicy: options.overlapPolicy });
      if (options.json) return ctx.out.json(created);
      ctx.out.line(`Backfill ${created.backfillId}: ${created.count} execution${created.count === 1 ? '' : 's'} from ${created.startTime} to ${created.endTime} (${created.overlapPolicy === 'AllowAll' ? 'all at once' : 'one after another'}).`);
    });

  schedule
    .command('backfill-status')
    .description('Show the progress of a backfill')
    .argument('<id>', 'schedule id')
    .argument('<backfill-id>', 'backfill id')
    .option('--json', "print the API's JSON")
    .action(async (id: string, backfillId: string, options: JsonOption) => {
      const progress = await ctx.api().backfillProgress(id, backfillId);
      if (options.json) return ctx.out.json(progress);
      ctx.out.line(backfillProgress(progress));
    });

  schedule
    .command('backfill-cancel')
    .description('Cancel the executions of a backfill that have not started')
    .argument('<id>', 'schedule id')
    .argument('<backfill-id>', 'backfill id')
    .option('--json', "print the API's JSON")
    .action(async (id: string, backfillId: string, options: JsonOption) => {
      const progress = await ctx.api().cancelBackfill(id, backfillId);
      if (options.json) return ctx.out.json(progress);
      ctx.out.line(backfillProgress(progress));
    });

  registerSteps(schedule, ctx);
}
