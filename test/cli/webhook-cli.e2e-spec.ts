import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { startWorker, type RunningProcess } from '../support/processes';
import { createTestApp, type TestApp } from '../support/test-app';
import { workerEnv } from '../worker/worker-harness';

/** The built command, run exactly as users run it. */
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

describe('jim webhook', () => {
  let t: TestApp;
  let worker: RunningProcess;
  let receiver: Server;
  let hookUrl: string;
  const received: { headers: Record<string, string>; body: string }[] = [];
  const env = { JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };

  function jim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const address = t.http.address() as AddressInfo;
    const childEnv: NodeJS.ProcessEnv = { ...process.env, JIM_URL: `http://127.0.0.1:${address.port}`, JIM_API_KEY: t.adminKey, NO_COLOR: '1' };
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [CLI, ...args], { env: childEnv, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
      child.stdin?.end();
    });
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(req.url === '/gone' ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    t = await createTestApp(env);
    await t.app.listen(0, '127.0.0.1');
    worker = await startWorker(workerEnv(t, env));
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('adds a webhook (secret shown once), lists it, tests it with a signed Ping, lists its deliveries, and removes it', async () => {
    const added = await jim(['webhook', 'add', '--url', hookUrl, '--event', 'executionfailed', '--event', 'RunSkipped', '--description', 'pager']);
    expect(added.code).toBe(0);
    const id = /Webhook ([0-9a-f-]{36}) created\./.exec(added.stdout)![1];
    const secret = /Secret:\s+(whsec_\S+)/.exec(added.stdout)![1];
    expect(added.stdout).toContain('Events:     ExecutionFailed, RunSkipped');
    expect(added.stdout).toContain('Store the secret now: it is not shown again.');

    const list = await jim(['webhook', 'list']);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+${hookUrl.replace(/[.]/g, '\\.')}\\s+ExecutionFailed,RunSkipped\\s+all\\s+yes`));
    expect(list.stdout).not.toContain(secret);

    const tested = await jim(['webhook', 'test', id]);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/^Ping [0-9a-f-]{36} delivered \(HTTP 200\)\.$/m);
    const [ping] = received;
    expect(new Webhook(secret).verify(ping.body, ping.headers)).toMatchObject({ type: 'Ping', data: { webhook: { id } } });

    const deliveries = await jim(['webhook', 'deliveries', id]);
    expect(deliveries.stdout.split('\n')[0]).toMatch(/^ID\s+EVENT\s+STATUS\s+ATTEMPTS\s+LAST CODE\s+NEXT ATTEMPT\s+CREATED\s+LAST ERROR$/);
    expect(deliveries.stdout).toMatch(/Ping\s+Delivered\s+1\s+200\s+-/);
    const asJson = JSON.parse((await jim(['webhook', 'deliveries', id, '--json'])).stdout);
    expect(asJson).toHaveLength(1);
    expect(asJson[0]).toMatchObject({ event: 'Ping', status: 'Delivered', attempts: 1, lastStatusCode: 200 });

    const refused = await jim(['webhook', 'remove', id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('without confirmation');
    expect((await jim(['webhook', 'remove', id, '--force'])).stdout).toContain(`Webhook ${id} deleted.`);
    expect((await jim(['webhook', 'list'])).stdout.trim()).toBe('No webhooks.');
  });

  it('exits 1 with the reason when the Ping is not delivered', async () => {
    const added = JSON.parse((await jim(['webhook', 'add', '--url', hookUrl.replace('/hook', '/gone'), '--event', 'ExecutionFailed', '--json'])).stdout);
    const tested = await jim(['webhook', 'test', added.id]);
    expect(tested.code).toBe(1);
    expect(tested.stderr).toMatch(/Ping [0-9a-f-]{36} failed: HTTP 500/);
  });

  it('refuses an unknown event and a missing one as usage errors, and shows the API error for a refused URL', async () => {
    const unknown = await jim(['webhook', 'add', '--url', hookUrl, '--event', 'Sometimes']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('must be one of ExecutionCompleted');
    const missing = await jim(['webhook', 'add', '--url', hookUrl]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--event <event>' not specified");
    const badUrl = await jim(['webhook', 'add', '--url', 'ftp://x', '--event', 'RunSkipped']);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toContain('must be an absolute http or https URL');
  });
});
