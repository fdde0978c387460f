import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { errorBody } from '@jim/common';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CONSOLE_PATH = '/console';

/**
 * Tighter than the policy of every other page: the console is our own build, with external scripts and styles only
 * (no inline script or style element, no fonts from elsewhere); it talks to this API and nothing else.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Where `npm run build` puts the console: dist/console, found from the compiled API (dist/apps/api/src/console) or its source. */
export function consoleDirectory(): string | null {
  const root = resolve(__dirname, '../../../..');
  return [join(root, 'console'), join(root, 'dist', 'console')].find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * The operator console at /console: static files, and index.html for the console's own routes (the browser routes).
 * Public like the reference: it holds no data; every call it makes carries the API key the operator typed in.
 */
export function mountConsole(app: INestApplication, directory: string | null = consoleDirectory()): void {
  const express = app as NestExpressApplication;
  express.use(CONSOLE_PATH, (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY);
    next();
  });
  if (!directory) {
    express.use(CONSOLE_PATH, (_req: Request, res: Response) => {
      res.status(404).json(errorBody('NOT_FOUND', 'The console is not built: run npm run build'));
    });
    return;
  }
  express.useStaticAssets(join(directory, 'assets'), { prefix: `${CONSOLE_PATH}/assets`, immutable: true, maxAge: '365d' });
  express.use(CONSOLE_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path.startsWith('/assets/')) return res.status(404).json(errorBody('NOT_FOUND', `No console asset at ${req.originalUrl}`));
    res.setHeader('Cache-Control', 'no-cache');
    // With root, only the file name is checked for dot segments: the directory itself may sit under one.
    res.sendFile('index.html', { root: directory });
  });
}
