import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup } from './cleanup';
import { ROOT } from './env';

/**
 * The API, worker and migration entry points the benchmarks start, from a private copy of the build.
 * dist/ is shared: a rebuild while a benchmark runs (half-written files, aliases not yet rewritten) must not change
 * or break the processes it starts between runs. The copy sits inside the repository so node_modules resolves.
 */
let runtimeRoot: string | null = null;

const ENTRIES = ['apps/api/src/main.js', 'apps/worker/src/main.js', 'libs/persistence/src/migrate.cli.js'];

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsFiles(path) : path.endsWith('.js') ? [path] : [];
  });
}

/** Complete and with every path alias rewritten (tsc has finished and tsc-alias has run). */
function usable(dir: string): boolean {
  if (!ENTRIES.every((entry) => existsSync(join(dir, entry)))) return false;
  return jsFiles(dir).every((file) => !/require\("@jim\//.test(readFileSync(file, 'utf8')));
}

function snapshot(): string {
  const dir = join(ROOT, 'dist', 'bench', `.runtime-${process.pid}`);
  onCleanup('remove the private copy of the build', () => rmSync(dir, { recursive: true, force: true }));
  for (let attempt = 1; attempt <= 20; attempt++) {
    rmSync(dir, { recursive: true, force: true });
    for (const part of ['apps', 'libs']) cpSync(join(ROOT, 'dist', part), join(dir, part), { recursive: true });
    // The console's static files, served by the API at /console.
    if (existsSync(join(ROOT, 'dist', 'console'))) cpSync(join(ROOT, 'dist', 'console'), join(dir, 'console'), { recursive: true });
    if (usable(dir)) return dir;
    // A build is under way; wait for it to finish.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
  }
  throw new Error('dist/ stayed incomplete (is a build failing?): run "npm run build" and try again');
}

export function entry(kind: 'api' | 'worker' | 'migrate'): string {
  runtimeRoot ??= snapshot();
  return join(runtimeRoot, ENTRIES[kind === 'api' ? 0 : kind === 'worker' ? 1 : 2]);
}
