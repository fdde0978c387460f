import { Module } from '@nestjs/common';
import { ApiReadiness } from './api-readiness.service';
import { HealthController } from './health.controller';

@Module({
  controllers: [HealthController],
  providers: [ApiReadiness],
})
export class HealthModule {}
