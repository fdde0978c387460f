import type { Command } from 'commander';
import { JimApi } from '../api';
import { normaliseUrl, writeStoredConfig } from '../config';
import type { Context } from '../context';
import { CliError } from '../errors';
import { JimHttpClient } from '../http';

interface ConnectOptions {
  url?: string;
  apiKey?: string;
}

export function registerConnect(program: Command, ctx: Context): void {
  program
    .command('connect')
    .description('Check an API key against a JIM API and save both for the next commands')
    .option('--url <url>', 'base URL of the JIM API, e.g. http://localhost:3000 (default: $JIM_URL)')
    .option('--api-key <key>', 'an Administrator API key, jim_ak_… (default: $JIM_API_KEY)')
    .addHelpText(
      'after',
      `
The settings are saved to $XDG_CONFIG_HOME/jim/config.json (or ~/.config/jim/config.json), readable only by you.
JIM_URL and JIM_API_KEY, when set, take precedence over the saved values.

Example:
  jim connect --url https://jim.example.com --api-key jim_ak_0123…`,
    )
    .action(async (options: ConnectOptions, command: Command) => {
      const rawUrl = options.url ?? ctx.env.JIM_URL;
      const apiKey = (options.apiKey ?? ctx.env.JIM_API_KEY)?.trim();
      if (!rawUrl) command.error('error: --url is required (or set JIM_URL)');
      if (!apiKey) command.error('error: --api-key is required (or set JIM_API_KEY)');
      const url = normaliseUrl(rawUrl!);
      const api = new JimApi(new JimHttpClient(url, apiKey!));
      const page = await api.schedulesPage({ pageSize: 1 });
      if (typeof page?.totalCount !== 'number') {
        throw new CliError(`The server at ${url} answered, but not like the JIM API (GET /api/v1/schedules). Check the URL.`);
      }
      const path = ctx.configPath();
      writeStoredConfig(path, { url, apiKey: apiKey! });
      ctx.out.line(`Connected to JIM at ${url} (${page.totalCount} schedule${page.totalCount === 1 ? '' : 's'}).`);
      ctx.out.line(`Settings saved to ${path}`);
      const overridden = [
        ctx.env.JIM_URL && normaliseUrl(ctx.env.JIM_URL) !== url ? 'JIM_URL' : null,
        ctx.env.JIM_API_KEY && ctx.env.JIM_API_KEY.trim() !== apiKey ? 'JIM_API_KEY' : null,
      ].filter(Boolean);
      if (overridden.length > 0) {
        ctx.out.error(`Note: ${overridden.join(' and ')} ${overridden.length > 1 ? 'are' : 'is'} set and will override the saved settings.`);
      }
    });
}
