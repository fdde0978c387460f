import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What an incoming X-Request-Id may look like to be kept: UUIDs, trace ids, short opaque tokens. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function acceptedRequestId(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTED_REQUEST_ID.test(value) ? value : null;
}

/** The caller's X-Request-Id when well-formed, else a new UUID; echoed in the response either way. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const id = acceptedRequestId(req.headers['x-request-id']) ?? randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
