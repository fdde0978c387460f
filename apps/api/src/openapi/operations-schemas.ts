import type { SchemaObject } from '@nestjs/swagger';

/** Response schemas of the operational endpoints (health), which return plain objects rather than DTO classes. */
const READINESS_CHECK: SchemaObject = {
  type: 'object',
  required: ['status', 'durationMs'],
  properties: {
    status: { type: 'string', enum: ['up', 'down'] },
    durationMs: { type: 'integer', description: 'How long the check took' },
    reason: { type: 'string', enum: ['timeout', 'error'], description: 'Why the check is down' },
    code: { type: 'string', example: 'ECONNREFUSED', description: 'The driver error code, when there is one' },
  },
};

export const LIVENESS_SCHEMA: SchemaObject = { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } };

export const READINESS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: {
      type: 'string',
      enum: ['ok', 'degraded', 'error'],
      description: 'degraded: ready, but the linked JIM does not answer, or jobs wait too long for a worker (backlog); still 200',
    },
    checks: { type: 'object', required: ['database', 'queue'], properties: { database: READINESS_CHECK, queue: READINESS_CHECK } },
    jim: {
      type: 'object',
      description: 'Only when JIM_SYNC_URL is set; checked at most every 30 s',
      required: ['status', 'checkedAt'],
      properties: {
        status: { type: 'string', enum: ['up', 'down'] },
        problem: { type: 'string', description: 'unreachable, timeout, key-refused, rate-limited or http-<status>' },
        checkedAt: { type: 'string', format: 'date-time' },
      },
    },
    backlog: {
      type: 'object',
      description: 'The oldest job waiting for a worker, over every queue; absent when the queues do not answer in time',
      required: ['status', 'thresholdSeconds', 'oldestWaitingSeconds'],
      properties: {
        status: { type: 'string', enum: ['ok', 'behind'], description: 'behind: it has waited longer than JIM_QUEUE_BACKLOG_WARN_SECONDS' },
        thresholdSeconds: { type: 'number' },
        oldestWaitingSeconds: { type: 'number', description: '0 when no job waits' },
        queue: { type: 'string', description: 'The queue of that job' },
      },
    },
  },
};
