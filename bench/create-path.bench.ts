import { performance } from 'node:perf_hooks';
import { SCHEDULE_FIELDS, STEP_FIELDS } from '@jim/persistence';
import { createValidationPipe } from '../apps/api/src/common/validation.pipe';
import { ScheduleRequest } from '../apps/api/src/schedules/dto/schedule-request.dto';
import { scheduleDetailResponse } from '../apps/api/src/schedules/dto/schedule-response.dto';
import { defineSchedule } from '../apps/api/src/schedules/schedule-definition';

/**
 * The pure parts of POST /api/v1/schedules, one at a time, in operations per second (no database, no queue):
 * the global validation pipe (class-transformer + class-validator + the nullability rule), the definition
 * (trigger compile, step checks), the response mapping and its serialisation. Same body as bench/api.bench.ts.
 * Run from the repository root: `npm run bench:create-path`.
 */

const SECONDS_PER_PART = 2;

const BODY = {
  name: 'Bench create path',
  description: 'Created by the API benchmark',
  triggerType: 'Cron',
  patternType: 'SpecificTimes',
  daysOfWeek: '1,2,3,4,5',
  runTimes: '06:30,18:00',
  timeZone: 'Europe/London',
  isEnabled: true,
  steps: [
    { stepIndex: 0, stepType: 'Executable', name: 'Export', executablePath: '/bin/true', timeoutSeconds: 600 },
    { stepIndex: 1, stepType: 'Executable', name: 'Transform', executablePath: '/bin/true', arguments: '--fast', timeoutSeconds: 600 },
    { stepIndex: 2, stepType: 'Executable', name: 'Notify', executablePath: '/bin/true', continueOnFailure: true },
  ],
};
const RULES = { allowedScriptRoots: [] };

async function opsPerSecond(work: () => unknown): Promise<number> {
  const until = performance.now() + SECONDS_PER_PART * 1000;
  let ops = 0;
  const started = performance.now();
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) await work();
    ops += 100;
  }
  return ops / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const pipe = createValidationPipe();
  const metadata = { type: 'body' as const, metatype: ScheduleRequest, data: '' };
  const text = JSON.stringify(BODY);
  const validated = () => pipe.transform(JSON.parse(text), metadata) as Promise<ScheduleRequest>;
  const request = await validated();
  const definition = defineSchedule(request, RULES);
  const now = new Date();
  const detail = {
    id: '3f1c4f0e-8a4e-4a35-9d2b-2c0b9f0a1d11',
    ...Object.fromEntries(SCHEDULE_FIELDS.map(({ field }) => [field, null])),
    ...definition.trigger.fields,
    name: definition.name,
    description: definition.description,
    isEnabled: definition.isEnabled,
    ...definition.policies,
    lastRunTime: null,
    nextRunTime: definition.trigger.next(now),
    stepCount: definition.steps.length,
    created: now,
    lastUpdated: null,
    lastExecution: null,
    steps: definition.steps.map((step, i) => ({
      ...Object.fromEntries(STEP_FIELDS.map(({ field }) => [field, (step as unknown as Record<string, unknown>)[field] ?? null])),
      id: `3f1c4f0e-8a4e-4a35-9d2b-2c0b9f0a1d1${i}`,
      sqlConnectionString: null,
      connectedSystemName: null,
      runProfileName: null,
    })),
  } as unknown as Parameters<typeof scheduleDetailResponse>[0];
  const response = scheduleDetailResponse(detail);

  const parts: [string, () => unknown][] = [
    ['validation pipe (parse + transform + validate)', validated],
    ['defineSchedule (trigger compile + step checks)', () => defineSchedule(request, RULES)],
    ['trigger.next (nextRunTime)', () => definition.trigger.next(now)],
    ['scheduleDetailResponse', () => scheduleDetailResponse(detail)],
    ['JSON.stringify(response)', () => JSON.stringify(response)],
    ['whole pure path', async () => {
      const r = await validated();
      const d = defineSchedule(r, RULES);
      d.trigger.next(now);
      return JSON.stringify(scheduleDetailResponse(detail));
    }],
  ];
  for (const [label, work] of parts) {
    await opsPerSecond(work); // warm-up
    console.log(`${label.padEnd(50)} ${Math.round(await opsPerSecond(work)).toLocaleString('en-GB').padStart(10)} ops/s`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
