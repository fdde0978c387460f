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
    status: { type: 'string', enum: ['ok', 'error'] },
    checks: { type: 'object', required: ['database', 'queue'], properties: { database: READINESS_CHECK, queue: READINESS_CHECK } },
  },
};
