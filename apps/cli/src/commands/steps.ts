import { Command, Option } from 'commander';
import { STEP_TYPE_FIELDS, STEP_TYPES, type ScheduleStepType } from '@jim/contracts';
import type { Context } from '../context';
import { choice, integer } from '../parsers';
import { readStdin } from '../prompt';
import { resolveRunProfile } from '../resolve';
import { addStep, removeStepGroup, toScheduleBody, type StepRequest } from '../schedule-edit';
import { stepTable } from '../views';

interface StepAddOptions {
  stepType: ScheduleStepType;
  connectedSystemId?: number;
  connectedSystemName?: string;
  runProfileId?: number;
  runProfileName?: string;
  scriptPath?: string;
  executablePath?: string;
  arguments?: string;
  workingDirectory?: string;
  sqlConnectionString?: string;
  sqlScriptPath?: string;
  name?: string;
  timeoutSeconds?: number;
  continueOnFailure?: boolean;
  maxAttempts?: number;
  retryDelaySeconds?: number;
  retryOnTimeout?: boolean;
  parallel?: boolean;
  changeReason?: string;
  json?: boolean;
}

/**
 * Which type-specific options each step type takes (its fields, and the names a RunProfile step may be given by); any
 * other is a usage error rather than silently dropped.
 */
const OPTIONS_BY_TYPE: Record<ScheduleStepType, readonly (keyof StepAddOptions)[]> = {
  ...STEP_TYPE_FIELDS,
  RunProfile: ['connectedSystemId', 'connectedSystemName', 'runProfileId', 'runProfileName'],
};

const FLAG: Record<string, string> = {
  connectedSystemId: '--connected-system-id',
  connectedSystemName: '--connected-system-name',
  runProfileId: '--run-profile-id',
  runProfileName: '--run-profile-name',
  scriptPath: '--script-path',
  executablePath: '--executable-path',
  arguments: '--arguments',
  workingDirectory: '--working-directory',
  sqlConnectionString: '--sql-connection-string',
  sqlScriptPath: '--sql-script-path',
};

