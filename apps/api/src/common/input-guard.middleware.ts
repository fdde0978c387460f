import { errorBody } from '@jim/common';
import type { NextFunction, Request, Response } from 'express';

/** Deeper than any request of this API; deeper bodies would only exhaust the stack of the validators. */
export const MAX_JSON_DEPTH = 32;
// NUL, and UTF-16 surrogates without their pair: PostgreSQL cannot store either in text.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses, before any validator runs, what no field of this API can hold: bodies nested too deep, and text with
 * characters PostgreSQL cannot store. Iterative, so a hostile body cannot overflow the stack here either.
 */
export function inputGuard(request: Request, response: Response, next: NextFunction): void {
  const problem = findProblem(request.body, 'body') ?? findProblem(request.query, 'query');
  if (!problem) return next();
  response
    .status(400)
    .json(errorBody('VALIDATION_ERROR', `${problem.path}: ${problem.message}`, null, { [problem.path]: [problem.message] }));
}

function findProblem(root: unknown, rootPath: string): { path: string; message: string } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return { path, message: 'contains a NUL character or an unpaired surrogate' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path, message: `is nested deeper than ${MAX_JSON_DEPTH} levels` };
    for (const [key, child] of Object.entries(value)) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
      if (UNSTORABLE.test(key)) return { path: childPath, message: 'has a name with a NUL character or an unpaired surrogate' };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}
