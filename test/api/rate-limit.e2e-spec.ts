import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApiKey, ensureInfrastructureKey } from '../../apps/api/src/api-keys/api-keys.service';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';
const MESSAGE = 'Too many requests. Please retry after the indicated delay.';
const UNKNOWN_KEY = 'jim_ak_' + 'f'.repeat(64);

function expectTooMany(res: request.Response): void {
  expect(res.status).toBe(429);
  expectErrorBody(res.body, 'TOO_MANY_REQUESTS');
  expect(res.body.message).toBe(MESSAGE);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  const seconds = Number(res.headers['retry-after']);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(60);
}

async function statuses(t: TestApp, count: number, key?: string, path = S): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = request(t.http).get(path);
    result.push((await (key === undefined ? r : r.set('X-API-Key', key))).status);
  }
  return result;
}

describe('Rate limits', () => {
  describe('enabled: 5 per minute per key, 3 per minute per address', () => {
    let t: TestApp;
    beforeAll(
      async () =>
        (t = await createTestApp({
          JIM_RATE_LIMIT_ENABLED: 'true',
          JIM_RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '5',
          JIM_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '3',
        })),
    );
    afterAll(() => t.close());

    it('lets 5 calls of a key through, answers the 6th with 429, the error body and Retry-After', async () => {
      const { key } = await createApiKey(t.db, { name: 'busy', roles: ['Administrator'] });
      expect(await statuses(t, 5, key)).toEqual([200, 200, 200, 200, 200]);
      const res = await request(t.http).get(S).set('X-API-Key', key);
      expectTooMany(res);
      expect(res.body.details).toBe('The limit is 5 requests per minute per API key.');
      // Every route counts, and rejected calls stay rejected.
      expectTooMany(await request(t.http).get(`${S}/not-a-guid/change-history`).set('X-API-Key', key));
    });

    it('counts each key on its own', async () => {
      const a = await createApiKey(t.db, { name: 'a', roles: ['Administrator'] });
      const b = await createApiKey(t.db, { name: 'b', roles: ['Administrator'] });
      expect(await statuses(t, 6, a.key)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(await statuses(t, 5, b.key)).toEqual([200, 200, 200, 200, 200]);
      expect(await statuses(t, 1, b.key)).toEqual([429]);
    });

    it('counts forbidden calls too (limiting comes before the role check)', async () => {
      const { key } = await createApiKey(t.db, { name: 'user', roles: ['User'] });
      expect(await statuses(t, 6, key)).toEqual([403, 403, 403, 403, 403, 429]);
    });

    it('never limits the infrastructure key', async () => {
      const key = `jim_ak_${randomBytes(32).toString('hex')}`;
      await ensureInfrastructureKey(t.db, key);
      expect(new Set(await statuses(t, 20, key))).toEqual(new Set([200]));
    });

    it('answers unauthenticated calls with 401 up to the per-address limit, then 429; a valid key still gets through', async () => {
      const first = await statuses(t, 1);
      const rest = [
        (await request(t.http).get(S).set('X-API-Key', 'garbage')).status,
        (await request(t.http).get(S).set('X-API-Key', UNKNOWN_KEY)).status,
      ];
      expect([...first, ...rest]).toEqual([401, 401, 401]);
      for (const r of [request(t.http).get(S), request(t.http).get(S).set('X-API-Key', UNKNOWN_KEY), request(t.http).post(S).send({})]) {
        const res = await r;
        expectTooMany(res);
        expect(res.body.details).toBe('The limit is 3 unauthenticated requests per minute per client address.');
      }
      // Authenticated calls from the same address are counted per key, not per address.
      await t.api().get(S).expect(200);
    });
  });

  describe('disabled', () => {
    let t: TestApp;
    beforeAll(
      async () =>
        (t = await createTestApp({
          JIM_RATE_LIMIT_ENABLED: 'false',
          JIM_RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '1',
          JIM_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '1',
        })),
    );
    afterAll(() => t.close());

    it('never answers 429', async () => {
      expect(new Set(await statuses(t, 10, t.adminKey))).toEqual(new Set([200]));
      expect(new Set(await statuses(t, 10))).toEqual(new Set([401]));
      expect(new Set(await statuses(t, 10, UNKNOWN_KEY))).toEqual(new Set([401]));
    });
  });
});
