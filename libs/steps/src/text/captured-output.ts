import { LineSplitter } from './line-splitter';
import { OutputTail } from './output-tail';
import { redactSecrets } from './redact-secrets';

/** One output stream of a step: its redacted tail for the result, and each redacted line for the job log. */
export class CapturedOutput {
  private readonly tail: OutputTail;
  private readonly lines: LineSplitter;

  constructor(secrets: readonly string[], log: (line: string) => void, linePrefix = '') {
    this.tail = new OutputTail(secrets);
    this.lines = new LineSplitter((line) => log(linePrefix + redactSecrets(line, secrets)));
  }

  write(chunk: Buffer | string): void {
    this.tail.append(chunk);
    this.lines.push(chunk);
  }

  /** Writes a whole line (the text plus a newline). */
  writeLine(line: string): void {
    this.write(`${line}\n`);
  }

  end(): void {
    this.lines.end();
  }

  text(): string | null {
    return this.tail.text();
  }
}
