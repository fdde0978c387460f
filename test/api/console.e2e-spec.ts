import { recordSkippedRun } from '@jim/persistence';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { CONSOLE_CONTENT_SECURITY_POLICY, consoleDirectory } from '../../apps/api/src/console/console';
import type { RunningProcess } from '../support/processes';
import { CHROMIUM, CHROMIUM_ARGS, describeInChromium, recordCspViolations } from '../support/chromium';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWorkers } from '../worker/worker-harness';

const SCREENSHOTS = join(__dirname, '../../docs/screenshots');

/** Committed documentation; rewritten only when missing or with UPDATE_SCREENSHOTS=1, so test runs leave the tree clean. */
async function keepScreenshot(page: Page, name: string): Promise<void> {
  const target = join(SCREENSHOTS, `${name}.png`);
  const path = existsSync(target) && process.env.UPDATE_SCREENSHOTS !== '1' ? join(tmpdir(), `${name}.png`) : target;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, await page.screenshot({ fullPage: true }));
}

describe('Operator console (/console)', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    if (!consoleDirectory()) throw new Error('dist/console is missing: run "npm run build" before this suite');
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  describe('over HTTP', () => {
    it.each(['/console', '/console/', '/console/schedules/new', '/console/executions/6f1c7d0e-0000-4000-8000-000000000000'])(
      '%s serves the page without a key, under the console policy',
      async (path) => {
        const res = await request(t.http).get(path).expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toContain('<div id="app"></div>');
        expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
        expect(res.headers['content-security-policy']).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
        expect(res.headers['content-security-policy']).toContain("style-src 'self';");
        expect(res.headers['x-frame-options']).toBe('DENY');
      },
    );

    it('serves its script and styles, and answers 404 with the error body for an unknown asset', async () => {
      const html = (await request(t.http).get('/console/').expect(200)).text;
      const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
      expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
      for (const asset of assets) {
        const res = await request(t.http).get(asset).expect(200);
        expect(res.headers['cache-control']).toContain('immutable');
      }
      const missing = await request(t.http).get('/console/assets/nope.js').expect(404);
      expect(missing.body.code).toBe('NOT_FOUND');
    });

    it('leaves the policy of the other pages as it was', async () => {
      const res = await request(t.http).get('/api/reference/').expect(200);
      expect(res.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    });
  });

  describeInChromium('in Chromium', () => {
    let browser: Browser;
    let workers: RunningProcess[] = [];
    let context: BrowserContext;
    let cspViolations: () => Promise<string[]>;
    let page: Page;
    let scheduleId: string;

    beforeAll(async () => {
      workers = await startWorkers(t, 1);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
      cspViolations = await recordCspViolations(context);
      page = await context.newPage();
    });
    afterAll(async () => {
      await browser?.close();
      await Promise.all(workers.map((w) => w.stop()));
    });

    it('without a key asks for one and shows no data; a refused key is asked for again', async () => {
      await t.api().post('/api/v1/schedules').send({ name: 'Existing Secret Schedule', triggerType: 'Manual' }).expect(201);
      const apiCalls: string[] = [];
      page.on('request', (r) => r.url().includes('/api/') && apiCalls.push(r.url()));
      await page.goto(`${base}/console/`);
      await page.locator('#api-key').waitFor();
      expect(await page.locator('main').innerText()).not.toContain('Existing Secret Schedule');
      expect(apiCalls).toEqual([]);
      await keepScreenshot(page, 'console-key-prompt');

      await page.fill('#api-key', 'jim_ak_' + 'f'.repeat(64));
      await page.click('button[type=submit]');
      await page.getByRole('alert').filter({ hasText: 'The API refused the key' }).waitFor();
      expect(await page.locator('#api-key').isVisible()).toBe(true);
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      expect(page.url()).not.toContain('jim_ak_');

      await page.fill('#api-key', t.adminKey);
      await page.click('button[type=submit]');
      await page.locator('table.schedules').getByText('Existing Secret Schedule').waitFor();
      expect(apiCalls.every((url) => !url.includes(t.adminKey))).toBe(true);
    });

    it('shows a validation error beside its field: live from the preview, and from a save', async () => {
      await page.goto(`${base}/console/schedules/new`);
      await page.fill('#runTimes', '25:00');
      await page.locator('#runTimes-error').getByText('"25:00" is not a valid HH:mm time').waitFor();
      await page.click('button[type=submit]');
      await page.locator('#name-error').getByText('must be 1 to 200 characters').waitFor();
    });

    it('creates a schedule in the editor whose live preview matches next-runs, with the DST change in words', async () => {
      await page.goto(`${base}/console/schedules/new`);
      await page.fill('#name', 'Console Nightly');
      for (const day of ['Sun', 'Sat']) await page.getByLabel(day, { exact: true }).check();
      await page.fill('#runTimes', '01:30');
      await page.fill('#timeZone', 'Europe/London');
      await page.getByTestId('trigger-words').getByText('every day at 01:30, Europe/London').waitFor();
      await page.locator('.dst-notes li').filter({ hasText: 'the clocks in Europe/London go forward from 01:00 to 02:00: 01:30 does not exist' }).waitFor();
      const previewed = await page.locator('.preview-runs tr[data-run]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')));
      expect(previewed).toHaveLength(10);

      for (let i = 0; i < 3; i++) await page.click('text=Add Executable step');
      const steps = page.locator('li.step');
      await steps.nth(0).getByLabel('Name').fill('Say hello');
      await steps.nth(0).getByLabel('Executable path').fill('/bin/echo');
      await steps.nth(0).getByLabel('Arguments').fill('hello from the console');
      await steps.nth(1).getByLabel('Name').fill('Wait a little');
      await steps.nth(1).getByLabel('Executable path').fill('/bin/sleep');
      await steps.nth(1).getByLabel('Arguments').fill('1');
      await steps.nth(1).getByLabel('Parallel with previous').check();
      await steps.nth(2).getByLabel('Name').fill('Say goodbye');
      await steps.nth(2).getByLabel('Executable path').fill('/bin/echo');
      await steps.nth(2).getByLabel('Arguments').fill('done');
      await keepScreenshot(page, 'console-editor');
      await page.click('button[type=submit]');
      await page.waitForURL(/\/console\/schedules\/[0-9a-f-]{36}$/);
      scheduleId = page.url().split('/').pop()!;
      await page.getByTestId('trigger-words').getByText('every day at 01:30, Europe/London').waitFor();

      const saved = await t.api().get(`/api/v1/schedules/${scheduleId}`).expect(200);
      expect(saved.body.steps.map((s: { name: string; stepIndex: number }) => [s.name, s.stepIndex])).toEqual([
        ['Say hello', 0],
        ['Wait a little', 0],
        ['Say goodbye', 1],
      ]);
      const nextRuns = await t.api().get(`/api/v1/schedules/${scheduleId}/next-runs`).expect(200);
      expect(previewed).toEqual(nextRuns.body.nextRuns);
    });

    it('shows the schedule on the upcoming timeline, with its runs over 7 days and where they cluster', async () => {
      for (let i = 1; i <= 5; i++) {
        await t.api().post('/api/v1/schedules').send({ name: `Nightly export ${i}`, triggerType: 'Cron', daysOfWeek: '0,1,2,3,4,5,6', runTimes: '02:00', isEnabled: true }).expect(201);
      }
      for (const team of ['HR', 'Finance', 'Payroll']) {
        await t.api().post('/api/v1/schedules').send({ name: `${team} delta sync`, triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '1,2,3,4,5', intervalValue: 1, intervalUnit: 'Hours', isEnabled: true }).expect(201);
      }
      const apiPaths: string[] = [];
      const onRequest = (r: { url(): string }) => {
        const path = new URL(r.url()).pathname;
        if (path.startsWith('/api/')) apiPaths.push(path);
      };
      page.on('request', onRequest);
      await page.goto(`${base}/console/upcoming`);
      await page.locator('[data-schedule="Console Nightly"]').waitFor();
      // One request for every schedule's fire times, not one per schedule.
      expect(apiPaths).toEqual(['/api/v1/schedules/upcoming']);
      page.off('request', onRequest);
      await page.click('text=Next 7 days');
      await page.locator('[data-schedule="Console Nightly"]').getByText('(7)').waitFor();
      expect(page.url()).toMatch(/\/console\/upcoming\?range=week$/);
      // Weekdays at 02:00 UTC: five nightly exports and three hourly syncs.
      await page.getByTestId('peak').getByText(/^8 runs from .* 02:00 UTC$/).waitFor();
      expect(await page.locator('svg.density rect.peak').count()).toBeGreaterThan(0);
      await keepScreenshot(page, 'console-upcoming');
    });

    it('runs it and watches the execution timeline reach Complete, with each step on it', async () => {
      await page.goto(`${base}/console/schedules/${scheduleId}`);
      await page.click('text=Run now');
      await page.waitForURL(/\/console\/executions\//);
      await page.getByTestId('execution-status').getByText('Complete', { exact: true }).waitFor({ timeout: 30_000 });
      expect(await page.locator('.gantt-row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-step'), r.getAttribute('data-status')]))).toEqual([
        ['Say hello', 'Completed'],
        ['Wait a little', 'Completed'],
        ['Say goodbye', 'Completed'],
      ]);
      expect(await page.locator('.gantt-row .bar.running').count()).toBe(3);
      // The second group starts after the first: its bar begins right of where the parallel pair began.
      const left = (name: string) => page.locator(`.gantt-row[data-step="${name}"] .bar.running`).evaluate((bar) => bar.getBoundingClientRect().left);
      expect(await left('Say goodbye')).toBeGreaterThan(await left('Wait a little'));
      expect(await page.locator('.step-output pre').first().textContent()).toContain('hello from the console');
      expect(await page.getByRole('button', { name: 'Cancel execution' }).count()).toBe(0);
      await keepScreenshot(page, 'console-execution');
    });

    it('shows the schedule page with its history diff, and the list at desktop and phone width', async () => {
      await t.api().put(`/api/v1/schedules/${scheduleId}`).send({
        name: 'Console Nightly',
        triggerType: 'Cron',
        daysOfWeek: '0,1,2,3,4,5,6',
        runTimes: '01:30,06:00',
        timeZone: 'Europe/London',
        isEnabled: true,
        steps: (await t.api().get(`/api/v1/schedules/${scheduleId}`)).body.steps,
        changeReason: 'Morning run too',
      }).expect(200);
      const reason = 'Previous execution still running (overlap policy: skip)';
      await recordSkippedRun(t.db.manager, scheduleId, new Date('2026-07-13T00:30:00Z'), reason, null);
      await page.goto(`${base}/console/schedules/${scheduleId}`);
      await page.locator('.card').filter({ hasText: 'Skipped runs' }).getByText(reason).waitFor();
      await page.click('text=v2 Update');
      await page.locator('table.diff').getByText('06:00').first().waitFor();
      await page.locator('.step-list').getByText('Say hello').waitFor();
      await keepScreenshot(page, 'console-schedule');

      await page.goto(`${base}/console/`);
      await page.locator('table.schedules').getByText('Console Nightly').waitFor();
      await keepScreenshot(page, 'console-schedules');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await page.locator('table.schedules').getByText('Console Nightly').waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
      await keepScreenshot(page, 'console-schedules-phone');
      await page.setViewportSize({ width: 1280, height: 800 });
    });

    it('reorders steps by drag and by buttons, and groups them with Parallel with previous', async () => {
      await page.goto(`${base}/console/schedules/new`);
      await page.fill('#name', 'Reordered');
      await page.selectOption('#triggerType', 'Manual');
      for (let i = 0; i < 3; i++) await page.click('text=Add Executable step');
      const steps = page.locator('li.step');
      for (const [i, name] of ['first', 'second', 'third'].entries()) {
        await steps.nth(i).getByLabel('Name').fill(name);
        await steps.nth(i).getByLabel('Executable path').fill('/bin/true');
      }
      await steps.nth(2).locator('.step-head').dragTo(steps.nth(0).locator('.step-head'));
      await page.getByRole('button', { name: 'Move step 3 down' }).waitFor();
      await page.getByRole('button', { name: 'Move step 2 down' }).click();
      await steps.nth(2).getByLabel('Parallel with previous').check();
      await page.selectOption('#overlapPolicy', 'BufferAll');
      await page.fill('#catchUpWindowSeconds', '120');
      await page.fill('#jitterSeconds', '15');
      await page.click('button[type=submit]');
      await page.waitForURL(/\/console\/schedules\/[0-9a-f-]{36}$/);
      const saved = await t.api().get(`/api/v1/schedules/${page.url().split('/').pop()}`).expect(200);
      expect(saved.body.steps.map((s: { name: string; stepIndex: number }) => [s.name, s.stepIndex])).toEqual([
        ['third', 0],
        ['second', 1],
        ['first', 1],
      ]);
      expect(saved.body).toMatchObject({ overlapPolicy: 'BufferAll', catchUpWindowSeconds: 120, jitterSeconds: 15 });
    });

    it('picks a RunProfile step\'s connected system and run profile from the catalogue', async () => {
      const system = await t.api().post('/api/v1/synchronisation/connected-systems').send({ name: 'HR Directory' }).expect(201);
      const profile = await t.api().post(`/api/v1/synchronisation/connected-systems/${system.body.id}/run-profiles`).send({ name: 'Delta import', runType: 'DeltaImport' }).expect(201);
      await page.goto(`${base}/console/schedules/new`);
      await page.fill('#name', 'Catalogue pick');
      await page.selectOption('#triggerType', 'Manual');
      await page.click('text=Add RunProfile step');
      const step = page.locator('li.step').first();
      await step.getByLabel('Connected system').selectOption({ label: 'HR Directory' });
      await step.getByLabel('Run profile').selectOption({ label: 'Delta import (DeltaImport)' });
      await page.click('button[type=submit]');
      await page.waitForURL(/\/console\/schedules\/[0-9a-f-]{36}$/);
      const saved = await t.api().get(`/api/v1/schedules/${page.url().split('/').pop()}`).expect(200);
      expect(saved.body.steps).toEqual([
        expect.objectContaining({ stepType: 'RunProfile', connectedSystemId: system.body.id, runProfileId: profile.body.id, runProfileName: 'Delta import' }),
      ]);
    });

    it('is keyboard accessible: the enabled switch toggles from the keyboard', async () => {
      await page.goto(`${base}/console/`);
      const toggle = page.getByRole('switch', { name: 'Enabled: Console Nightly' });
      await toggle.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('switch', { name: 'Enabled: Console Nightly' }).and(page.locator('[aria-checked="false"]')).waitFor();
      expect((await t.api().get(`/api/v1/schedules/${scheduleId}`)).body.isEnabled).toBe(false);
    });

    it('cancels a running execution from its page: the step is marked cancelled', async () => {
      const slow = await t.api().post('/api/v1/schedules').send({
        name: 'Slow one',
        steps: [{ stepIndex: 0, stepType: 'Executable', name: 'Sleep long', executablePath: '/bin/sleep', arguments: '60' }],
      }).expect(201);
      const run = await t.api().post(`/api/v1/schedules/${slow.body.id}/run`).expect(202);
      await page.goto(`${base}/console/executions/${run.body.executionId}`);
      await page.locator('.gantt-row[data-step="Sleep long"][data-status="Processing"]').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Cancel execution' }).click();
      await page.getByTestId('execution-status').getByText('Cancelled', { exact: true }).waitFor({ timeout: 30_000 });
      await page.locator('.gantt-row[data-step="Sleep long"][data-status="Cancelled"] .flag').getByText('✕ cancelled').waitFor({ timeout: 30_000 });
      expect(await page.getByRole('button', { name: 'Cancel execution' }).count()).toBe(0);
    });

    it("shows JIM's activity and progress on a RunProfile step", async () => {
      const system = await t.api().post('/api/v1/synchronisation/connected-systems').send({ name: 'HR' }).expect(201);
      const profile = await t.api().post(`/api/v1/synchronisation/connected-systems/${system.body.id}/run-profiles`).send({ name: 'Delta Import', runType: 'DeltaImport' }).expect(201);
      const schedule = await t.api().post('/api/v1/schedules').send({
        name: 'On JIM',
        steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: system.body.id, runProfileId: profile.body.id }],
      }).expect(201);
      const run = await t.api().post(`/api/v1/schedules/${schedule.body.id}/run`).expect(202);
      // What the JIM poller writes for a run in flight (the adapter itself is covered by test/worker/jim-sync).
      await t.db.query(
        `UPDATE schedule_execution_steps SET activity_id = $2, activity_status = 'InProgress', progress = $3::jsonb WHERE execution_id = $1`,
        [run.body.executionId, '0b4a7e8e-1111-4222-8333-444455556666', JSON.stringify({ percentComplete: 42, objectsProcessed: 4200, objectsToProcess: 10000, phase: 'Importing objects' })],
      );
      await page.goto(`${base}/console/executions/${run.body.executionId}`);
      // Without a sync engine here the step fails at once; a failed step's section opens by itself.
      await page.getByTestId('execution-status').getByText('Failed', { exact: true }).waitFor({ timeout: 30_000 });
      const output = page.locator('.step-output').first();
      await output.getByText('activity 0b4a7e8e-1111-4222-8333-444455556666 (InProgress)').waitFor();
      const progress = output.locator('.jim-progress');
      await progress.getByRole('progressbar', { name: 'JIM progress' }).waitFor();
      expect(await progress.getByRole('progressbar').getAttribute('value')).toBe('42');
      expect(await progress.textContent()).toContain(' 42%');
      expect(await progress.textContent()).toContain('Importing objects');
      expect(await progress.textContent()).toMatch(/4,200 \/ 10,000 objects/);
    });

    it('marks a step that timed out', async () => {
      const slow = await t.api().post('/api/v1/schedules').send({
        name: 'Too slow',
        steps: [{ stepIndex: 0, stepType: 'Executable', name: 'Sleep past timeout', executablePath: '/bin/sleep', arguments: '30', timeoutSeconds: 1 }],
      }).expect(201);
      const run = await t.api().post(`/api/v1/schedules/${slow.body.id}/run`).expect(202);
      await page.goto(`${base}/console/executions/${run.body.executionId}`);
      await page.getByTestId('execution-status').getByText('Failed', { exact: true }).waitFor({ timeout: 30_000 });
      await page.locator('.gantt-row[data-step="Sleep past timeout"] .flag').getByText('⏱ timed out').waitFor({ timeout: 30_000 });
      await page.locator('.step-output').getByText('Timed out after 1 s').first().waitFor();
    });

        it('broke no rule of the Content Security Policy on any page', async () => {
      expect(await cspViolations()).toEqual([]);
    });
  });
});
