import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { prettyFactory } from 'pino-pretty';

/**
 * How the API's and the worker's log lines reach the person running `npm start`: on a terminal, one readable,
 * coloured line each (time, level, process, context, message); otherwise unchanged JSON, for whatever collects it.
 */
export function logLineFormatter(pretty: boolean): (line: string) => string {
  if (!pretty) return (line) => `${line}\n`;
  const prettify = prettyFactory({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}{context}: {end}{msg}',
    singleLine: true,
  });
  return (line) => {
    if (!line.startsWith('{')) return `${line}\n`;
    try {
      return prettify(line);
    } catch {
      return `${line}\n`;
    }
  };
}

/** Copies `from` to `to` line by line through `format`, each line written whole. */
export function forwardLines(from: Readable, to: Writable, format: (line: string) => string): void {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(format(line)));
}
