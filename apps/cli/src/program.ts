import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerConnect } from './commands/connect';
import { registerConnectedSystems } from './commands/connected-systems';
import { registerExecutions } from './commands/executions';
import { registerSchedules } from './commands/schedules';
import { registerWebhooks } from './commands/webhooks';
import { defaultContext, type Context } from './context';
import { CliError, EXIT } from './errors';

function version(): string {
  // dist/apps/cli/src → the repository root, where package.json is.
  for (const relative of ['../../../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, relative), 'utf8')) as { version: string }).version;
    } catch {
      // try the next location
    }
  }
  return 'unknown';
}

export function buildProgram(ctx: Context): Command {
  const program = new Command('jim')
    .description('Command-line client of the JIM Schedules API')
    .version(version(), '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => ctx.out.stdout.write(text),
      writeErr: (text) => ctx.out.stderr.write(text),
    })
    .addHelpText(
      'after',
      `
Connection: jim connect --url <url> --api-key <key> saves both to $XDG_CONFIG_HOME/jim/config.json
(default ~/.config/jim/config.json). JIM_URL and JIM_API_KEY override the saved values.

Exit codes: 0 success; 1 API error, failed execution or usage error; 2 cannot connect; 3 timed out waiting.`,
    );
  registerConnect(program, ctx);
  registerSchedules(program, ctx);
  registerExecutions(program, ctx);
  registerConnectedSystems(program, ctx);
  registerWebhooks(program, ctx);
  return program;
}

/** Runs the command line; resolves to the exit code. Usage errors exit through commander itself. */
export async function run(argv: string[], ctx: Context = defaultContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      ctx.out.error(error.message);
      return error.exitCode;
    }
    ctx.out.error(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failure;
  }
}
