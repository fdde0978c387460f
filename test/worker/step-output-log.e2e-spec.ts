import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STEP_QUEUE_TOKEN, stepJobId } from '@jim/queue';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import type { RunningProcess } from '../support/processes';
import { exe, finished, runSteps, startWorkers } from './worker-harness';

const CAP_BYTES = 64 * 1024;
const LINE = 'x'.repeat(99);
const LINES = 200_000;
/** What the fixture prints: a first line, 20 MB of 100-byte lines, a last line. */
const OUTPUT_BYTES = 'FIRST LINE\n'.length + LINES * (LINE.length + 1) + 'LAST LINE\n'.length;
const MARKER = /^… (\d+) bytes omitted …$/;

describe('Step output in the job log (real worker process)', () => {
  let t: TestApp;
  let workers: RunningProcess[];
  const dir = mkdtempSync(join(tmpdir(), 'jim-step-log-'));
  const script = join(dir, 'chatty.sh');

  beforeAll(async () => {
    writeFileSync(script, `#!/bin/sh\necho "FIRST LINE"\nyes '${LINE}' | head -n ${LINES}\necho "LAST LINE"\n`);
    chmodSync(script, 0o755);
    t = await createTestApp();
    workers = await startWorkers(t, 1);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  });

  it('keeps at most 64 KiB of a 20 MB output: its head, a marker with the bytes left out, and its tail', async () => {
    const id = await runSteps(t, 'Chatty', [exe(0, script, null, { name: 'chatty' })]);
    const done = await finished(t, id, 120_000);
    expect(done.status).toBe('Complete');
    expect(done.steps[0].stdoutTail!.endsWith('LAST LINE\n')).toBe(true);

    const [step] = await t.db.query(`SELECT id FROM schedule_execution_steps WHERE execution_id = $1`, [id]);
    const jobId = stepJobId(step.id);
    const { logs } = await t.app.get<Queue>(STEP_QUEUE_TOKEN).getJobLogs(jobId);
    const lines = logs.join('\n').split('\n');
    const markers = lines.filter((line) => MARKER.test(line));
    expect(markers).toHaveLength(1);
    const output = lines.filter((line) => !MARKER.test(line));
    const keptBytes = output.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    expect(keptBytes).toBeLessThanOrEqual(CAP_BYTES);
    expect(keptBytes).toBeGreaterThan(CAP_BYTES - 2 * (LINE.length + 1));
    expect(Number(MARKER.exec(markers[0])![1])).toBe(OUTPUT_BYTES - keptBytes);
    expect(output[0]).toBe('FIRST LINE');
    expect(output.at(-1)).toBe('LAST LINE');
    expect(output.slice(1, -1).filter((line) => line !== LINE)).toEqual([]);
    // The marker sits between the head and the tail.
    expect(lines.indexOf(markers[0])).toBeGreaterThan(0);
    expect(lines.indexOf(markers[0])).toBeLessThan(lines.length - 1);

    // The dashboard's log view answers with the same bounded log.
    const res = await request(t.http).get(`/admin/queues/api/queues/schedule-steps/${encodeURIComponent(jobId)}/logs`).set('X-API-Key', t.adminKey).expect(200);
    expect(res.body).toEqual(logs);
    expect(Buffer.byteLength(res.text)).toBeLessThan(CAP_BYTES + 4096);
  });
});
