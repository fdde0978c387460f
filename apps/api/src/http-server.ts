import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { errorBody, type ErrorBody } from '@jim/common';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { createServer, METHODS, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { match, type MatchFunction } from 'path-to-regexp';

/**
 * The largest schedule the request schema allows, 200 steps with every text field at its maximum length, is 2.8 MiB
 * of JSON when every character takes 3 bytes of UTF-8 (CJK); 3 MiB fits it with room for indentation. Text sent as
 * `\u` escapes takes 6 bytes a character and can exceed it: such bodies get 413.
 */
export const BODY_LIMIT_BYTES = 3 * 1024 * 1024;

/**
 * Request line plus headers. Node's default (16 KiB) refuses a documented request: a changeReason of 2000 CJK
 * characters is 18 KB once percent-encoded (9 bytes a character) in the query of DELETE, enable or disable.
 */
export const MAX_HEADER_SIZE = 64 * 1024;

/** Express behind a Node HTTP server created with this API's header limit (Nest offers no option for it). */
export class ApiHttpAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    super.initHttpServer(options);
    if (!options?.httpsOptions) this.setHttpServer(createServer({ maxHeaderSize: MAX_HEADER_SIZE }, this.getInstance()));
  }
}

/** What the HTTP server itself refuses, before Express: the same error body as every other refusal. */
export function answerClientErrors(app: INestApplication): void {
  const server = app.getHttpServer() as Server;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Node reports an unparsable request again for each chunk that follows it: answer once.
    if (socket.writableEnded) return;
    if (!socket.writable || (socket as Duplex & { bytesWritten?: number }).bytesWritten) {
      socket.destroy();
      return;
    }
    socket.end(rawResponse(...refusalOf(error)), () => socket.destroy());
  });
}

function refusalOf(error: NodeJS.ErrnoException): [number, ErrorBody] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, errorBody('HEADERS_TOO_LARGE', `The request line and headers are larger than the limit of ${MAX_HEADER_SIZE} bytes`)];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, errorBody('BAD_REQUEST', 'The request was not received in time')];
    default:
      return [400, errorBody('BAD_REQUEST', 'The request is not valid HTTP/1.1')];
  }
}

function rawResponse(status: number, body: ErrorBody): string {
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    // Written before Express (and helmet) see the request: the security headers a JSON error needs, by hand.
    'X-Content-Type-Options: nosniff',
    'X-Frame-Options: DENY',
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

/**
 * 405 with `Allow` for a path that has routes but none for the method, instead of a 404; OPTIONS answers 204 with
 * `Allow`. The routes are read from Express's router once, at the first request (when every route is registered).
 * HEAD is allowed wherever GET is, as Express answers it with the GET route.
 */
export function answerUnsupportedMethods(app: INestApplication): void {
  const express = (app as NestExpressApplication).getHttpAdapter().getInstance() as Express;
  let routes: RegisteredPath[] | null = null;
  const handler: RequestHandler = (request: Request, response: Response, next: NextFunction) => {
    routes ??= registeredPaths(express);
    const allowed = allowedMethods(routes, request.path);
    if (allowed === null || allowed.includes(request.method)) return next();
    response.setHeader('Allow', allowed.join(', '));
    if (request.method === 'OPTIONS') return void response.status(204).end();
    response
      .status(405)
      .json(errorBody('METHOD_NOT_ALLOWED', `${request.method} is not supported on this resource`, `Allowed methods: ${allowed.join(', ')}`));
  };
  express.use(handler);
}

interface RegisteredPath {
  matches: MatchFunction<object>;
  /** Upper case. */
  methods: Set<string>;
}

interface RouteLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

function registeredPaths(express: Express): RegisteredPath[] {
  const options = {
    sensitive: express.enabled('case sensitive routing'),
    trailing: !express.enabled('strict routing'),
    end: true,
    decode: false as const,
  };
  const byPath = new Map<string, Set<string>>();
  for (const layer of (express.router as unknown as { stack: RouteLayer[] }).stack) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).filter((method) => layer.route!.methods[method]);
    // A route for every method is middleware bound to paths (Nest's `forRoutes('*')`, as nestjs-pino does), not a resource.
    if (methods.includes('_all') || METHODS.every((method) => methods.includes(method.toLowerCase()))) continue;
    // Nest registers paths as strings; a RegExp route (none today) is left to the 404.
    for (const path of [layer.route.path].flat().filter((path) => typeof path === 'string')) {
      const set = byPath.get(path) ?? new Set<string>();
      for (const method of methods) set.add(method.toUpperCase());
      byPath.set(path, set);
    }
  }
  return [...byPath].map(([path, methods]) => ({ matches: match(path, options), methods }));
}

/** The methods the path's routes take, or null when no route has this path (left to the 404). */
function allowedMethods(routes: readonly RegisteredPath[], path: string): string[] | null {
  const methods = new Set<string>();
  for (const route of routes) if (route.matches(path)) for (const method of route.methods) methods.add(method);
  if (methods.size === 0) return null;
  if (methods.has('GET')) methods.add('HEAD');
  const rank = (method: string) => (METHOD_ORDER.includes(method) ? METHOD_ORDER.indexOf(method) : METHOD_ORDER.length);
  return [...methods].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
