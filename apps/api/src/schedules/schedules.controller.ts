import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { initiatorOf, type Principal } from '../auth/principal';
import type { PagedResponse } from '../common/paging';
import { uuidPipe } from '../common/uuid.pipe';
import { ChangeReasonQuery, NextRunsQuery, ScheduleListQuery } from './dto/schedule-query.dto';
import { ScheduleRequest } from './dto/schedule-request.dto';
import type { NextRunsResponse, ScheduleDetailResponse, ScheduleResponse } from './dto/schedule-response.dto';
import { ScheduleReader } from './schedule-reader';
import { SchedulesService } from './schedules.service';

export const scheduleId = uuidPipe('Schedule');

@Controller('api/v1/schedules')
@RequireRole('Administrator')
export class SchedulesController {
  constructor(
    private readonly schedules: SchedulesService,
    private readonly reader: ScheduleReader,
  ) {}

  @Get()
  list(@Query() query: ScheduleListQuery): Promise<PagedResponse<ScheduleResponse>> {
    return this.reader.list(query);
  }

  @Post()
  async create(
    @Body() body: ScheduleRequest,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ScheduleDetailResponse> {
    const schedule = await this.schedules.create(body, initiatorOf(principal));
    response.location(`/api/v1/schedules/${schedule.id}`);
    return schedule;
  }

  @Get(':id')
  get(@Param('id', scheduleId) id: string): Promise<ScheduleDetailResponse> {
    return this.reader.detail(id);
  }

  @Put(':id')
  update(
    @Param('id', scheduleId) id: string,
    @Body() body: ScheduleRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ScheduleDetailResponse> {
    return this.schedules.update(id, body, initiatorOf(principal));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Param('id', scheduleId) id: string,
    @Query() query: ChangeReasonQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.schedules.remove(id, query.changeReason ?? null, initiatorOf(principal));
  }

  @Post(':id/enable')
  @HttpCode(200)
  enable(
    @Param('id', scheduleId) id: string,
    @Query() query: ChangeReasonQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ScheduleResponse> {
    return this.schedules.setEnabled(id, true, query.changeReason ?? null, initiatorOf(principal));
  }

  @Post(':id/disable')
  @HttpCode(200)
  disable(
    @Param('id', scheduleId) id: string,
    @Query() query: ChangeReasonQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ScheduleResponse> {
    return this.schedules.setEnabled(id, false, query.changeReason ?? null, initiatorOf(principal));
  }

  @Get(':id/next-runs')
  nextRuns(@Param('id', scheduleId) id: string, @Query() query: NextRunsQuery): Promise<NextRunsResponse> {
    return this.schedules.nextRuns(id, query.count ?? 10, query.after ? new Date(query.after) : new Date());
  }
}
