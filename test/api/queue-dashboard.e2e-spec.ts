import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Queue } from 'bullmq';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import { createApiKey } from '../../apps/api/src/api-keys/api-keys.service';
import { TICK_QUEUE_TOKEN } from '@jim/queue';
import { CHROMIUM, CHROMIUM_ARGS, describeInChromium, recordCspViolations } from '../support/chromium';
import { expectSecurityHeaders } from '../support/security-headers';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

/** Committed documentation; rewritten only when missing or with UPDATE_SCREENSHOTS=1, so test runs leave the tree clean. */
const SCREENSHOT = join(__dirname, '../../docs/screenshots/queue-dashboard.png');

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Queue dashboard (/admin/queues)', () => {
  let t: TestApp;
  let base: string;
  let userKey: string;
  const scheduleIds: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
    userKey = (await createApiKey(t.db, { name: 'user', roles: ['User'] })).key;
    for (const body of [
      { name: 'Morning Import', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '1,2,3,4,5', runTimes: '06:00', isEnabled: true },
      { name: 'Monthly Full Import', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 3 1-7 * 1', isEnabled: true },
    ]) {
      const res = await t.api().post('/api/v1/schedules').send(body).expect(201);
      scheduleIds.push(res.body.id);
    }
    // Creating an enabled cron schedule puts its job scheduler on the tick queue.
    const ticks = t.app.get<Queue>(TICK_QUEUE_TOKEN);
    expect(await ticks.getJobScheduler(`schedule:${scheduleIds[0]}`)).toMatchObject({ key: `schedule:${scheduleIds[0]}` });
  });
  afterAll(() => t.close());

  describe('over HTTP', () => {
    const paths = ['/admin/queues', '/admin/queues/', '/admin/queues/queue/schedule-ticks', '/admin/queues/api/queues', '/admin/queues/static/images/logo.svg'];

    it.each(paths)('%s without credentials: 401 asking for Basic credentials, with the error body', async (path) => {
      const res = await request(t.http).get(path);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="JIM queues"');
      expectErrorBody(res.body, 'UNAUTHORISED');
      expect(res.body.message).toBe('Authentication required');
    });

    it('refuses a wrong, unknown or malformed key, whichever way it is sent', async () => {
      const unknown = 'jim_ak_' + 'f'.repeat(64);
      for (const headers of [
        { Authorization: basic('admin', 'wrong') },
        { Authorization: basic('admin', unknown) },
        { Authorization: basic('admin', '') },
        { Authorization: 'Basic !!!' },
        { Authorization: `Bearer ${t.adminKey}` },
        { 'X-API-Key': unknown },
      ]) {
        const res = await request(t.http).get('/admin/queues').set(headers);
        expect({ headers, status: res.status }).toEqual({ headers, status: 401 });
        expect(res.headers['www-authenticate']).toBe('Basic realm="JIM queues"');
        expectErrorBody(res.body, 'UNAUTHORISED');
      }
    });

    it('refuses a key without the Administrator role: 403 FORBIDDEN', async () => {
      for (const headers of [{ Authorization: basic('someone', userKey) }, { 'X-API-Key': userKey }]) {
        const res = await request(t.http).get('/admin/queues/api/queues').set(headers);
        expect(res.status).toBe(403);
        expectErrorBody(res.body, 'FORBIDDEN');
        expect(res.body.message).toBe('Insufficient permissions (Administrator role required)');
        expect(res.headers['www-authenticate']).toBeUndefined();
      }
    });

    it('lets an Administrator key in, as the Basic password (any user name) or as X-API-Key', async () => {
      for (const headers of [{ Authorization: basic('admin', t.adminKey) }, { Authorization: basic('', t.adminKey) }, { 'X-API-Key': t.adminKey }]) {
        const res = await request(t.http).get('/admin/queues').set(headers);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toContain('<title>JIM queues</title>');
      }
    });

    it('shows the tick, step, run-profile and notification queues, and the job scheduler of each enabled cron schedule', async () => {
      const queues = await request(t.http).get('/admin/queues/api/queues').set('X-API-Key', t.adminKey).expect(200);
      const names = (queues.body.queues as { name: string }[]).map((q) => q.name).sort();
      expect(names).toEqual(['notifications', 'run-profiles', 'schedule-steps', 'schedule-ticks'].sort());
      expect(t.config.runProfileQueueName).toBe('run-profiles');

      const schedulers = await request(t.http).get('/admin/queues/api/job-schedulers?queueName=schedule-ticks').set('X-API-Key', t.adminKey).expect(200);
      const ids = (schedulers.body.schedulers as { id: string; queueName: string }[]).map((s) => s.id);
      expect(ids.sort()).toEqual(scheduleIds.map((id) => `schedule:${id}`).sort());
    });

    it('sends the security headers on the board, its API and its refusals', async () => {
      expectSecurityHeaders(await request(t.http).get('/admin/queues').set('X-API-Key', t.adminKey).expect(200));
      expectSecurityHeaders(await request(t.http).get('/admin/queues/api/queues').set('X-API-Key', t.adminKey).expect(200));
      expectSecurityHeaders(await request(t.http).get('/admin/queues').expect(401));
    });

    it('is read-only: the queues belong to the workers and the database', async () => {
      const res = await request(t.http)
        .put(`/admin/queues/api/queues/schedule-ticks/job-schedulers/${encodeURIComponent(`schedule:${scheduleIds[0]}`)}/remove`)
        .set('X-API-Key', t.adminKey);
      expect(res.status).toBe(405);
      expect(await t.app.get<Queue>(TICK_QUEUE_TOKEN).getJobScheduler(`schedule:${scheduleIds[0]}`)).toMatchObject({ key: `schedule:${scheduleIds[0]}` });
    });
  });

  describeInChromium('in headless Chromium', () => {
    let browser: Browser;
    const external: string[] = [];

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    });
    afterAll(() => browser?.close());

    async function adminPage() {
      const context = await browser.newContext({ httpCredentials: { username: 'admin', password: t.adminKey }, viewport: { width: 1440, height: 520 } });
      // The machine is offline: anything not served by the API (the board's web font) is answered locally.
      await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
        external.push(route.request().url());
        return route.abort();
      });
      return context.newPage();
    }

    it('loads the board, lists the three queues, and shows the schedule job schedulers on the tick queue', async () => {
      const page = await adminPage();
      const cspViolations = await recordCspViolations(page.context());
      const response = await page.goto(`${base}/admin/queues`);
      expect(response?.status()).toBe(200);
      for (const name of ['schedule-ticks', 'schedule-steps', 'run-profiles']) {
        await page.getByRole('link', { name, exact: true }).first().waitFor();
      }

      await page.goto(`${base}/admin/queues/queue/schedule-ticks`);
      await page.getByText(`repeat:schedule:${scheduleIds[0]}:`, { exact: false }).first().waitFor();
      // The queue's "Schedulers" view: one job scheduler per enabled cron schedule.
      await page.locator('a, button').filter({ hasText: /^\s*Schedulers\s*2\s*$/ }).click();
      await page.waitForURL(/\/admin\/queues\/job-schedulers\?queueName=schedule-ticks$/);
      for (const id of scheduleIds) await page.getByText(`schedule:${id}`, { exact: true }).waitFor();
      await page.getByText('0 6 * * 1,2,3,4,5').waitFor();

      const image = await page.screenshot();
      const target = existsSync(SCREENSHOT) && process.env.UPDATE_SCREENSHOTS !== '1' ? join(tmpdir(), 'queue-dashboard.png') : SCREENSHOT;
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, image);
      expect(image.length).toBeGreaterThan(10_000);
      expect(external.filter((url) => !url.startsWith('https://fonts.googleapis.com/'))).toEqual([]);
      expect(await cspViolations()).toEqual([]);
      await page.context().close();
    });

    it('answers 401 to a browser without credentials, which then shows nothing', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const answered = page.waitForResponse(`${base}/admin/queues`);
      // Headless Chromium has nobody to ask for credentials, so it abandons the navigation on the challenge.
      await expect(page.goto(`${base}/admin/queues`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
      const response = await answered;
      expect(response.status()).toBe(401);
      expect(await response.headerValue('www-authenticate')).toBe('Basic realm="JIM queues"');
      await context.close();
    });

    it('answers 403 to a browser with a non-Administrator key', async () => {
      const context = await browser.newContext({ httpCredentials: { username: 'someone', password: userKey } });
      const page = await context.newPage();
      const response = await page.goto(`${base}/admin/queues`);
      expect(response?.status()).toBe(403);
      await context.close();
    });
  });

  describe('rate limits, shared with the API: 3 failed authentications per minute per address', () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await createTestApp({ JIM_RATE_LIMIT_ENABLED: 'true', JIM_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '3', JIM_RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '5' });
    });
    afterAll(() => limited.close());

    it('answers guessed Basic passwords with 429 and Retry-After once the limit is used, and the API shares the count', async () => {
      const guesses = [];
      for (let i = 0; i < 4; i++) guesses.push(await request(limited.http).get('/admin/queues').set('Authorization', basic('admin', `guess-${i}`)));
      expect(guesses.map((res) => res.status)).toEqual([401, 401, 401, 429]);
      const refused = guesses[3];
      expectErrorBody(refused.body, 'TOO_MANY_REQUESTS');
      expect(refused.body.message).toBe('Too many requests. Please retry after the indicated delay.');
      expect(refused.body.details).toBe('The limit is 3 unauthenticated requests per minute per client address.');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      // A 429 is not a challenge: the browser must not prompt again.
      expect(refused.headers['www-authenticate']).toBeUndefined();
      expectSecurityHeaders(refused);
      // Requests without credentials and the API's own routes count in the same bucket.
      expect((await request(limited.http).get('/admin/queues/api/queues')).status).toBe(429);
      expect((await request(limited.http).get('/api/v1/schedules').set('X-API-Key', 'jim_ak_' + 'f'.repeat(64))).status).toBe(429);
    });

    it('counts an Administrator key on the board against the same per-key limit as the API', async () => {
      const { key } = await createApiKey(limited.db, { name: 'board', roles: ['Administrator'] });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await request(limited.http).get('/admin/queues/api/queues').set('Authorization', basic('admin', key))).status);
      for (let i = 0; i < 3; i++) statuses.push((await request(limited.http).get('/api/v1/schedules').set('X-API-Key', key)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const res = await request(limited.http).get('/admin/queues').set('Authorization', basic('admin', key));
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    });
  });
});
