import { JimHttpError, JimUnreachableError, type JimSyncClient } from './jim-sync-client';

/** JIM as seen by readiness: a problem code, never error text (it may name hosts). */
export interface JimCheck {
  status: 'up' | 'down';
  /** `unreachable`, `timeout`, `key-refused` (401/403), `rate-limited` or `http-<status>`. */
  problem?: string;
  checkedAt: string;
}

/**
 * Whether JIM answers with our key. Every request counts against the key's 300 a minute, so readiness probes (every
 * few seconds) share one check per `maxAgeMs`.
 */
export class JimReachability {
  private last?: { at: number; result: JimCheck };
  private inflight?: Promise<JimCheck>;

  constructor(
    private readonly client: JimSyncClient,
    private readonly maxAgeMs = 30_000,
    private readonly timeoutMs = 2000,
  ) {}

  async check(): Promise<JimCheck> {
    if (this.last && Date.now() - this.last.at < this.maxAgeMs) return this.last.result;
    this.inflight ??= this.probe().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async probe(): Promise<JimCheck> {
    let result: JimCheck;
    try {
      await this.client.ping(AbortSignal.timeout(this.timeoutMs));
      result = { status: 'up', checkedAt: new Date().toISOString() };
    } catch (error) {
      result = { status: 'down', problem: problemOf(error), checkedAt: new Date().toISOString() };
    }
    this.last = { at: Date.now(), result };
    return result;
  }
}

function problemOf(error: unknown): string {
  if (error instanceof JimHttpError) {
    if (error.status === 401 || error.status === 403) return 'key-refused';
    if (error.status === 429) return 'rate-limited';
    return `http-${error.status}`;
  }
  if (error instanceof JimUnreachableError) return 'unreachable';
  return 'timeout';
}
