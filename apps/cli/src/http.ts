import type { ErrorBody } from '@jim/common';
import { ApiError, ConnectionError } from './errors';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface HttpOptions {
  /** Per request, including reading the body. */
  timeoutMs?: number;
  /** Retries of a 429 answer, honouring Retry-After (clamped to 1..60 s). */
  maxRetries?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A small JSON client for the JIM API: X-API-Key authentication, one error type per kind of failure. */
export class JimHttpClient {
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
    options: HttpOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? 5;
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? sleep;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>('POST', path, { body, query });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  delete<T = void>(path: string, query?: Query): Promise<T> {
    return this.request<T>('DELETE', path, { query });
  }

  url(path: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  private async request<T>(method: string, path: string, options: { query?: Query; body?: unknown }): Promise<T> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { 'X-API-Key': this.apiKey, Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw new ConnectionError(describeNetworkError(this.baseUrl, error, this.timeoutMs));
      }
      if (response.status === 429 && attempt < this.maxRetries) {
        await this.sleep(retryAfterMs(response.headers.get('retry-after')));
        continue;
      }
      const parsed = parseJson(text);
      if (!response.ok) throw new ApiError(response.status, asErrorBody(parsed), response.statusText);
      return (text === '' ? undefined : parsed) as T;
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function asErrorBody(value: unknown): Partial<ErrorBody> | null {
  if (value && typeof value === 'object' && typeof (value as ErrorBody).message === 'string') return value as ErrorBody;
  return null;
}

export function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  const clamped = Number.isFinite(seconds) ? Math.min(60, Math.max(1, seconds)) : 1;
  return clamped * 1000;
}

export function describeNetworkError(baseUrl: string, error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return `Cannot connect to JIM at ${baseUrl}: no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  const cause = e?.cause;
  const reason = cause?.code && cause.message ? cause.message : (cause?.code ?? cause?.message ?? e?.message ?? String(error));
  return `Cannot connect to JIM at ${baseUrl}: ${reason}`;
}