export function registerSteps(schedule: Command, ctx: Context): void {
  const step = schedule.command('step').description("Add or remove a schedule's steps");

  step
    .command('add')
    .description('Add a step as a new last group, or into the last group with --parallel')
    .argument('<scheduleId>', 'schedule id')
    .addOption(new Option('--step-type <type>', 'RunProfile, PowerShell, Executable or SqlScript').argParser(choice(STEP_TYPES)).makeOptionMandatory())
    .addOption(new Option('--connected-system-id <id>', 'RunProfile: the Connected System').argParser(integer(1, 2147483647)).conflicts('connectedSystemName'))
    .addOption(new Option('--connected-system-name <name>', 'RunProfile: the Connected System, by name (ignoring case)'))
    .addOption(new Option('--run-profile-id <id>', 'RunProfile: the Run Profile').argParser(integer(1, 2147483647)).conflicts('runProfileName'))
    .addOption(new Option('--run-profile-name <name>', 'RunProfile: the Run Profile, by name (ignoring case)'))
    .option('--script-path <path>', 'PowerShell: the script')
    .option('--executable-path <path>', 'Executable: the program')
    .option('--arguments <args>', 'PowerShell, Executable: command-line arguments')
    .option('--working-directory <dir>', 'PowerShell, Executable: working directory')
    .option('--sql-connection-string <cs>', 'SqlScript: connection string; "-" reads it from standard input')
    .option('--sql-script-path <path>', 'SqlScript: the .sql file')
    .option('--name <name>', 'display name (RunProfile steps are shown as "<system> - <profile>" without one)')
    .addOption(new Option('--timeout-seconds <n>', 'stop the step after n seconds (1 to 86400)').argParser(integer(1, 86400)))
    .option('--continue-on-failure', 'carry on with the next group if this step fails')
    .addOption(new Option('--max-attempts <n>', 'run a failed step again, up to n attempts in all (1 to 10; default 1)').argParser(integer(1, 10)))
    .addOption(new Option('--retry-delay-seconds <n>', 'wait before the first retry, doubled for each further one, at most 3600 (1 to 3600; default 30)').argParser(integer(1, 3600)))
    .option('--retry-on-timeout', 'retry an attempt stopped by its timeout too')
    .option('--parallel', 'run in parallel with the last group (same step index) instead of after it')
    .option('--change-reason <text>', 'recorded in the change history')
    .option('--json', "print the API's JSON (the updated schedule)")
    .addHelpText(
      'after',
      `
Examples:
  jim schedule step add <id> --step-type RunProfile --connected-system-name "HR" --run-profile-name "Delta Import"
  jim schedule step add <id> --step-type RunProfile --connected-system-id 1 --run-profile-id 2 --parallel
  jim schedule step add <id> --step-type Executable --name Notify --executable-path /usr/bin/logger --arguments '"sync done"' --timeout-seconds 60
  jim schedule step add <id> --step-type PowerShell --script-path /opt/jim/scripts/export.ps1 --max-attempts 3 --retry-delay-seconds 60`,
    )
    .action(async (scheduleId: string, options: StepAddOptions, command: Command) => {
      const type = options.stepType;
      for (const [other, fields] of Object.entries(OPTIONS_BY_TYPE)) {
        if (other === type) continue;
        const stray = fields.find((field) => options[field] !== undefined && !OPTIONS_BY_TYPE[type].includes(field));
        if (stray) command.error(`error: ${FLAG[stray]} does not apply to ${type} steps`);
      }
      const api = ctx.api();
      const fields: Omit<StepRequest, 'stepIndex' | 'executionMode'> = {
        stepType: type,
        name: options.name ?? null,
        timeoutSeconds: options.timeoutSeconds ?? null,
        continueOnFailure: options.continueOnFailure ?? false,
        maxAttempts: options.maxAttempts ?? 1,
        retryDelaySeconds: options.retryDelaySeconds ?? 30,
        retryOnTimeout: options.retryOnTimeout ?? false,
      };
      let target = '';
      if (type === 'RunProfile') {
        const hasSystem = options.connectedSystemId !== undefined || options.connectedSystemName !== undefined;
        const hasProfile = options.runProfileId !== undefined || options.runProfileName !== undefined;
        if (!hasSystem || !hasProfile) {
          command.error(
            'error: RunProfile steps need --connected-system-id or --connected-system-name, and --run-profile-id or --run-profile-name',
          );
        }
        const resolved = await resolveRunProfile(api, options);
        fields.connectedSystemId = resolved.connectedSystem.id;
        fields.runProfileId = resolved.runProfile.id;
        target = `${resolved.connectedSystem.name} - ${resolved.runProfile.name}`;
      } else {
        fields.scriptPath = options.scriptPath;
        fields.executablePath = options.executablePath;
        fields.arguments = options.arguments;
        fields.workingDirectory = options.workingDirectory;
        fields.sqlConnectionString = options.sqlConnectionString === '-' ? await readStdin() : options.sqlConnectionString;
        fields.sqlScriptPath = options.sqlScriptPath;
      }
      const current = await api.schedule(scheduleId);
      const body = toScheduleBody(current);
      const { steps, added } = addStep(body.steps, fields, options.parallel ?? false);
      const updated = await api.updateSchedule(current.id, { ...body, steps, changeReason: options.changeReason ?? null });
      if (options.json) return ctx.out.json(updated);
      const label = options.name ?? (target || type);
      const where = added.executionMode === 'ParallelWithPrevious' ? `in parallel at index ${added.stepIndex}` : `at index ${added.stepIndex}`;
      ctx.out.line(`Added step '${label}' ${where} to schedule '${updated.name}'.`);
      ctx.out.line();
      ctx.out.line(stepTable(updated.steps));
    });

  step
    .command('remove')
    .description('Remove the group of steps at a step index; later groups move up so the indices stay contiguous')
    .argument('<scheduleId>', 'schedule id')
    .addOption(new Option('--step-index <n>', 'the step index (0-based) of the group to remove').argParser(integer(0, 1000)).makeOptionMandatory())
    .option('--change-reason <text>', 'recorded in the change history')
    .option('--json', "print the API's JSON (the updated schedule)")
    .action(async (scheduleId: string, options: { stepIndex: number; changeReason?: string; json?: boolean }) => {
      const api = ctx.api();
      const current = await api.schedule(scheduleId);
      const body = toScheduleBody(current);
      const { steps, removed } = removeStepGroup(body.steps, options.stepIndex);
      const updated = await api.updateSchedule(current.id, { ...body, steps, changeReason: options.changeReason ?? null });
      if (options.json) return ctx.out.json(updated);
      const count = removed.length === 1 ? '1 step' : `${removed.length} steps`;
      ctx.out.line(`Removed ${count} at index ${options.stepIndex} from schedule '${updated.name}'.`);
      ctx.out.line();
      ctx.out.line(updated.steps.length > 0 ? stepTable(updated.steps) : 'No steps left.');
    });
}
