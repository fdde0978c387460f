import { count, seconds, sleep, Stack, unfinished, waitUntil, wipeQueue, type ChaosOptions, type Scenario, type ScenarioResult, type SchedulerView } from './harness';
import { analyseTicks, lagSummary, ranges } from './ticks';

const RECONCILE_SECONDS = 5;
/** Ticks lost with the wiped queue are recorded as missed this long after their time (plus a reconcile pass). */
const MISFIRE_GRACE_SECONDS = 10;
/** Time a reconcile pass itself may take on top of the interval (reading every schedule, upserting every scheduler). */
const RECONCILE_SLACK_MS = 2000;

const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];

/** Varied enabled cron schedules (none fires during the run except the heartbeat). */
function cronSchedule(i: number): Record<string, unknown> {
  const zone = ZONES[i % ZONES.length];
  const steps = [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }];
  switch (i % 3) {
    case 0:
      return { name: `Wipe specific ${i}`, triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '1,3,5', runTimes: `0${i % 10}:${String(i % 60).padStart(2, '0')},23:15`, timeZone: zone, isEnabled: true, steps };
    case 1:
      return { name: `Wipe interval ${i}`, triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '0,6', intervalValue: 15, intervalUnit: 'Minutes', intervalWindowStart: '03:00', intervalWindowEnd: '04:00', timeZone: zone, isEnabled: true, steps };
    default:
      return { name: `Wipe custom ${i}`, triggerType: 'Cron', patternType: 'Custom', cronExpression: `0 ${i % 60} 2 1 * *`, timeZone: zone, isEnabled: true, steps };
  }
}

/**
 * Schedules exist (enabled cron ones, one of them firing every second, plus disabled and manual ones); then every key
 * of the queue is deleted: all keys under this run's `JIM_QUEUE_PREFIX` in one SCAN+DEL script, which is what FLUSHALL
 * does to this system without touching anyone else's keys on the shared Redis (`--real-flushall` runs FLUSHALL itself,
 * for a dedicated Redis). With JIM_RECONCILE_INTERVAL_SECONDS=5 every job scheduler must be back within one interval
 * (+2 s for the pass itself), the same as before, none extra and none twice, and the one-second schedule must fire again.
 */
