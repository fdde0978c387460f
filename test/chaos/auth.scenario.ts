import { errorBodyProblem, Stack, type ChaosOptions, type HttpResult, type Scenario, type ScenarioResult } from './harness';

/** Routes every caller may use (they must work without a key). */
const PUBLIC_PREFIXES = ['/health/', '/metrics', '/api/openapi/', '/api/reference'];
const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

/**
 * Used when the OpenAPI document is missing: the routes of test/api/auth.e2e-spec.ts plus the ones added since.
 * `{id}` and friends are filled in with real ids.
 */
const FALLBACK_ROUTES: [string, string][] = [
  ['get', '/api/v1/schedules'],
  ['post', '/api/v1/schedules'],
  ['get', '/api/v1/schedules/{id}'],
  ['put', '/api/v1/schedules/{id}'],
  ['delete', '/api/v1/schedules/{id}'],
  ['post', '/api/v1/schedules/{id}/enable'],
  ['post', '/api/v1/schedules/{id}/disable'],
  ['get', '/api/v1/schedules/{id}/next-runs'],
  ['post', '/api/v1/schedules/{id}/run'],
  ['get', '/api/v1/schedules/{id}/skipped-runs'],
  ['get', '/api/v1/schedules/{id}/change-history'],
  ['get', '/api/v1/schedules/{id}/change-history/compare'],
  ['get', '/api/v1/schedules/{id}/change-history/{version}'],
  ['get', '/api/v1/schedule-executions'],
  ['get', '/api/v1/schedule-executions/active'],
  ['get', '/api/v1/schedule-executions/{id}'],
  ['post', '/api/v1/schedule-executions/{id}/cancel'],
  ['get', '/api/v1/synchronisation/connected-systems'],
  ['post', '/api/v1/synchronisation/connected-systems'],
  ['get', '/api/v1/synchronisation/connected-systems/{id}'],
  ['delete', '/api/v1/synchronisation/connected-systems/{id}'],
  ['get', '/api/v1/synchronisation/connected-systems/{id}/run-profiles'],
  ['post', '/api/v1/synchronisation/connected-systems/{id}/run-profiles'],
  ['delete', '/api/v1/synchronisation/connected-systems/{id}/run-profiles/{runProfileId}'],
  ['get', '/api/v1/apikeys'],
  ['post', '/api/v1/apikeys'],
  ['get', '/api/v1/apikeys/{id}'],
  ['put', '/api/v1/apikeys/{id}'],
  ['delete', '/api/v1/apikeys/{id}'],
];

/** The queue dashboard is not an OpenAPI operation; it takes the key as X-API-Key or as the Basic password. */
const DASHBOARD_ROUTES: [string, string][] = [
  ['get', '/admin/queues'],
  ['get', '/admin/queues/api/queues'],
  ['get', '/admin/queues/api/redis/stats'],
  ['put', '/admin/queues/api/queues/schedule-ticks/pause'],
  ['put', '/admin/queues/api/queues/schedule-steps/clean/completed'],
  ['put', '/admin/queues/api/queues/schedule-ticks/retry/failed'],
];

interface Credential {
  label: string;
  headers: Record<string, string>;
  expected: 401 | 403;
  /** Only for the dashboard (Basic authentication). */
  dashboardOnly?: boolean;
}

