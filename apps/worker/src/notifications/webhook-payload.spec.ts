import type { DueDelivery, ExecutionSummaryRow } from '@jim/persistence';
import { webhookPayload } from './webhook-payload';

const delivery = (overrides: Partial<DueDelivery>): DueDelivery => ({
  id: 'd1',
  webhookId: 'w1',
  url: 'https://example.com/x',
  secret: 'whsec_x',
  webhookEnabled: true,
  event: 'ExecutionFailed',
  data: { schedule: { id: 's1', name: 'Nightly' } },
  executionId: 'e1',
  payload: null,
  attempts: 0,
  created: new Date('2026-01-01T06:30:04.120Z'),
  ...overrides,
});

const execution: ExecutionSummaryRow = {
  id: 'e1',
  status: 'Failed',
  triggerKind: 'Cron',
  scheduledFor: new Date('2026-01-01T06:30:00Z'),
  startedAt: new Date('2026-01-01T06:30:00.004Z'),
  completedAt: new Date('2026-01-01T06:30:04.118Z'),
  errorMessage: "Step 'Load' failed and ContinueOnFailure is false.",
  failingStep: {
    name: 'Load',
    stepIndex: 1,
    status: 'Failed',
    errorMessage: 'could not connect with Server=db;Password=hunter2',
    exitCode: 1,
    stdoutTail: `${Array.from({ length: 25 }, (_, i) => `row ${i + 1}`).join('\n')}\nusing Server=db;Password=hunter2;Database=hr\n`,
    stderrTail: 'token jim_ak_0123456789abcdef leaked\nservice-secret-value\n',
    secrets: ['Server=db;Password=hunter2;Database=hr'],
  },
};

describe('webhookPayload', () => {
  it('summarises an execution with its failing step, its last 20 lines redacted, and the link', () => {
    const body = JSON.parse(webhookPayload(delivery({}), execution, ['service-secret-value']));
    expect(body).toEqual({
      type: 'ExecutionFailed',
      timestamp: '2026-01-01T06:30:04.120Z',
      data: {
        schedule: { id: 's1', name: 'Nightly' },
        execution: {
          id: 'e1',
          status: 'Failed',
          triggerKind: 'Cron',
          scheduledFor: '2026-01-01T06:30:00.000Z',
          startedAt: '2026-01-01T06:30:00.004Z',
          completedAt: '2026-01-01T06:30:04.118Z',
          errorMessage: "Step 'Load' failed and ContinueOnFailure is false.",
          failingStep: {
            name: 'Load',
            stepIndex: 1,
            status: 'Failed',
            errorMessage: 'could not connect with Server=db;Password=***',
            exitCode: 1,
            stdoutLastLines: [...Array.from({ length: 19 }, (_, i) => `row ${i + 7}`), 'using ***'],
            stderrLastLines: ['token jim_ak_*** leaked', '***'],
          },
        },
        link: '/api/v1/schedule-executions/e1',
      },
    });
  });

  it('names the execution only when it is gone, and links a schedule event to its schedule', () => {
    expect(JSON.parse(webhookPayload(delivery({}), null, [])).data.execution).toEqual({ id: 'e1' });
    const changed = JSON.parse(webhookPayload(delivery({ event: 'ScheduleChanged', executionId: null }), null, []));
    expect(changed.data).toEqual({ schedule: { id: 's1', name: 'Nightly' }, link: '/api/v1/schedules/s1' });
  });
});
