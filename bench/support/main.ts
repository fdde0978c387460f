import { cleanupAll } from './cleanup';
import type { Report } from './report';
import { entry } from './runtime';

export interface BenchOptions {
  /** The short form: small counts, timing misses are WARN. */
  ci: boolean;
}

/** Runs a benchmark as a command: cleans up whatever happens; exit 1 on a FAIL (in the CI form only when broken). */
export function runAsCommand(bench: (options: BenchOptions) => Promise<Report[]>): void {
  const ci = process.argv.includes('--ci');
  Promise.resolve()
    .then(() => entry('api'))
    .then(() => bench({ ci }))
    .then((reports) => {
      const broken = reports.some((r) => r.broken);
      const missed = reports.some((r) => r.missedTargets);
      if (broken || (!ci && missed)) process.exitCode = 1;
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    })
    .finally(() => cleanupAll().then(() => process.exit()));
}
