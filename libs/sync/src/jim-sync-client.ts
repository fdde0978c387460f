/**
 * JIM's synchronisation API over HTTP (field by field: reference/jim-sync-api.md). One instance per process; the
 * API key travels only in the X-API-Key header and never appears in an error message.
 */

export type JimActivityStatus = 'NotSet' | 'InProgress' | 'Complete' | 'CompleteWithWarning' | 'CompleteWithError' | 'FailedWithError' | 'Cancelled';
export const TERMINAL_ACTIVITY_STATUSES: readonly JimActivityStatus[] = ['Complete', 'CompleteWithWarning', 'CompleteWithError', 'FailedWithError', 'Cancelled'];

export function isTerminalActivityStatus(status: string | null | undefined): status is JimActivityStatus {
  return !!status && (TERMINAL_ACTIVITY_STATUSES as readonly string[]).includes(status);
}

export interface JimExecuteAnswer {
  activityId: string;
  taskId: string;
  message: string;
  warnings: string[];
}

export interface JimActivity {
  id: string;
  created: string;
  status: JimActivityStatus;
  targetName: string | null;
  targetContext: string | null;
  initiatedByType: string | null;
  objectsToProcess: number | null;
  objectsProcessed: number | null;
  warningMessage: string | null;
  errorMessage: string | null;
  connectedSystemId: number | null;
  connectedSystemRunProfileId: number | null;
}

export interface JimWorkerTask {
  id: string;
  name: string;
  status: string;
  activityId: string | null;
  objectsToProcess: number | null;
  objectsProcessed: number | null;
  progressMessage: string | null;
  steps: { currentStepName: string | null } | null;
}

export interface JimConnectedSystem {
  id: number;
  name: string;
  description: string | null;
}

export interface JimRunProfile {
  id: number;
  name: string;
  connectedSystemId: number;
  runType: string;
}

interface Paginated<T> {
  items: T[];
  hasNextPage: boolean;
  totalPages: number;
}

/** JIM answered with an error status. `message` is JIM's own (ApiErrorResponse.message) when it gave one. */
export class JimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    /** From Retry-After, for 429 and 503. */
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = 'JimHttpError';
  }

  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** No answer from JIM. `maybeSent`: the request may have reached JIM (a reset or a timeout, not a refused connection). */
export class JimUnreachableError extends Error {
  constructor(
    message: string,
    readonly maybeSent: boolean,
  ) {
    super(message);
    this.name = 'JimUnreachableError';
  }
}

export interface JimSyncClientOptions {
  url: string;
  apiKey: string;
  /** Per request; default 15000. */
  requestTimeoutMs?: number;
  /** Called with each answer's status, for request accounting (benchmarks, metrics). */
  onRequest?: (method: string, path: string, status: number | null) => void;
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class JimSyncClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: JimSyncClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.requestTimeoutMs ?? 15_000;
  }

  /** Where JIM is, for messages (never the key). */
  get url(): string {
    return this.base;
  }

  execute(connectedSystemId: number, runProfileId: number, signal?: AbortSignal): Promise<JimExecuteAnswer> {
    return this.request('POST', `/api/v1/synchronisation/connected-systems/${connectedSystemId}/run-profiles/${runProfileId}/execute`, signal);
  }

  activity(activityId: string, signal?: AbortSignal): Promise<JimActivity> {
    return this.request('GET', `/api/v1/activities/${encodeURIComponent(activityId)}`, signal);
  }

  /** Newest first; one page of up to 100. */
  async activities(filter: { connectedSystem?: string; runProfile?: string; status?: string }, signal?: AbortSignal, pageNumber = 1): Promise<JimActivity[]> {
    const query = new URLSearchParams({ page: String(pageNumber), pageSize: '100', sortBy: 'created', sortDirection: 'desc' });
    for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
    const page = await this.request<Paginated<JimActivity>>('GET', `/api/v1/activities?${query}`, signal);
    return page.items;
  }

  /** Every queued or running worker task, all pages of 100. */
  async workerTasks(signal?: AbortSignal): Promise<JimWorkerTask[]> {
    const tasks: JimWorkerTask[] = [];
    for (let page = 1; page <= 1000; page++) {
      const answer = await this.request<Paginated<JimWorkerTask>>('GET', `/api/v1/worker-tasks?page=${page}&pageSize=100`, signal);
      tasks.push(...answer.items);
      if (!answer.hasNextPage) break;
    }
    return tasks;
  }

  /** The cheapest authenticated call: one worker task. */
  async ping(signal?: AbortSignal): Promise<void> {
    await this.request('GET', '/api/v1/worker-tasks?page=1&pageSize=1', signal);
  }

  async cancelTask(taskId: string, signal?: AbortSignal): Promise<void> {
    await this.request('POST', `/api/v1/worker-tasks/${encodeURIComponent(taskId)}/cancel`, signal);
  }

  async connectedSystems(signal?: AbortSignal): Promise<JimConnectedSystem[]> {
    const systems: JimConnectedSystem[] = [];
    for (let page = 1; page <= 1000; page++) {
      const answer = await this.request<Paginated<JimConnectedSystem>>('GET', `/api/v1/synchronisation/connected-systems?page=${page}&pageSize=100`, signal);
      systems.push(...answer.items);
      if (!answer.hasNextPage) break;
    }
    return systems;
  }

  runProfiles(connectedSystemId: number, signal?: AbortSignal): Promise<JimRunProfile[]> {
    return this.request('GET', `/api/v1/synchronisation/connected-systems/${connectedSystemId}/run-profiles`, signal);
  }

  private async request<T>(method: string, path: string, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { 'X-API-Key': this.opts.apiKey, Accept: 'application/json' },
        signal: combined,
      });
    } catch (error) {
      this.opts.onRequest?.(method, path, null);
      if (signal?.aborted) throw signal.reason ?? error;
      throw unreachable(error, timeout.aborted, this.timeoutMs);
    }
    this.opts.onRequest?.(method, path, response.status);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw new JimUnreachableError(`the answer from JIM was cut off (${describeCause(error)})`, true);
    }
    if (response.ok) {
      if (!text) return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new JimHttpError(response.status, null, `JIM answered ${response.status} with a body that is not JSON`, null);
      }
    }
    throw httpError(response, text);
  }
}

function unreachable(error: unknown, timedOut: boolean, timeoutMs: number): JimUnreachableError {
  if (timedOut) return new JimUnreachableError(`no answer from JIM within ${timeoutMs} ms`, true);
  const code = causeCode(error);
  return new JimUnreachableError(`JIM is unreachable (${describeCause(error)})`, !code || !NOT_SENT_CODES.has(code));
}

function causeCode(error: unknown): string | null {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === 'string' ? cause.code : null;
}

function describeCause(error: unknown): string {
  const code = causeCode(error);
  if (code) return code;
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof Error && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function httpError(response: Response, text: string): JimHttpError {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : null;
  let code: string | null = null;
  let message: string | null = null;
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; error?: unknown; title?: unknown };
    code = typeof body.code === 'string' ? body.code : null;
    if (typeof body.message === 'string') message = body.message;
    else if (typeof body.error === 'string') message = body.error;
    else if (typeof body.title === 'string') message = body.title;
  } catch {
    // Empty or not JSON (403, 404 on a malformed id): the status says it all.
  }
  return new JimHttpError(response.status, code, message ?? `HTTP ${response.status}`, retryAfterMs);
}
