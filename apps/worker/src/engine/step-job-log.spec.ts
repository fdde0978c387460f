import { JOB_LOG_STEP_BYTES, StepOutputJobLog, omittedMarker } from './step-job-log';

/** A job log as the queue keeps it: one entry per `log` call. */
function fakeJob() {
  const entries: string[] = [];
  return { entries, log: async (text: string) => entries.push(text), bytes: () => entries.reduce((sum, e) => sum + Buffer.byteLength(e) + 1, 0) };
}

describe('StepOutputJobLog', () => {
  it('writes short output whole, without a marker', async () => {
    const job = fakeJob();
    const log = new StepOutputJobLog(job, []);
    for (const line of ['one', 'two', 'three']) log.add(line);
    await log.end();
    expect(job.entries).toEqual(['one\ntwo\nthree']);
  });

  it('keeps the head and the tail of long output, with the number of bytes left out between them', async () => {
    const job = fakeJob();
    const log = new StepOutputJobLog(job, []);
    const lines = Array.from({ length: 200_000 }, (_, i) => `line ${String(i).padStart(6, '0')}`); // 11 bytes + newline each
    for (const line of lines) log.add(line);
    await log.end();

    const text = job.entries.join('\n');
    const logged = text.split('\n');
    const marker = logged.findIndex((line) => line.startsWith('…'));
    expect(marker).toBeGreaterThan(0);
    const head = logged.slice(0, marker);
    const tail = logged.slice(marker + 1);
    expect(head).toEqual(lines.slice(0, head.length));
    expect(tail).toEqual(lines.slice(lines.length - tail.length));
    const omittedBytes = (lines.length - head.length - tail.length) * 12;
    expect(logged[marker]).toBe(omittedMarker(omittedBytes));
    expect(job.bytes()).toBeLessThanOrEqual(JOB_LOG_STEP_BYTES + 64);
    expect(job.bytes()).toBeGreaterThan(JOB_LOG_STEP_BYTES - 64);
  });

  it('writes nothing past the head while the step runs: the tail waits in memory until the end', async () => {
    const job = fakeJob();
    const log = new StepOutputJobLog(job, [], 1000);
    for (let i = 0; i < 10_000; i++) log.add(`line ${i}`);
    await log.flush();
    expect(job.bytes()).toBeLessThanOrEqual(500);
    await log.end();
    expect(job.entries.at(-1)!.endsWith('line 9999')).toBe(true);
    expect(job.bytes()).toBeLessThanOrEqual(1000 + omittedMarker(100_000).length + 1);
  });

  it('redacts before it counts and cuts, so a secret never reaches the log', async () => {
    const job = fakeJob();
    const log = new StepOutputJobLog(job, ['hunter2'], 100);
    for (let i = 0; i < 50; i++) log.add(`password hunter2 #${i}`);
    await log.end();
    const text = job.entries.join('\n');
    expect(text).not.toMatch(/hunter|unter2|ter2/);
    expect(text).toContain('password *** #0');
    expect(text).toContain('password *** #49');
  });

  it('keeps the end of a single line longer than the tail budget', async () => {
    const job = fakeJob();
    const log = new StepOutputJobLog(job, [], 100);
    log.add(`${'x'.repeat(1000)}END`);
    await log.end();
    expect(job.entries).toEqual([omittedMarker(954), `${'x'.repeat(46)}END`]);
  });
});
