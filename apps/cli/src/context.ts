import { JimApi } from './api';
import { configPath, resolveConnection, type Env } from './config';
import { JimHttpClient } from './http';
import { Output } from './output';
import { terminalPrompter, type Prompter } from './prompt';

/** What every command needs; built once per run, the connection only when a command asks for it. */
export interface Context {
  out: Output;
  env: Env;
  prompter: Prompter;
  configPath(): string;
  api(): JimApi;
  sleep(ms: number): Promise<void>;
}

export function defaultContext(overrides: Partial<Context> = {}): Context {
  const env = overrides.env ?? process.env;
  let api: JimApi | undefined;
  return {
    out: new Output(),
    env,
    prompter: terminalPrompter,
    configPath: () => configPath(env),
    api() {
      if (!api) {
        const connection = resolveConnection(env, configPath(env));
        api = new JimApi(new JimHttpClient(connection.url, connection.apiKey));
      }
      return api;
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...overrides,
  };
}
