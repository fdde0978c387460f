import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './errors';

/** What `jim connect` stores. */
export interface StoredConfig {
  url: string;
  apiKey: string;
}

/** Where the settings come from, for messages. */
export interface Connection extends StoredConfig {
  source: { url: 'env' | 'file'; apiKey: 'env' | 'file' };
}

export type Env = Record<string, string | undefined>;

/** `$XDG_CONFIG_HOME/jim/config.json`, or `~/.config/jim/config.json`. */
export function configPath(env: Env = process.env): string {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  const base = xdg ? xdg : join(env.HOME?.trim() || homedir(), '.config');
  return join(base, 'jim', 'config.json');
}

export function readStoredConfig(path: string): Partial<StoredConfig> | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object') throw new Error('not a JSON object');
    const { url, apiKey } = parsed as Record<string, unknown>;
    return {
      url: typeof url === 'string' ? url : undefined,
      apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    };
  } catch (error) {
    throw new CliError(`${path} is not valid: ${(error as Error).message}. Run jim connect again to rewrite it.`);
  }
}

/** Written to a temporary file first, so a crash never leaves half a file; only the owner may read it. */
export function writeStoredConfig(path: string, config: StoredConfig): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ url: config.url, apiKey: config.apiKey }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** JIM_URL and JIM_API_KEY override the stored values, each on its own. */
export function resolveConnection(env: Env = process.env, path = configPath(env)): Connection {
  const envUrl = env.JIM_URL?.trim();
  const envKey = env.JIM_API_KEY?.trim();
  const stored = envUrl && envKey ? null : readStoredConfig(path);
  const url = envUrl || stored?.url;
  const apiKey = envKey || stored?.apiKey;
  if (!url || !apiKey) {
    const missing = [!url && 'URL', !apiKey && 'API key'].filter(Boolean).join(' and no ');
    throw new CliError(
      `Not connected to JIM (no ${missing} configured). ` +
        `Run jim connect --url <url> --api-key <key>, or set JIM_URL and JIM_API_KEY.`,
    );
  }
  return {
    url: normaliseUrl(url),
    apiKey,
    source: { url: envUrl ? 'env' : 'file', apiKey: envKey ? 'env' : 'file' },
  };
}

/** An http(s) base URL without a trailing slash; a path prefix (behind a reverse proxy) is kept. */
export function normaliseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new CliError(`Invalid URL: '${value}'. Give the API's base address, for example http://localhost:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`Invalid URL: '${value}'. Only http:// and https:// are supported`);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}
