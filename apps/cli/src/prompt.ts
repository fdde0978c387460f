import { createInterface } from 'node:readline/promises';
import { CliError } from './errors';

export interface Prompter {
  /** True when a person can answer: standard input and the prompt's stream are terminals. */
  interactive(): boolean;
  confirm(question: string): Promise<boolean>;
}

export const terminalPrompter: Prompter = {
  interactive: () => Boolean(process.stdin.isTTY && process.stderr.isTTY),
  async confirm(question: string): Promise<boolean> {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  },
};

/** --force skips the question; without a terminal there is nobody to ask, so the command refuses. */
export async function confirmOrRefuse(prompter: Prompter, force: boolean | undefined, action: string): Promise<void> {
  if (force) return;
  if (!prompter.interactive()) {
    throw new CliError(`Refusing to ${action} without confirmation: not running on a terminal. Add --force to go ahead.`);
  }
  const capitalised = action.charAt(0).toUpperCase() + action.slice(1);
  if (!(await prompter.confirm(`${capitalised}?`))) throw new CliError('Cancelled: nothing was changed.');
}

/** All of standard input, for secrets given as "-" so they stay out of the process list and shell history. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
