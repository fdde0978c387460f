import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitFor, type RunningProcess } from '../support/processes';

const ROOT = join(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'dist/apps/launcher/src/main.js');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README sections whose shell blocks a newcomer runs on a fresh checkout: run here, verbatim, in this order. */
const RUN = ['Quick start (no setup)', 'Walkthrough (curl)'];
/** The sections whose shell blocks are not run here, and why (the README says so beside each of them). */
const NOT_RUN: Record<string, string> = {
  Production: 'needs your PostgreSQL and Redis',
  Tests: 'it is the test suite',
  'With JIM': 'needs a JIM instance',
};

interface ShellBlock {
  heading: string;
  code: string;
}

/** Every ```bash block of a Markdown text, with the heading it sits under. */
function shellBlocks(markdown: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  let heading = '';
  let code: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (code) {
      if (line.startsWith('```')) {
        blocks.push({ heading, code: code.join('\n') });
        code = null;
      } else code.push(line);
    } else if (line.startsWith('```bash')) code = [];
    else if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '').trim();
  }
  return blocks;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // -e and pipefail: any failing command (curl --fail-with-body on an HTTP error, a failed wait) stops the run.
    execFile('bash', ['-c', `set -eo pipefail\n${script}`], { cwd, env, maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** README.md, on a fresh `npm ci && npm start` (the launcher from dist/ in an empty folder), run as a newcomer would. */
describe('README quick start and walkthrough, verbatim', () => {
  const blocks = shellBlocks(README);
  const folder = mkdtempSync(join(tmpdir(), 'jim-readme-'));
  let port: number;
  let product: RunningProcess;
  let atReady: string;

  const call = async (path: string) => {
    const key = readFileSync(join(folder, 'data', 'admin-api-key'), 'utf8').trim();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (await fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'X-API-Key': key } }).then((r) => r.json())) as any;
  };

  beforeAll(async () => {
    port = await freePort();
    // The checkout as the walkthrough sees it: package.json (for `npm run jim`) and the build; data goes to ./data here.
    symlinkSync(join(ROOT, 'package.json'), join(folder, 'package.json'));
    symlinkSync(join(ROOT, 'dist'), join(folder, 'dist'));
    product = await startProcess(LAUNCHER, { PORT: String(port), NODE_ENV: '', HOME: folder }, /This mode is for evaluation.*\n/, 90_000, folder);
    atReady = product.output();
  });
  afterAll(async () => {
    await product?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('has no shell block outside the sections it runs or explicitly skips', () => {
    const unknown = blocks.filter((b) => !RUN.includes(b.heading) && !(b.heading in NOT_RUN)).map((b) => b.heading);
    expect(unknown).toEqual([]);
    const unmarked = Object.values(NOT_RUN).filter((why) => !README.includes(`<!-- Not run by test/embedded/readme-walkthrough.e2e-spec.ts: ${why}. -->`));
    expect(unmarked).toEqual([]);
  });

  it("quick start: `npm ci` then `npm start`, which builds and runs the launcher this suite started", () => {
    expect(blocks.filter((b) => b.heading === RUN[0]).map((b) => b.code)).toEqual(['npm ci\nnpm start']);
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.start).toBe('npm run build && node dist/apps/launcher/src/main.js');
    expect(atReady).toContain(`http://localhost:${port}`);
    expect(atReady).toContain(readFileSync(join(folder, 'data', 'admin-api-key'), 'utf8').trim());
  });

  it('prints start-up for a person: no route mapping at the default level, JSON lines, and the banner last', () => {
    expect(atReady).not.toMatch(/Mapped \{|RoutesResolver|RouterExplorer|InstanceLoader/);
    const bannerAt = atReady.indexOf('JIM Schedules is running at');
    const before = atReady.slice(0, bannerAt).split('\n').filter((line) => line.trim() !== '');
    // Not a terminal: every log line is one JSON object, and both processes have started before the banner.
    expect(before.length).toBeGreaterThan(0);
    for (const line of before) expect(() => JSON.parse(line)).not.toThrow();
    expect(before.map((line) => JSON.parse(line).msg)).toEqual(expect.arrayContaining([expect.stringMatching(/^Listening on /), expect.stringMatching(/^Worker started/)]));
    const banner = atReady.slice(bannerAt);
    expect(banner).toContain(`http://localhost:${port}/api/reference`);
    expect(banner.trimEnd().split('\n').at(-1)).toMatch(/^This mode is for evaluation/);
  });

  it('GET / sends a browser to the interactive reference (302)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/api/reference');
  });

  it('walkthrough: every command succeeds and the first schedule runs to Complete', async () => {
    const walkthrough = blocks.filter((b) => b.heading === RUN[1]).map((b) => b.code).join('\n');
    expect(walkthrough).toContain('API=http://localhost:3000\n');
    const script = walkthrough.replace('API=http://localhost:3000\n', `API=http://localhost:${port}\n`);
    const { code, output } = await bash(script, folder, { PATH: process.env.PATH ?? '', HOME: folder });
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('"status":"Complete"') });

    const [hello] = (await call('/api/v1/schedules?search=Hello')).items;
    const executions = (await call(`/api/v1/schedule-executions?scheduleId=${hello.id}`)).items;
    expect(executions.map((e: { status: string }) => e.status)).toEqual(['Complete']);
    const detail = await call(`/api/v1/schedule-executions/${executions[0].id}`);
    expect(detail.steps[0]).toMatchObject({ status: 'Completed', exitCode: 0, stdoutTail: expect.stringContaining('hello from JIM Schedules') });
    // The cancelled long step ends Cancelled, its process stopped.
    const [slow] = (await call('/api/v1/schedules?search=Slow')).items;
    const cancelled = await waitFor(async () => {
      const [e] = (await call(`/api/v1/schedule-executions?scheduleId=${slow.id}`)).items;
      return e?.status === 'Cancelled' ? e : undefined;
    }, 30_000, 250);
    expect(cancelled.status).toBe('Cancelled');
  });
});
