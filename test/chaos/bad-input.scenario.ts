import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorBodyProblem, percentile, seconds, Stack, type ChaosOptions, type HttpResult, type Scenario, type ScenarioResult } from './harness';
import { generate, type BadRequest, type Job, type References } from './bad-input.requests';

const CONCURRENCY = 16;

interface Outcome {
  request: BadRequest;
  result: HttpResult;
}

interface Snapshot {
  schedules: Map<string, string>;
  steps: Map<string, { scheduleId: string; hash: string }>;
  maxChangeId: number;
  counts: Record<string, number>;
}

const COUNTED_TABLES = ['connected_systems', 'run_profiles', 'api_keys', 'schedule_executions', 'skipped_runs'];

async function snapshot(stack: Stack): Promise<Snapshot> {
  const schedules = await stack.query<{ id: string; hash: string }>(`SELECT id, md5(s::text) AS hash FROM schedules s`);
  const steps = await stack.query<{ id: string; schedule_id: string; hash: string }>(`SELECT id, schedule_id, md5(st::text) AS hash FROM schedule_steps st`);
  const [{ max }] = await stack.query<{ max: string | null }>(`SELECT max(id) AS max FROM configuration_changes`);
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) counts[table] = (await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  return {
    schedules: new Map(schedules.map((r) => [r.id, r.hash])),
    steps: new Map(steps.map((r) => [r.id, { scheduleId: r.schedule_id, hash: r.hash }])),
    maxChangeId: Number(max ?? 0),
    counts,
  };
}

function sample(outcomes: Outcome[], n = 3): string {
  return outcomes
    .slice(0, n)
    .map((o) => `[${o.request.category}: ${o.request.label.slice(0, 70)} → ${o.result.status || o.result.error}${o.result.body?.code ? ` ${o.result.body.code}` : ''}${o.result.body?.message ? ` "${String(o.result.body.message).slice(0, 60)}"` : ''}]`)
    .join(' ');
}

/**
 * 10,000 (CI 1,000) generated invalid or hostile requests from one seed (`--seed`): wrong types, values at and one
 * past every limit, bodies over 3 MiB, nesting up to 60,000 levels, unicode and NUL characters, SQL and shell
 * metacharacters in names, paths and arguments, path traversal and junk ids, junk query strings, numeric and
 * miscased enums, unknown properties, malformed JSON, wrong content types, and duplicate names sent concurrently.
 * No answer may be a 5xx; every non-2xx must carry the error body; nothing may be written for a rejected request:
 * the rows of schedules, schedule_steps and configuration_changes (and the counts of the other tables) are compared
 * before and after, allowing exactly what the accepted requests wrote.
 */
