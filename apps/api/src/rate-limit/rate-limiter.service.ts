import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '@jim/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import type { Response } from 'express';
import { clientBucket } from './client-address';
import { FixedWindowLimiter, SlidingWindowLimiter, type RateDecision } from './window-limiters';

export const RATE_WINDOW_MS = 60_000;
/** API keys are few; client addresses may be many and hostile. Both tables are capped (oldest entry dropped when full). */
export const MAX_TRACKED_KEYS = 10_000;
export const MAX_TRACKED_CLIENTS = 100_000;
export const TOO_MANY_REQUESTS_MESSAGE = 'Too many requests. Please retry after the indicated delay.';

/**
 * Request counters for this API process (limits are per process, not shared between replicas):
 * a rolling minute per API key, and a fixed minute per client address for requests that fail authentication.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  readonly enabled: boolean;
  readonly authenticatedPerMinute: number;
  readonly unauthenticatedPerMinute: number;
  private readonly perKey: SlidingWindowLimiter;
  private readonly perClient: FixedWindowLimiter;
  private readonly sweeper: NodeJS.Timeout | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    ({
      enabled: this.enabled,
      authenticatedPerMinute: this.authenticatedPerMinute,
      unauthenticatedPerMinute: this.unauthenticatedPerMinute,
    } = config.rateLimit);
    this.perKey = new SlidingWindowLimiter(this.authenticatedPerMinute, RATE_WINDOW_MS, MAX_TRACKED_KEYS);
    this.perClient = new FixedWindowLimiter(this.unauthenticatedPerMinute, RATE_WINDOW_MS, MAX_TRACKED_CLIENTS);
    if (this.enabled) {
      this.sweeper = setInterval(() => this.sweep(), RATE_WINDOW_MS);
      this.sweeper.unref();
    }
  }

  forKey(keyId: string): RateDecision {
    return this.perKey.hit(keyId);
  }

  forClient(ip: string | undefined): RateDecision {
    return this.perClient.hit(clientBucket(ip));
  }

  /** Counts a request of a valid key; past the limit, sets Retry-After and throws TOO_MANY_REQUESTS (429). */
  enforceForKey(keyId: string, response: Response): void {
    if (!this.enabled) return;
    enforce(this.forKey(keyId), response, `${this.authenticatedPerMinute} requests per minute per API key`);
  }

  /** Counts a request that failed authentication; past the limit, sets Retry-After and throws TOO_MANY_REQUESTS (429). */
  enforceForClient(ip: string | undefined, response: Response): void {
    if (!this.enabled) return;
    enforce(this.forClient(ip), response, `${this.unauthenticatedPerMinute} unauthenticated requests per minute per client address`);
  }

  sweep(now = Date.now()): void {
    this.perKey.sweep(now);
    this.perClient.sweep(now);
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.perKey.clear();
    this.perClient.clear();
  }
}

function enforce(decision: RateDecision, response: Response, limit: string): void {
  if (decision.allowed) return;
  response.setHeader('Retry-After', String(decision.retryAfterSeconds));
  throw new DomainError('TOO_MANY_REQUESTS', TOO_MANY_REQUESTS_MESSAGE, `The limit is ${limit}.`);
}
