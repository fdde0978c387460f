import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { initiatorOf, type Principal } from '../auth/principal';
import type { PagedResponse } from '../common/paging';
import { uuidPipe } from '../common/uuid.pipe';
import { SkippedRunListQuery } from './dto/execution-query.dto';
import type { ScheduleRunResponse, SkippedRunResponse } from './dto/execution-response.dto';
import { ExecutionReader } from './execution-reader';
import { ExecutionsService } from './executions.service';

const scheduleId = uuidPipe('Schedule');

/** The execution side of a schedule: run it now, and see which cron runs were skipped. */
@Controller('api/v1/schedules')
@RequireRole('Administrator')
export class ScheduleRunsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly reader: ExecutionReader,
  ) {}

  @Post(':id/run')
  @HttpCode(202)
  run(@Param('id', scheduleId) id: string, @CurrentPrincipal() principal: Principal): Promise<ScheduleRunResponse> {
    return this.executions.run(id, initiatorOf(principal));
  }

  @Get(':id/skipped-runs')
  skippedRuns(@Param('id', scheduleId) id: string, @Query() query: SkippedRunListQuery): Promise<PagedResponse<SkippedRunResponse>> {
    return this.reader.skippedRuns(id, query);
  }
}