export const badInputScenario: Scenario = {
  name: 'bad-input',
  async run(options: ChaosOptions): Promise<ScenarioResult> {
    const total = options.ci ? 1000 : 10_000;
    const stack = await Stack.create(options, { scenario: 'bad-input', workers: 0 });
    try {
      const system = await stack.call('POST', '/api/v1/synchronisation/connected-systems', { name: 'Fuzz LDAP' });
      const profile = await stack.call('POST', `/api/v1/synchronisation/connected-systems/${system.body.id}/run-profiles`, { name: 'Fuzz import', runType: 'DeltaImport' });
      const scheduleIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        scheduleIds.push(
          await stack.createSchedule({
            name: `Fuzz baseline ${i}`,
            triggerType: 'Cron',
            patternType: 'SpecificTimes',
            daysOfWeek: '1',
            runTimes: '05:00',
            steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }],
          }),
        );
      }
      const keys = await stack.call('GET', '/api/v1/apikeys');
      const infrastructure = (keys.body as { id: string; isInfrastructure: boolean }[]).find((k) => k.isInfrastructure);
      const refs: References = { connectedSystemId: system.body.id, runProfileId: profile.body.id, scheduleIds, apiKeyId: infrastructure!.id };
      const jobs = generate(total, options.seed, refs);
      const before = await snapshot(stack);

      const outcomes: Outcome[] = [];
      const races: Outcome[][] = [];
      const send = async (request: BadRequest): Promise<Outcome> => {
        const result = await stack.call(request.method, request.path, request.body, {
          headers: { 'X-API-Key': stack.adminKey, ...(request.headers ?? {}) },
          timeoutMs: 30_000,
        });
        const outcome = { request, result };
        outcomes.push(outcome);
        return outcome;
      };
      const started = Date.now();
      let next = 0;
      const worker = async () => {
        for (;;) {
          const job: Job | undefined = jobs[next++];
          if (!job) return;
          if ('race' in job) races.push(await Promise.all(job.race.map(send)));
          else await send(job);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const elapsed = Date.now() - started;
      writeFileSync(
        join(stack.logDir, 'outcomes.jsonl'),
        outcomes
          .map((o) =>
            JSON.stringify({
              category: o.request.category,
              label: o.request.label.slice(0, 200),
              verdict: o.request.verdict,
              method: o.request.method,
              path: o.request.path.slice(0, 200),
              status: o.result.status,
              code: o.result.body?.code ?? null,
              message: typeof o.result.body?.message === 'string' ? o.result.body.message.slice(0, 200) : null,
              ms: o.result.ms,
            }),
          )
          .join('\n') + '\n',
      );
      const after = await snapshot(stack);

      // Answers.
      const problems: string[] = [];
      const serverErrors = outcomes.filter((o) => o.result.status >= 500 || o.result.status <= 0);
      const rejected = outcomes.filter((o) => !(o.result.status >= 200 && o.result.status < 300));
      const badBodies = rejected.filter((o) => o.result.status > 0 && errorBodyProblem(o.result) !== null);
      const wronglyAccepted = outcomes.filter((o) => o.request.verdict === 'reject' && o.result.status >= 200 && o.result.status < 300);
      const wronglyRejected = outcomes.filter((o) => o.request.verdict === 'accept' && !(o.result.status >= 200 && o.result.status < 300));
      if (serverErrors.length) {
        // One example of each kind of request that broke the API.
        const kinds = new Map<string, Outcome[]>();
        for (const o of serverErrors) {
          const kind = `${o.request.category}: ${o.request.label.replace(/\d+/g, 'N').slice(0, 40)}`;
          kinds.set(kind, [...(kinds.get(kind) ?? []), o]);
        }
        problems.push(`${serverErrors.length} answers were 5xx or none, ${kinds.size} kinds: ${[...kinds].map(([k, list]) => `${k} ×${list.length}`).join(', ')}`);
      }
      if (badBodies.length) problems.push(`${badBodies.length} non-2xx answers without the error body (${errorBodyProblem(badBodies[0].result)}): ${sample(badBodies)}`);
      if (wronglyAccepted.length) problems.push(`${wronglyAccepted.length} invalid requests were accepted: ${sample(wronglyAccepted)}`);
      if (wronglyRejected.length) problems.push(`${wronglyRejected.length} valid requests were rejected: ${sample(wronglyRejected)}`);
      const badRaces = races.filter((group) => group.filter((o) => o.result.status === 201).length !== 1 || group.some((o) => o.result.status !== 201 && o.result.status !== 409));
      if (badRaces.length) problems.push(`${badRaces.length}/${races.length} duplicate-name races did not end with exactly one 201 and the rest 409: ${badRaces[0].map((o) => o.result.status).join(',')}`);

      // Rows: everything new or changed must belong to an accepted request.
      const ok = (o: Outcome) => o.result.status >= 200 && o.result.status < 300;
      const isSchedulePath = (o: Outcome) => /^\/api\/v1\/schedules(\/[0-9a-f-]{36})?$/.test(o.request.path.split('?')[0]);
      const createdSchedules = new Map<string, number>();
      for (const o of outcomes.filter((o) => ok(o) && o.request.method === 'POST' && isSchedulePath(o) && o.result.status === 201)) {
        createdSchedules.set(o.result.body.id, (o.result.body.steps ?? []).length);
      }
      const updatedSchedules = new Set(outcomes.filter((o) => ok(o) && o.request.method === 'PUT' && isSchedulePath(o)).map((o) => o.request.path.split('/').pop()!.toLowerCase()));
      const otherAccepted = outcomes.filter((o) => ok(o) && o.request.method !== 'GET' && !isSchedulePath(o));
      const acceptedTargets = new Set<string>([...createdSchedules.keys(), ...updatedSchedules]);
      for (const o of otherAccepted) if (o.result.body?.id !== undefined) acceptedTargets.add(String(o.result.body.id));

      const newSchedules = [...after.schedules.keys()].filter((id) => !before.schedules.has(id));
      const unexplained = newSchedules.filter((id) => !createdSchedules.has(id));
      const missing = [...createdSchedules.keys()].filter((id) => !after.schedules.has(id));
      const changed = [...before.schedules].filter(([id, hash]) => after.schedules.get(id) !== hash).map(([id]) => id);
      const changedUnexplained = changed.filter((id) => !updatedSchedules.has(id));
      if (unexplained.length) {
        const names = await stack.query(`SELECT name FROM schedules WHERE id = ANY($1::uuid[])`, [unexplained]);
        problems.push(`${unexplained.length} schedules written without a 2xx: ${names.slice(0, 5).map((r) => JSON.stringify(r.name).slice(0, 60)).join(', ')}`);
      }
      if (missing.length) problems.push(`${missing.length} schedules answered 201 but are not in the database`);
      if (changedUnexplained.length) problems.push(`${changedUnexplained.length} existing schedules changed without an accepted request`);
      const stepOwner = (id: string) => after.steps.get(id)?.scheduleId ?? before.steps.get(id)?.scheduleId ?? '';
      const stepChanges = [...new Set([...before.steps.keys(), ...after.steps.keys()])].filter((id) => before.steps.get(id)?.hash !== after.steps.get(id)?.hash);
      const stepUnexplained = stepChanges.filter((id) => !createdSchedules.has(stepOwner(id)) && !updatedSchedules.has(stepOwner(id)));
      if (stepUnexplained.length) problems.push(`${stepUnexplained.length} schedule_steps rows written or changed without an accepted request`);
      const stepCountMismatch: string[] = [];
      for (const [id, n] of createdSchedules) {
        const inDb = [...after.steps.values()].filter((s) => s.scheduleId === id).length;
        if (inDb !== n) stepCountMismatch.push(`${id}: ${inDb} rows for ${n} steps`);
      }
      if (stepCountMismatch.length) problems.push(`created schedules with the wrong number of step rows: ${stepCountMismatch.slice(0, 3).join(', ')}`);
      const changes = await stack.query<{ target_id: string; target_type: string; operation: string }>(
        `SELECT target_id, target_type, operation FROM configuration_changes WHERE id > $1`,
        [before.maxChangeId],
      );
      const changesUnexplained = changes.filter((c) => !acceptedTargets.has(c.target_id));
      if (changesUnexplained.length) problems.push(`${changesUnexplained.length} configuration_changes rows for no accepted request (${changesUnexplained.slice(0, 3).map((c) => `${c.operation} ${c.target_type} ${c.target_id}`).join(', ')})`);
      // Enable, disable and delete of a schedule record a change too (with their changeReason).
      const isScheduleStateChange = (o: Outcome) =>
        (o.request.method === 'POST' && /^\/api\/v1\/schedules\/[0-9a-f-]{36}\/(enable|disable)$/i.test(o.request.path.split('?')[0])) ||
        (o.request.method === 'DELETE' && isSchedulePath(o));
      const acceptedMutations =
        createdSchedules.size + outcomes.filter((o) => ok(o) && ((o.request.method === 'PUT' && isSchedulePath(o)) || isScheduleStateChange(o))).length;
      const scheduleChanges = changes.filter((c) => createdSchedules.has(c.target_id) || updatedSchedules.has(c.target_id)).length;
      if (scheduleChanges > acceptedMutations) problems.push(`${scheduleChanges} schedule change records for ${acceptedMutations} accepted schedule writes`);
      const created = (prefix: RegExp) => outcomes.filter((o) => o.result.status === 201 && o.request.method === 'POST' && prefix.test(o.request.path)).length;
      const expectedCounts: Record<string, number> = {
        connected_systems: before.counts.connected_systems + created(/^\/api\/v1\/synchronisation\/connected-systems$/),
        run_profiles: before.counts.run_profiles + created(/^\/api\/v1\/synchronisation\/connected-systems\/[^/]+\/run-profiles$/),
        api_keys: before.counts.api_keys + created(/^\/api\/v1\/apikeys$/),
        schedule_executions: before.counts.schedule_executions + outcomes.filter((o) => o.result.status === 202).length,
        skipped_runs: before.counts.skipped_runs,
      };
      for (const table of COUNTED_TABLES) {
        if (after.counts[table] !== expectedCounts[table]) problems.push(`${table}: ${after.counts[table]} rows, expected ${expectedCounts[table]}`);
      }

      // Report.
      const statuses = new Map<number, number>();
      for (const o of outcomes) statuses.set(o.result.status, (statuses.get(o.result.status) ?? 0) + 1);
      const byCategory = new Map<string, { n: number; accepted: number }>();
      for (const o of outcomes) {
        const c = byCategory.get(o.request.category) ?? { n: 0, accepted: 0 };
        c.n++;
        if (ok(o)) c.accepted++;
        byCategory.set(o.request.category, c);
      }
      const latencies = outcomes.map((o) => o.result.ms);
      const summary =
        `${outcomes.length} requests (seed ${options.seed}): ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s || 'none'} ×${n}`).join(', ')}; ` +
        `${serverErrors.length} 5xx, ${badBodies.length} without the error body, ${wronglyAccepted.length} invalid accepted, ${wronglyRejected.length} valid rejected; ` +
        `${unexplained.length + changedUnexplained.length + stepUnexplained.length + changesUnexplained.length} rows written for rejected requests ` +
        `(${createdSchedules.size} created + ${updatedSchedules.size} updated schedules accounted for); ${races.length - badRaces.length}/${races.length} name races with one winner` +
        problems.map((p) => `; PROBLEM ${p}`).join('');
      const prototypeNamed = outcomes.filter((o) => /__proto__|constructor/.test(o.request.label) && ok(o));
      const notes = [
        `by category (requests/accepted): ${[...byCategory].map(([k, v]) => `${k} ${v.n}/${v.accepted}`).join(', ')}`,
        `${seconds(elapsed)} at ${CONCURRENCY} concurrent (${Math.round(outcomes.length / (elapsed / 1000))} req/s); latency p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms`,
        ...(prototypeNamed.length
          ? [`${prototypeNamed.length} requests with a "__proto__" or "constructor" property were accepted: class-transformer drops properties named like Object.prototype members before the unknown-property check (nothing is polluted or stored)`]
          : []),
        `rows: ${newSchedules.length} new schedules, ${changed.length} changed, ${stepChanges.length} step rows new or changed, ${changes.length} change records; logs in ${stack.logDir}`,
      ];
      return { pass: problems.length === 0, summary, notes };
    } finally {
      await stack.close();
    }
  },
};
