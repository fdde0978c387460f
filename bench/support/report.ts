import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { machineInfo, RESULTS_DIR, ROOT } from './env';

export type Verdict = 'PASS' | 'FAIL' | 'WARN';

export interface Check {
  name: string;
  verdict: Verdict;
  /** A timing target (noisy) rather than a correctness condition. */
  timing: boolean;
  detail: string;
}

/**
 * Collects a benchmark's checks and figures and writes them to bench/results/<name>.json.
 * In the CI form a missed timing target is a WARN: a shared, noisy machine must not fail a build;
 * a broken system (lost runs, errors) still fails.
 */
export class Report {
  readonly checks: Check[] = [];
  readonly data: Record<string, unknown> = {};
  private readonly started = new Date();
  private readonly machine = machineInfo();

  constructor(
    readonly name: string,
    readonly ci: boolean,
  ) {}

  section(title: string): void {
    console.log(`\n== ${title}`);
  }

  line(text: string): void {
    console.log(`   ${text}`);
  }

  /** A target on a speed figure. */
  target(name: string, pass: boolean, detail: string): void {
    this.add({ name, verdict: pass ? 'PASS' : this.ci ? 'WARN' : 'FAIL', timing: true, detail });
  }

  /** Something that must hold whatever the machine's speed (no lost runs, no errors). */
  require(name: string, pass: boolean, detail: string): void {
    this.add({ name, verdict: pass ? 'PASS' : 'FAIL', timing: false, detail });
  }

  private add(check: Check): void {
    this.checks.push(check);
    console.log(`${check.verdict.padEnd(4)} ${check.name}: ${check.detail}`);
  }

  get broken(): boolean {
    return this.checks.some((c) => c.verdict === 'FAIL' && !c.timing);
  }

  get missedTargets(): boolean {
    return this.checks.some((c) => c.verdict === 'FAIL' && c.timing);
  }

  write(fileName = `${this.name}.json`): string {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, fileName);
    const body = {
      benchmark: this.name,
      form: this.ci ? 'ci' : 'full',
      started: this.started.toISOString(),
      finished: new Date().toISOString(),
      machine: { ...this.machine, loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100) },
      ...this.data,
      checks: this.checks,
    };
    writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
    console.log(`\nWrote ${relative(ROOT, path)}`);
    return path;
  }
}