const basic = (password: string) => ({ Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` });

/**
 * Every route of the application (from the OpenAPI document at /api/openapi/v1.json, with real ids in the paths;
 * a hard-coded list if the document is missing) and the queue dashboard, called with no key, a garbage key, an unknown
 * well-formed key, a disabled key, an expired key and a User-role key: not one may succeed (2xx/3xx); each must be
 * 401 UNAUTHORISED (403 FORBIDDEN for the User key) with the error body. Public routes must answer without a key, and
 * the Administrator key must get through on every read route (so a broken setup cannot pass by refusing everything).
 */
export const authScenario: Scenario = {
  name: 'auth',
  async run(options: ChaosOptions): Promise<ScenarioResult> {
    const stack = await Stack.create(options, { scenario: 'auth', workers: 0 });
    try {
      const newKey = async (body: Record<string, unknown>) => {
        const res = await stack.call('POST', '/api/v1/apikeys', body);
        if (res.status !== 201) throw new Error(`creating key ${JSON.stringify(body)} answered ${res.status}: ${res.text}`);
        return res.body as { id: string; key: string };
      };
      const user = await newKey({ name: 'Chaos user', roles: ['User'] });
      const disabled = await newKey({ name: 'Chaos disabled', roles: ['Administrator'], isEnabled: false });
      const expired = await newKey({ name: 'Chaos expired', roles: ['Administrator'], expiresAt: new Date(Date.now() + 60_000).toISOString() });
      await stack.query(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [expired.id]);

      // Real resources, so a missing check would show as a success rather than hide behind a 404.
      const scheduleId = await stack.createSchedule({ name: 'Auth target', steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] });
      const system = await stack.call('POST', '/api/v1/synchronisation/connected-systems', { name: 'Auth LDAP' });
      const profile = await stack.call('POST', `/api/v1/synchronisation/connected-systems/${system.body.id}/run-profiles`, { name: 'Auth import', runType: 'FullImport' });
      const run = await stack.call('POST', `/api/v1/schedules/${scheduleId}/run`);
      const executionId = run.body?.executionId ?? '7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1';
      const webhook = await stack.call('POST', '/api/v1/webhooks', { url: 'https://1.1.1.1/hook', description: 'Auth target', events: ['ExecutionFailed'], isEnabled: false });
      if (webhook.status !== 201) throw new Error(`creating a webhook answered ${webhook.status}: ${webhook.text}`);
      const backfilled = await stack.createSchedule({
        name: 'Auth backfill target',
        triggerType: 'Cron',
        patternType: 'Custom',
        cronExpression: '0 0 1 1 *',
        isEnabled: false,
        steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }],
      });
      const backfill = await stack.call('POST', `/api/v1/schedules/${backfilled}/backfill`, { startTime: '2020-01-01T00:00:00Z', endTime: '2020-01-02T00:00:00Z' });
      if (backfill.status !== 202) throw new Error(`starting a backfill answered ${backfill.status}: ${backfill.text}`);

      const fill = (path: string) => {
        const id = path.startsWith('/api/v1/synchronisation')
          ? String(system.body.id)
          : path.startsWith('/api/v1/schedule-executions')
            ? executionId
            : path.startsWith('/api/v1/apikeys')
              ? user.id
              : path.startsWith('/api/v1/webhooks')
                ? (webhook.body.id as string)
                : path.includes('{backfillId}')
                  ? backfilled
                  : scheduleId;
        const filled = path
          .replace('{id}', id)
          .replace('{runProfileId}', String(profile.body.id))
          .replace('{backfillId}', backfill.body.backfillId as string)
          .replace('{version}', '1')
          .replace(/\{[^}]+\}/g, '1');
        return filled.endsWith('/compare') ? `${filled}?fromVersion=1&toVersion=1` : filled;
      };

      // The routes.
      const doc = await stack.call('GET', '/api/openapi/v1.json', undefined, { headers: {} });
      let source: string;
      const routes: { method: string; path: string; isPublic: boolean }[] = [];
      if (doc.status === 200 && doc.body?.paths) {
        source = 'the OpenAPI document';
        for (const [path, item] of Object.entries(doc.body.paths as Record<string, Record<string, { security?: unknown[] }>>)) {
          for (const method of METHODS) {
            const op = item[method];
            if (!op) continue;
            const isPublic = (Array.isArray(op.security) && op.security.length === 0) || PUBLIC_PREFIXES.some((p) => path.startsWith(p));
            routes.push({ method, path: fill(path), isPublic });
          }
        }
      } else {
        source = `the built-in list (OpenAPI document answered ${doc.status})`;
        for (const [method, path] of FALLBACK_ROUTES) routes.push({ method, path: fill(path), isPublic: false });
        for (const path of ['/health/live', '/health/ready', '/metrics']) routes.push({ method: 'get', path, isPublic: true });
      }
      // The interactive reference is served next to the document, not described by it.
      if (!routes.some((r) => r.path.startsWith('/api/reference'))) routes.push({ method: 'get', path: '/api/reference', isPublic: true });
      for (const [method, path] of DASHBOARD_ROUTES) routes.push({ method, path, isPublic: false });
      const protectedRoutes = routes.filter((r) => !r.isPublic);
      const publicRoutes = routes.filter((r) => r.isPublic);

      const credentials: Credential[] = [
        { label: 'no key', headers: {}, expected: 401 },
        { label: 'garbage key', headers: { 'X-API-Key': 'garbage' }, expected: 401 },
        { label: 'unknown key', headers: { 'X-API-Key': `jim_ak_${'f'.repeat(64)}` }, expected: 401 },
        { label: 'disabled key', headers: { 'X-API-Key': disabled.key }, expected: 401 },
        { label: 'expired key', headers: { 'X-API-Key': expired.key }, expected: 401 },
        { label: 'User key', headers: { 'X-API-Key': user.key }, expected: 403 },
        { label: 'empty key', headers: { 'X-API-Key': '' }, expected: 401 },
        { label: 'Basic garbage', headers: basic('garbage'), expected: 401, dashboardOnly: true },
        { label: 'Basic disabled', headers: basic(disabled.key), expected: 401, dashboardOnly: true },
        { label: 'Basic expired', headers: basic(expired.key), expected: 401, dashboardOnly: true },
        { label: 'Basic User', headers: basic(user.key), expected: 403, dashboardOnly: true },
      ];

      const problems: string[] = [];
      const successes: string[] = [];
      const wrongStatus: string[] = [];
      const badBodies: string[] = [];
      let calls = 0;
      const perCredential = new Map<string, Map<number, number>>();
      const body = (method: string) => (method === 'post' || method === 'put' ? {} : undefined);
      const isSuccess = (r: HttpResult) => r.status >= 200 && r.status < 400;
      for (const credential of credentials) {
        const counts = new Map<number, number>();
        perCredential.set(credential.label, counts);
        for (const route of protectedRoutes) {
          if (credential.dashboardOnly && !route.path.startsWith('/admin/queues')) continue;
          const r = await stack.call(route.method.toUpperCase(), route.path, body(route.method), { headers: credential.headers });
          calls++;
          counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
          const what = `${credential.label} ${route.method.toUpperCase()} ${route.path} → ${r.status || r.error}`;
          if (isSuccess(r)) successes.push(what);
          else if (r.status !== credential.expected) wrongStatus.push(what);
          else if (errorBodyProblem(r) || r.body.code !== (credential.expected === 401 ? 'UNAUTHORISED' : 'FORBIDDEN')) badBodies.push(`${what} (${errorBodyProblem(r) ?? r.body.code})`);
        }
      }
      if (successes.length) problems.push(`${successes.length} requests succeeded without a valid Administrator key: ${successes.slice(0, 5).join('; ')}`);
      if (wrongStatus.length) problems.push(`${wrongStatus.length} answers were not the expected 401/403: ${wrongStatus.slice(0, 5).join('; ')}`);
      if (badBodies.length) problems.push(`${badBodies.length} refusals without the proper error body: ${badBodies.slice(0, 3).join('; ')}`);

      // Public routes answer without a key; the Administrator key gets through on every read route.
      const publicRefused: string[] = [];
      for (const route of publicRoutes) {
        const r = await stack.call(route.method.toUpperCase(), route.path, undefined, { headers: {} });
        calls++;
        if (r.status === 401 || r.status === 403 || r.status === 0) publicRefused.push(`${route.method.toUpperCase()} ${route.path} → ${r.status || r.error}`);
      }
      if (publicRefused.length) problems.push(`public routes refused without a key: ${publicRefused.join('; ')}`);
      const adminRefused: string[] = [];
      const reads = protectedRoutes.filter((r) => r.method === 'get');
      for (const route of reads) {
        const r = await stack.call('GET', route.path);
        calls++;
        if (!isSuccess(r)) adminRefused.push(`GET ${route.path} → ${r.status}`);
      }
      for (const route of reads.filter((r) => r.path.startsWith('/admin/queues'))) {
        const r = await stack.call('GET', route.path, undefined, { headers: basic(stack.adminKey) });
        calls++;
        if (!isSuccess(r)) adminRefused.push(`GET ${route.path} (Basic) → ${r.status}`);
      }
      if (adminRefused.length) problems.push(`the Administrator key was refused: ${adminRefused.join('; ')}`);

      const table = [...perCredential].map(([label, counts]) => `${label}: ${[...counts].map(([s, n]) => `${s}×${n}`).join(' ')}`);
      return {
        pass: problems.length === 0,
        summary:
          `${protectedRoutes.length} protected routes (from ${source}, incl. ${DASHBOARD_ROUTES.length} dashboard) × ${credentials.length} credentials: ` +
          `${successes.length} successes, ${wrongStatus.length} unexpected statuses, ${badBodies.length} bad bodies; ${publicRoutes.length} public routes open, ` +
          `Administrator key through on ${reads.length - adminRefused.length}/${reads.length} reads; ${calls} calls` +
          problems.map((p) => `; PROBLEM ${p}`).join(''),
        notes: table,
      };
    } finally {
      await stack.close();
    }
  },
};
