import { OUTPUT_TAIL_BYTES, OutputTail, redactSecrets } from '@jim/steps';

/** A step's output in its job log is capped like the stored tail: the first half of the budget and the last half. */
export const JOB_LOG_STEP_BYTES = OUTPUT_TAIL_BYTES;
const FLUSH_DELAY_MS = 500;

export interface StepJobLog {
  log(line: string): Promise<unknown>;
}

export function omittedMarker(bytes: number): string {
  return `… ${bytes} bytes omitted …`;
}

/**
 * Step output goes to the job log (dashboards show it) in batches, not one round trip per line, and at most
 * `limitBytes` of it per step run: the queue keeps the log with the job, so unbounded output would fill Redis.
 * Lines are logged as they come until the head half of the budget is used; later lines are held as a rolling tail
 * in memory and written, after a marker line with the number of bytes left out, when the step ends.
 * Sizes count each line's UTF-8 bytes plus its newline, after redaction.
 */
export class StepOutputJobLog {
  private pending: string[] = [];
  private timer?: NodeJS.Timeout;
  private headLeft: number;
  private tail: OutputTail | null = null;
  private tailBytes = 0;

  constructor(
    private readonly job: StepJobLog,
    private readonly secrets: readonly string[],
    private readonly limitBytes: number = JOB_LOG_STEP_BYTES,
  ) {
    this.headLeft = Math.floor(limitBytes / 2);
  }

  add(line: string): void {
    const text = this.secrets.length ? redactSecrets(line, this.secrets) : line;
    const bytes = Buffer.byteLength(text, 'utf8') + 1;
    if (this.tail === null && bytes <= this.headLeft) {
      this.headLeft -= bytes;
      this.pending.push(text);
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
      return;
    }
    // Already redacted: the tail needs no secrets of its own.
    this.tail ??= new OutputTail([], this.limitBytes - Math.floor(this.limitBytes / 2));
    this.tail.append(`${text}\n`);
    this.tailBytes += bytes;
  }

  /** Writes what is waiting; the head lines only, as the tail is written by `end`. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n');
    this.pending = [];
    // The job log is best-effort; a failure to write it must not fail the step.
    await this.job.log(text).catch(() => undefined);
  }

  /** Writes the head still waiting, then the marker and the kept tail when output was left out. */
  async end(): Promise<void> {
    const kept = this.keptTail();
    if (kept === null) return this.flush();
    const omitted = this.tailBytes - Buffer.byteLength(kept, 'utf8') - 1;
    if (omitted > 0) this.pending.push(omittedMarker(omitted));
    await this.flush();
    await this.job.log(kept).catch(() => undefined);
    this.tail = null;
    this.tailBytes = 0;
  }

  /** The rolling tail, starting at a whole line when the cut fell inside one (unless that line is all there is). */
  private keptTail(): string | null {
    const text = this.tail?.text();
    if (!text) return null;
    let kept = text.endsWith('\n') ? text.slice(0, -1) : text;
    if (Buffer.byteLength(text, 'utf8') < this.tailBytes) {
      const newline = kept.indexOf('\n');
      if (newline >= 0) kept = kept.slice(newline + 1);
    }
    return kept;
  }
}
