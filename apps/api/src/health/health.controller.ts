import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { LIVENESS_SCHEMA, READINESS_SCHEMA } from '../openapi/operations-schemas';
import { ApiReadiness, type ApiReadinessReport } from './api-readiness.service';

/** Liveness and readiness for orchestrators and load balancers; no API key. */
@Public()
@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ApiReadiness) {}

  /** The process is up and serving HTTP; no dependency is consulted. */
  @ApiOperation({ summary: 'Check liveness', description: 'The process is up and serving HTTP; no dependency is consulted. No API key needed.' })
  @ApiOkResponse({ description: 'Alive.', schema: LIVENESS_SCHEMA })
  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when the database and the queue backend answer (each within 2 s), else 503 naming the failing check. */
  @ApiOperation({ summary: 'Check readiness', description: 'Whether the database and the queue backend answer (each within 2 s). No API key needed.' })
  @ApiOkResponse({ description: 'Ready: every check is up.', schema: READINESS_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'Not ready: the report names the failing check.', schema: READINESS_SCHEMA })
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ApiReadinessReport> {
    const report = await this.readiness.check();
    // A JIM that does not answer degrades the service (RunProfile steps wait) but does not take it out of rotation.
    res.status(report.status === 'error' ? 503 : 200);
    return report;
  }
}
