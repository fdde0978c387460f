import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { RequireRole } from '../auth/auth.decorators';
import type { PagedResponse } from '../common/paging';
import { uuidPipe } from '../common/uuid.pipe';
import { ExecutionListQuery } from './dto/execution-query.dto';
import type { ScheduleExecutionDetailResponse, ScheduleExecutionResponse } from './dto/execution-response.dto';
import { ExecutionReader } from './execution-reader';
import { ExecutionsService } from './executions.service';

const executionId = uuidPipe('Schedule execution');

@Controller('api/v1/schedule-executions')
@RequireRole('Administrator')
export class ScheduleExecutionsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly reader: ExecutionReader,
  ) {}

  @Get()
  list(@Query() query: ExecutionListQuery): Promise<PagedResponse<ScheduleExecutionResponse>> {
    return this.reader.list(query);
  }

  /** Declared before ':id' so "active" is never taken for an id. */
  @Get('active')
  active(): Promise<ScheduleExecutionResponse[]> {
    return this.reader.active();
  }

  @Get(':id')
  get(@Param('id', executionId) id: string): Promise<ScheduleExecutionDetailResponse> {
    return this.reader.detail(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id', executionId) id: string): Promise<ScheduleExecutionResponse> {
    return this.executions.cancel(id);
  }
}