export const queueWipeScenario: Scenario = {
  name: 'queue-wipe',
  async run(options: ChaosOptions): Promise<ScenarioResult> {
    const cronCount = options.ci ? 9 : 49;
    const stack = await Stack.create(options, {
      scenario: 'queue-wipe',
      workers: 2,
      workerEnv: {
        JIM_RECONCILE_INTERVAL_SECONDS: String(RECONCILE_SECONDS),
        JIM_MISFIRE_GRACE_SECONDS: String(MISFIRE_GRACE_SECONDS),
        JIM_SWEEP_INTERVAL_SECONDS: '2',
        JIM_WORKER_LOST_AFTER_SECONDS: '10',
      },
    });
    const problems: string[] = [];
    const notes: string[] = [`logs in ${stack.logDir}`];
    try {
      const heartbeat = await stack.createSchedule({
        name: 'Wipe heartbeat',
        triggerType: 'Cron',
        patternType: 'Custom',
        cronExpression: '* * * * * *',
        isEnabled: true,
        steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }],
      });
      const firing = [heartbeat];
      for (let i = 0; i < cronCount; i++) firing.push(await stack.createSchedule(cronSchedule(i)));
      const silent: string[] = [];
      for (let i = 0; i < 3; i++) silent.push(await stack.createSchedule({ ...cronSchedule(i), name: `Wipe disabled ${i}`, isEnabled: false }));
      for (let i = 0; i < 3; i++) silent.push(await stack.createSchedule({ name: `Wipe manual ${i}`, steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] }));
      const expectedKeys = new Set(firing.map((id) => `schedule:${id}`));

      const complete = (list: SchedulerView[]) => list.length === expectedKeys.size && list.every((s) => expectedKeys.has(s.key));
      const before = await waitUntil(async () => {
        const list = await stack.jobSchedulers();
        return complete(list) ? list : undefined;
      }, 30_000);
      if (!before) throw new Error(`the ${expectedKeys.size} job schedulers were never all there before the wipe`);
      const baseline = new Map(before.map((s) => [s.key, `${s.pattern}|${s.tz}`]));
      await waitUntil(async () => (await stack.query(`SELECT 1 FROM schedule_executions WHERE schedule_id = $1`, [heartbeat])).length >= 3, 15_000);

      const wipedAt = Date.now();
      const wipe = await wipeQueue(stack.redis, stack.prefix, options.realFlushall);
      const afterWipe = (await stack.jobSchedulers()).length;
      let polls = 0;
      const restored = await waitUntil(async () => {
        polls++;
        const list = await stack.jobSchedulers();
        return complete(list) ? list : undefined;
      }, 60_000, 100);
      const restoredMs = Date.now() - wipedAt;
      if (!restored) {
        const now = await stack.jobSchedulers();
        problems.push(`after 60 s only ${now.filter((s) => expectedKeys.has(s.key)).length}/${expectedKeys.size} job schedulers were back`);
      } else {
        if (restoredMs > RECONCILE_SECONDS * 1000 + RECONCILE_SLACK_MS) problems.push(`job schedulers back after ${seconds(restoredMs)}, more than one reconcile interval (${RECONCILE_SECONDS} s + ${RECONCILE_SLACK_MS / 1000} s)`);
        const changed = restored.filter((s) => baseline.get(s.key) !== `${s.pattern}|${s.tz}`);
        if (changed.length) problems.push(`${changed.length} job schedulers came back different: ${changed.map((s) => `${s.key} ${s.pattern} ${s.tz}`).join('; ')}`);
      }
      // Several looks: no scheduler twice, none extra (disabled and manual schedules have none), one pending tick each.
      let maxPending = 0;
      let extra = 0;
      let duplicateKeys = 0;
      for (let i = 0; i < 10; i++) {
        const list = await stack.jobSchedulers();
        duplicateKeys = Math.max(duplicateKeys, list.length - new Set(list.map((s) => s.key)).size);
        extra = Math.max(extra, list.filter((s) => !expectedKeys.has(s.key)).length);
        for (const n of (await stack.pendingTicksPerScheduler()).values()) maxPending = Math.max(maxPending, n);
        await sleep(500);
      }
      if (duplicateKeys) problems.push(`${duplicateKeys} job schedulers listed twice`);
      if (extra) problems.push(`${extra} job schedulers for schedules that must not fire`);
      if (maxPending > 1) problems.push(`a job scheduler had ${maxPending} pending ticks at once (fires twice)`);
      const [{ n: scheduleRows }] = await stack.query(`SELECT count(*)::int AS n FROM schedules`);
      if (scheduleRows !== firing.length + silent.length) problems.push(`${scheduleRows} schedules in the database, expected ${firing.length + silent.length}`);

      const resumedAt = await waitUntil(async () => {
        const [row] = await stack.query(
          `SELECT (extract(epoch FROM min(scheduled_for)) * 1000)::bigint AS at FROM schedule_executions WHERE schedule_id = $1 AND scheduled_for > to_timestamp($2 / 1000.0)`,
          [heartbeat, wipedAt + restoredMs],
        );
        return row?.at ? Number(row.at) : undefined;
      }, 15_000);
      if (!resumedAt) problems.push('the one-second schedule did not fire within 15 s of the restore');
      await sleep(options.ci ? 5000 : 15_000);
      // Ticks that existed only as delayed jobs in the wiped queue: the misfire pass records them (before the disable,
      // which ends the schedule's accounting).
      const accountedBy = Date.now() + (MISFIRE_GRACE_SECONDS + 2 * RECONCILE_SECONDS + 5) * 1000;
      while (Date.now() < accountedBy && (await analyseTicks(stack, heartbeat, wipedAt - 1000, resumedAt ?? Date.now())).gaps.length > 0) await sleep(1000);
      await stack.call('POST', `/api/v1/schedules/${heartbeat}/disable`);
      await sleep(1500);
      // Steps whose jobs were wiped are re-dispatched by the sweeper (queued > 30 s): allow for it.
      await waitUntil(async () => {
        const u = await unfinished(stack);
        return u.executions === 0 && u.steps === 0;
      }, 75_000, 1000);
      const left = await unfinished(stack);
      if (left.executions || left.steps) problems.push(`${left.executions} executions / ${left.steps} steps still unfinished 75 s later`);

      const a = await analyseTicks(stack, heartbeat);
      const wipeWindow = (at: number) => at > wipedAt - 1000 && (resumedAt === undefined || at < resumedAt);
      const lostInWindow = a.gaps.filter((r) => wipeWindow(r.at));
      const otherGaps = a.gaps.filter((r) => !wipeWindow(r.at));
      if (a.duplicates.length) problems.push(`${a.duplicates.length} seconds ran twice: ${ranges(a.duplicates)}`);
      if (otherGaps.length) problems.push(`${otherGaps.length} seconds outside the wipe window neither ran nor were skipped: ${ranges(otherGaps)}`);
      if (lostInWindow.length) problems.push(`${count(lostInWindow.length, 'tick')} of the wipe window neither ran nor were recorded as missed: ${ranges(lostInWindow)}`);
      const missed = a.seconds.filter((r) => wipeWindow(r.at) && r.skipReasons.some((reason) => reason.startsWith('Missed')));
      const [{ n: sweeperFixed }] = await stack.query(
        `SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1 AND completed_at - started_at > interval '20 seconds'`,
        [heartbeat],
      );

      notes.push(
        `wipe: ${wipe.how} deleted ${wipe.deleted} keys; ${afterWipe} job schedulers right after; restored ${expectedKeys.size} after ${seconds(restoredMs)} (${polls} looks)`,
        `one-second schedule: ${a.seconds.length} seconds, ${a.executions} executions, ${a.skipped} skipped, ${a.duplicates.length} duplicate; ` +
          `${count(missed.length, 'tick')} of the wipe window recorded as missed (${ranges(missed)}): they existed only as delayed jobs in the wiped queue; ` +
          `${count(sweeperFixed, 'execution')} whose wiped step job was re-dispatched by the sweeper; ${lagSummary(a.lags)}`,
      );
      const summary =
        `${expectedKeys.size}/${expectedKeys.size} job schedulers back ${seconds(restoredMs)} after the wipe (limit ${RECONCILE_SECONDS} s + ${RECONCILE_SLACK_MS / 1000} s), ` +
        `${duplicateKeys + extra} duplicate or extra, max ${maxPending} pending tick per scheduler; firing resumed ${resumedAt ? seconds(resumedAt - wipedAt) : 'never'} after the wipe ` +
        `(one-second schedule: ${count(missed.length, 'tick')} recorded as missed, ${count(lostInWindow.length, 'tick')} lost, ${a.skipped} skipped, ${a.duplicates.length} duplicate); ${left.executions} InProgress` +
        problems.map((p) => `; PROBLEM ${p}`).join('');
      return { pass: problems.length === 0, summary, notes };
    } finally {
      await stack.close();
    }
  },
};
