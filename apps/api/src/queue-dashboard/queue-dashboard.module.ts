import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { QueueDashboard } from './queue-dashboard';

@Module({ imports: [RateLimitModule], providers: [QueueDashboard], exports: [QueueDashboard] })
export class QueueDashboardModule {}
