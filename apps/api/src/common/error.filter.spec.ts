import { ArgumentsHost, BadRequestException, NotFoundException } from '@nestjs/common';
import { ConflictError, ValidationError } from '@jim/common';
import { ErrorFilter } from './error.filter';

function respond(exception: unknown) {
  const response = {
    statusCode: 0,
    headers: {} as Record<string, string>,
    body: undefined as unknown,
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ErrorFilter().catch(exception, host);
  return response;
}

describe('ErrorFilter', () => {
  it('answers an unexpected error with 500 INTERNAL_ERROR and an error id, never the internals', () => {
    const res = respond(new Error('relation "secret_table" does not exist at /srv/app/internal.ts:42'));
    expect(res.statusCode).toBe(500);
    expect(res.body).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred.',
      details: expect.stringMatching(/^Error id: [0-9a-f-]{36}$/),
      validationErrors: null,
      timestamp: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toContain('secret_table');
  });

  it('maps domain errors by code', () => {
    expect(respond(new ConflictError('taken')).statusCode).toBe(409);
    const validation = respond(new ValidationError({ name: ['must not be blank'] }));
    expect(validation.statusCode).toBe(400);
    expect(validation.body).toMatchObject({ code: 'VALIDATION_ERROR', message: 'name: must not be blank', validationErrors: { name: ['must not be blank'] } });
  });

  it('maps framework HTTP errors to the error body, with a generic message for unknown routes', () => {
    expect(respond(new NotFoundException('Cannot GET /nope')).body).toMatchObject({ code: 'NOT_FOUND', message: 'The requested resource was not found' });
    expect(respond(new BadRequestException('bad')).body).toMatchObject({ code: 'BAD_REQUEST', message: 'bad' });
  });

  it('answers 503 with Retry-After when the database cannot be reached', () => {
    const res = respond(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBe('5');
    expect(res.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
