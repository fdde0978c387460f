import { Module } from '@nestjs/common';
import { ConnectedSystemsModule } from '../connected-systems/connected-systems.module';
import { ApiReadiness } from './api-readiness.service';
import { HealthController } from './health.controller';

@Module({
  imports: [ConnectedSystemsModule],
  controllers: [HealthController],
  providers: [ApiReadiness],
})
export class HealthModule {}
