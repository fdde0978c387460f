import { Command, Option } from 'commander';
import type { Context } from '../context';
import { integer } from '../parsers';
import { connectedSystemTable } from '../views';

export function registerConnectedSystems(program: Command, ctx: Context): void {
  const system = program.command('connected-system').description("List connected systems and change this service's settings of them");

  system
    .command('list')
    .description('List connected systems, by name')
    .option('--json', "print the API's JSON (an array of connected systems)")
    .action(async (options: { json?: boolean }) => {
      const systems = await ctx.api().connectedSystems();
      if (options.json) return ctx.out.json(systems);
      if (systems.length === 0) return ctx.out.line('No connected systems.');
      ctx.out.line(connectedSystemTable(systems));
    });

  system
    .command('set')
    .description('Change whether at most one RunProfile step of the system runs at a time (docs/policies.md)')
    .argument('<id>', 'connected system id', integer(1, 2147483647))
    .addOption(new Option('--exclusive', 'one RunProfile step of the system at a time; others wait in line'))
    .addOption(new Option('--no-exclusive', 'let RunProfile steps of the system run side by side'))
    .option('--change-reason <text>', 'recorded in the change history')
    .option('--json', "print the API's JSON (the connected system)")
    .action(async (id: number, options: { exclusive?: boolean; changeReason?: string; json?: boolean }, command: Command) => {
      if (options.exclusive === undefined) command.error('error: give --exclusive or --no-exclusive');
      const changed = await ctx.api().updateConnectedSystem(id, { exclusive: options.exclusive!, changeReason: options.changeReason ?? null });
      if (options.json) return ctx.out.json(changed);
      ctx.out.line(`Connected system '${changed.name}' (${changed.id}) is ${changed.exclusive ? 'exclusive: one RunProfile step at a time' : 'not exclusive'}.`);
    });
}
