import autocannon from 'autocannon';
import { ADMIN_KEY } from './env';

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'X-API-Key': ADMIN_KEY, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
}

export interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  seconds: number;
  /** A fresh body per request (unique names). */
  body?: () => string;
}

/** One autocannon run against the API with the Administrator key. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const headers = { 'X-API-Key': ADMIN_KEY, 'Content-Type': 'application/json' };
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: options.method,
        path: options.path,
        headers,
        ...(options.body ? { setupRequest: (req: autocannon.Request) => ({ ...req, body: options.body!() }) } : {}),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / (result.duration || options.seconds),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
  };
}
