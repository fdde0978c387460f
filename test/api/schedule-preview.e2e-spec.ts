import request from 'supertest';
import { createApiKey } from '../../apps/api/src/api-keys/api-keys.service';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';

describe('Upcoming fire times and trigger preview', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    for (const body of [
      { name: 'Weekday Import', triggerType: 'Cron', daysOfWeek: '1,2,3,4,5', runTimes: '06:30,18:00', timeZone: 'Europe/London', isEnabled: true },
      { name: 'Quarter Hourly', triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '0,1,2,3,4,5,6', intervalValue: 15, intervalUnit: 'Minutes', isEnabled: true },
      { name: 'Disabled Nightly', triggerType: 'Cron', daysOfWeek: '0,1,2,3,4,5,6', runTimes: '02:00', isEnabled: false },
      { name: 'Manual Only', triggerType: 'Manual', isEnabled: true },
    ]) {
      ids[body.name] = (await t.api().post(S).send(body).expect(201)).body.id;
    }
  });
  afterAll(() => t.close());

  describe('GET /schedules/upcoming', () => {
    const window = 'from=2026-07-13T00:00:00Z&to=2026-07-14T00:00:00Z'; // Monday, BST

    it("gives every enabled Cron schedule's fire times in the window, by name, equal to each one's next-runs", async () => {
      const res = await t.api().get(`${S}/upcoming?${window}`).expect(200);
      expect(res.body.from).toBe('2026-07-13T00:00:00.000Z');
      expect(res.body.to).toBe('2026-07-14T00:00:00.000Z');
      expect(res.body.schedules.map((s: { name: string }) => s.name)).toEqual(['Quarter Hourly', 'Weekday Import']);
      const [quarter, weekday] = res.body.schedules;
      expect(weekday).toEqual({
        scheduleId: ids['Weekday Import'],
        name: 'Weekday Import',
        timeZone: 'Europe/London',
        cronExpression: expect.any(String),
        description: 'weekdays at 06:30 and 18:00, Europe/London',
        fireTimes: ['2026-07-13T05:30:00.000Z', '2026-07-13T17:00:00.000Z'],
      });
      expect(quarter.fireTimes).toHaveLength(96);
      expect(quarter.fireTimes[0]).toBe('2026-07-13T00:15:00.000Z');
      expect(quarter.fireTimes[95]).toBe('2026-07-14T00:00:00.000Z');
      expect(res.body.totalFireTimes).toBe(98);
      const nextRuns = await t.api().get(`${S}/${ids['Quarter Hourly']}/next-runs?count=96&after=2026-07-13T00:00:00Z`).expect(200);
      expect(quarter.fireTimes).toEqual(nextRuns.body.nextRuns);
    });

    it('defaults to the next 24 hours from now', async () => {
      const before = Date.now();
      const res = await t.api().get(`${S}/upcoming`).expect(200);
      const from = Date.parse(res.body.from);
      expect(from).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(res.body.to) - from).toBe(24 * 3_600_000);
      expect(res.body.schedules.find((s: { name: string }) => s.name === 'Quarter Hourly').fireTimes).toHaveLength(96);
    });

    it.each([
      ['from=2026-07-13T00:00:00Z&to=2026-07-20T00:00:01Z', 'to', 'must be at most 7 days after from'],
      ['from=2026-07-13T00:00:00Z&to=2026-07-13T00:00:00Z', 'to', 'must be after from'],
      ['from=2026-07-13', 'from', 'must be an RFC 3339 date and time with an offset (e.g. 2026-07-13T06:00:00Z)'],
      ['count=5', 'count', 'is not a known property'],
    ])('refuses %s: 400 naming the field', async (query, field, message) => {
      const res = await t.api().get(`${S}/upcoming?${query}`).expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.validationErrors).toEqual({ [field]: [message] });
    });

    it('accepts a window of exactly 7 days, and refuses one holding more fire times than the cap, with a clear 400', async () => {
      await t.api().get(`${S}/upcoming?from=2026-07-13T00:00:00Z&to=2026-07-20T00:00:00Z`).expect(200);
      // 80 more schedules every 15 minutes: 81 × 672 fire times in 7 days is beyond the cap of 50,000.
      const rows = Array.from({ length: 80 }, (_, i) => `('Bulk ${i}')`).join(',');
      await t.db.query(
        `INSERT INTO schedules (id, name, trigger_type, pattern_type, days_of_week, interval_value, interval_unit, cron_expression, time_zone, is_enabled, created, created_by_type, version)
         SELECT gen_random_uuid(), v.name, s.trigger_type, s.pattern_type, s.days_of_week, s.interval_value, s.interval_unit, s.cron_expression, s.time_zone, true, now(), s.created_by_type, 1
         FROM (VALUES ${rows}) AS v(name), schedules s WHERE s.id = $1`,
        [ids['Quarter Hourly']],
      );
      const res = await t.api().get(`${S}/upcoming?from=2026-07-13T00:00:00Z&to=2026-07-20T00:00:00Z`).expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.validationErrors).toEqual({
        to: ['the window holds more than 50000 fire times over all enabled schedules; ask for a shorter window'],
      });
      await t.db.query(`DELETE FROM schedules WHERE name LIKE 'Bulk %'`);
    });

    it('walks more schedules than one read takes (1,000), in name order (ignoring case), each once', async () => {
      // 2,400 copies of Weekday Import: two fire times each on the Monday of the window.
      await t.db.query(
        `INSERT INTO schedules (id, name, trigger_type, pattern_type, days_of_week, run_times, cron_expression, time_zone, is_enabled, created, created_by_type, version)
         SELECT gen_random_uuid(), 'Many ' || n, s.trigger_type, s.pattern_type, s.days_of_week, s.run_times, s.cron_expression, s.time_zone, true, now(), s.created_by_type, 1
         FROM generate_series(1, 2400) AS n, schedules s WHERE s.id = $1`,
        [ids['Weekday Import']],
      );
      try {
        const res = await t.api().get(`${S}/upcoming?${window}`).expect(200);
        const expected: { name: string }[] = await t.db.query(
          `SELECT name FROM schedules WHERE is_enabled AND trigger_type = 'Cron' ORDER BY lower(name)`,
        );
        expect(res.body.schedules.map((s: { name: string }) => s.name)).toEqual(expected.map((r) => r.name));
        expect(res.body.schedules).toHaveLength(2402);
        expect(res.body.totalFireTimes).toBe(2401 * 2 + 96);
      } finally {
        await t.db.query(`DELETE FROM schedules WHERE name LIKE 'Many %'`);
      }
    });

    it('is for Administrators only', async () => {
      const user = await createApiKey(t.db, { name: 'user', roles: ['User'] });
      expectErrorBody((await request(t.http).get(`${S}/upcoming`).expect(401)).body, 'UNAUTHORISED');
      expectErrorBody((await request(t.http).get(`${S}/upcoming`).set('X-API-Key', user.key).expect(403)).body, 'FORBIDDEN');
      expectErrorBody((await request(t.http).post(`${S}/preview`).set('X-API-Key', user.key).send({}).expect(403)).body, 'FORBIDDEN');
    });
  });

  describe('POST /schedules/preview', () => {
    it('compiles unsaved trigger fields: the next 10 fire times equal next-runs of the saved schedule, with DST notes in words', async () => {
      const fields = { triggerType: 'Cron', daysOfWeek: '0,1,2,3,4,5,6', runTimes: '01:30', timeZone: 'Europe/London' };
      const after = '2026-03-25T00:00:00Z';
      const res = await t.api().post(`${S}/preview`).send({ ...fields, after }).expect(200);
      expect(res.body).toMatchObject({
        triggerType: 'Cron',
        patternType: 'SpecificTimes',
        cronExpression: '30 1 * * *',
        timeZone: 'Europe/London',
        description: 'every day at 01:30, Europe/London',
      });
      expect(res.body.nextRuns.slice(0, 6)).toEqual([
        '2026-03-25T01:30:00.000Z',
        '2026-03-26T01:30:00.000Z',
        '2026-03-27T01:30:00.000Z',
        '2026-03-28T01:30:00.000Z',
        '2026-03-29T01:00:00.000Z', // 01:30 does not exist that day: the first instant after the gap
        '2026-03-30T00:30:00.000Z',
      ]);
      expect(res.body.dstNotes).toEqual([
        {
          kind: 'gap',
          at: '2026-03-29T01:00:00.000Z',
          localDate: '2026-03-29',
          wallBefore: '01:00',
          wallAfter: '02:00',
          affectedWallTimes: ['01:30'],
          firesAt: '2026-03-29T01:00:00.000Z',
          text: 'On 2026-03-29 the clocks in Europe/London go forward from 01:00 to 02:00: 01:30 does not exist that day, so that run fires at 02:00 (2026-03-29T01:00:00.000Z).',
        },
        expect.objectContaining({ kind: 'overlap', localDate: '2026-10-25', affectedWallTimes: ['01:30'], firesAt: '2026-10-25T00:30:00.000Z' }),
      ]);
      const saved = await t.api().post(S).send({ name: 'Previewed', ...fields }).expect(201);
      const nextRuns = await t.api().get(`${S}/${saved.body.id}/next-runs?after=${after}`).expect(200);
      expect(res.body.nextRuns).toEqual(nextRuns.body.nextRuns);
      expect(res.body.cronExpression).toBe(saved.body.cronExpression);
    });

    it('gives the validation messages create gives, under the same field names', async () => {
      for (const body of [
        { triggerType: 'Cron', daysOfWeek: '1,8', runTimes: '25:00' },
        { triggerType: 'Cron', patternType: 'Custom', cronExpression: '61 * * * *', timeZone: 'Mars/Olympus' },
        { triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '1', intervalValue: 70 },
        { triggerType: 'Weekly' },
      ]) {
        const preview = await t.api().post(`${S}/preview`).send(body).expect(400);
        const create = await t.api().post(S).send({ name: 'Never saved', ...body }).expect(400);
        expectErrorBody(preview.body, 'VALIDATION_ERROR');
        expect(preview.body.validationErrors).toEqual(create.body.validationErrors);
        expect(preview.body.message).toBe(create.body.message);
      }
      const res = await t.api().post(`${S}/preview`).send({ triggerType: 'Cron', daysOfWeek: '1', runTimes: '25:00' }).expect(400);
      expect(res.body.validationErrors).toEqual({ runTimes: ['"25:00" is not a valid HH:mm time'] });
      const extra = await t.api().post(`${S}/preview`).send({ triggerType: 'Manual', name: 'x' }).expect(400);
      expect(extra.body.validationErrors).toEqual({ name: ['is not a known property'] });
    });

    it('previews a Manual trigger as no fire times, and UTC as without clock changes', async () => {
      const manual = await t.api().post(`${S}/preview`).send({ triggerType: 'Manual' }).expect(200);
      expect(manual.body).toMatchObject({ triggerType: 'Manual', cronExpression: null, nextRuns: [], dstNotes: [], description: 'manually only (no fire times)' });
      const utc = await t.api().post(`${S}/preview`).send({ triggerType: 'Cron', daysOfWeek: '1', runTimes: '06:00' }).expect(200);
      expect(utc.body.nextRuns).toHaveLength(10);
      expect(utc.body.dstNotes).toEqual([]);
    });
  });
});
