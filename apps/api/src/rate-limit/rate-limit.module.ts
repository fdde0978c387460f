import { Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiter } from './rate-limiter.service';

/**
 * Provides the limiter and its guard. The guard is registered as APP_GUARD by the root module, whose providers are
 * registered before any imported module's, so it runs ahead of AuthModule's ApiKeyGuard.
 */
@Module({
  providers: [RateLimiter, RateLimitGuard],
  exports: [RateLimiter, RateLimitGuard],
})
export class RateLimitModule {}
