import type { ScheduleExecutionDetailResponse } from '@jim/contracts';
import type { JimApi } from './api';
import { ConnectionError } from './errors';
import { waitForExecution } from './wait';

function execution(status: ScheduleExecutionDetailResponse['status'], current: number | null): ScheduleExecutionDetailResponse {
  return {
    id: 'e1',
    status,
    currentStepIndex: current ?? 1,
    totalSteps: 2,
    progress: {
      currentStepNumber: current === null ? null : current + 1,
      totalSteps: 2,
      steps: [
        { stepIndex: 0, name: 'HR - Delta Import', status: 'Processing', taskStatuses: ['Processing'], isParallel: false },
        { stepIndex: 1, name: '2 in parallel', status: 'Pending', taskStatuses: ['Pending', 'Pending'], isParallel: true },
      ],
    },
  } as ScheduleExecutionDetailResponse;
}

function fakeApi(sequence: (ScheduleExecutionDetailResponse | Error)[]): JimApi {
  return {
    execution: jest.fn(async () => {
      const next = sequence.length > 1 ? sequence.shift()! : sequence[0];
      if (next instanceof Error) throw next;
      return next;
    }),
  } as unknown as JimApi;
}

function recorder(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (text: string) => chunks.push(text) }, text: () => chunks.join('') };
}

describe('waitForExecution', () => {
  let clock: number;
  const now = () => clock;
  const sleep = async (ms: number) => {
    clock += ms;
  };
  beforeEach(() => (clock = 0));

  it('prints each change once when not on a terminal', async () => {
    const out = recorder(false);
    const api = fakeApi([execution('InProgress', 0), execution('InProgress', 0), execution('InProgress', 1), execution('Complete', null)]);
    const result = await waitForExecution(api, 'e1', { timeoutSeconds: 60, progress: out.stream, sleep, now });
    expect(result).toMatchObject({ timedOut: false, execution: { status: 'Complete' } });
    expect(out.text()).toBe('Step 1 of 2: HR - Delta Import\nStep 2 of 2: 2 in parallel\n');
    expect(clock).toBe(3000);
  });

  it("shows a JIM run's progress: percent and objects", async () => {
    const out = recorder(false);
    const running = (processed: number) => {
      const e = execution('InProgress', 0);
      e.totalSteps = 3;
      e.progress!.totalSteps = 3;
      e.steps = [
        { groupOrdinal: 0, name: 'HR - Delta Import', status: 'Processing', progress: { percentComplete: processed / 100, objectsProcessed: processed, objectsToProcess: 10_000, phase: null } },
      ] as ScheduleExecutionDetailResponse['steps'];
      return e;
    };
    const api = fakeApi([running(4200), running(9000), execution('Complete', null)]);
    await waitForExecution(api, 'e1', { timeoutSeconds: 60, progress: out.stream, sleep, now });
    expect(out.text()).toBe('Step 1 of 3: HR - Delta Import 42% (4,200/10,000)\nStep 1 of 3: HR - Delta Import 90% (9,000/10,000)\n');
  });

  it('redraws one line on a terminal and clears it at the end', async () => {
    const out = recorder(true);
    const api = fakeApi([execution('InProgress', 0), execution('InProgress', 1), execution('Failed', null)]);
    await waitForExecution(api, 'e1', { timeoutSeconds: 60, progress: out.stream, sleep, now });
    expect(out.text()).toBe('\r\x1b[2KStep 1 of 2: HR - Delta Import\r\x1b[2KStep 2 of 2: 2 in parallel\r\x1b[2K');
  });

  it('gives up at the timeout, leaving the execution alone', async () => {
    const out = recorder(false);
    const result = await waitForExecution(fakeApi([execution('InProgress', 0)]), 'e1', { timeoutSeconds: 3, progress: out.stream, sleep, now });
    expect(result).toMatchObject({ timedOut: true, execution: { status: 'InProgress' } });
    expect(clock).toBe(3000);
  });

  it('rides out a few failed polls, but not the first one', async () => {
    const out = recorder(false);
    const lost = new ConnectionError('Cannot connect');
    const api = fakeApi([execution('InProgress', 0), lost, lost, execution('Complete', null)]);
    await expect(waitForExecution(api, 'e1', { timeoutSeconds: 60, progress: out.stream, sleep, now })).resolves.toMatchObject({ timedOut: false });
    await expect(waitForExecution(fakeApi([lost]), 'e1', { timeoutSeconds: 60, progress: out.stream, sleep, now })).rejects.toBe(lost);
    const always = fakeApi([execution('InProgress', 0), lost]);
    await expect(
      waitForExecution(always, 'e1', { timeoutSeconds: 600, progress: out.stream, sleep, now, maxTransientFailures: 3 }),
    ).rejects.toBe(lost);
  });
});
