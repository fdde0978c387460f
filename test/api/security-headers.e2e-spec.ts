import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import { CHROMIUM, CHROMIUM_ARGS, describeInChromium, recordCspViolations } from '../support/chromium';
import { expectSecurityHeaders } from '../support/security-headers';
import { createTestApp, type TestApp } from '../support/test-app';

describe('Security headers', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  it('are on API responses, successes and errors alike', async () => {
    expectSecurityHeaders(await t.api().get('/api/v1/schedules').expect(200));
    expectSecurityHeaders(await t.api().post('/api/v1/schedules').send({}).expect(400));
    expectSecurityHeaders(await request(t.http).get('/api/v1/schedules').expect(401));
    expectSecurityHeaders(await request(t.http).get('/no/such/route').expect(404));
    expectSecurityHeaders(await request(t.http).get('/health/live'));
  });

  it('are on the reference page, its assets and the OpenAPI document', async () => {
    const page = await request(t.http).get('/api/reference').redirects(1).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectSecurityHeaders(page);
    expectSecurityHeaders(await request(t.http).get('/api/reference/swagger-ui-init.js').expect(200));
    expectSecurityHeaders(await request(t.http).get('/api/openapi/v1.json').expect(200));
  });

  it('are on the queue dashboard', async () => {
    expectSecurityHeaders(await request(t.http).get('/admin/queues').set('X-API-Key', t.adminKey).expect(200));
  });

  describeInChromium('in headless Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    });
    afterAll(() => browser?.close());

    it('renders the reference under its Content-Security-Policy, without a violation', async () => {
      const context = await browser.newContext();
      const cspViolations = await recordCspViolations(context);
      const page = await context.newPage();
      const response = await page.goto(`${base}/api/reference`);
      expect(response?.status()).toBe(200);
      // Swagger UI has run its scripts, fetched the document and drawn its operations.
      await page.getByRole('heading', { name: /JIM Schedules API/ }).first().waitFor();
      await page.locator('.opblock-tag', { hasText: 'Schedules' }).first().waitFor();
      await page.locator('.opblock-summary-path', { hasText: '/api/v1/schedules' }).first().waitFor();
      expect(await cspViolations()).toEqual([]);
      await context.close();
    });
  });
});
