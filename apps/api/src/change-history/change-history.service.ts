import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError } from '@jim/common';
import { ConfigurationChange, Schedule } from '@jim/persistence';
import { In, type DataSource, type FindOptionsSelect } from 'typeorm';
import { iso } from '../common/iso';
import { pagedResponse, paging, type PageQuery, type PagedResponse } from '../common/paging';
import { SCHEDULE_TARGET } from '../schedules/schedule-change-recorder';
import { scheduleNotFound } from '../schedules/schedule-reader';
import type { ChangeComparison, ChangeHistoryDetail, ChangeHistoryItem } from './dto/change-history.dto';
import { diffSnapshots } from './snapshot-diff';

export const CHANGE_HISTORY_PAGE_SIZE = 25;

/** Everything but the snapshot: lists never read the (possibly large) jsonb column. */
const ITEM_COLUMNS: FindOptionsSelect<ConfigurationChange> = {
  id: true,
  version: true,
  operation: true,
  changedAt: true,
  changeReason: true,
  initiatedByType: true,
  initiatedById: true,
  initiatedByName: true,
};

/** Reads a schedule's versioned change history. The history outlives the schedule, so deleted schedules have one too. */
@Injectable()
export class ScheduleChangeHistory {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(scheduleId: string, query: PageQuery): Promise<PagedResponse<ChangeHistoryItem>> {
    const page = paging(query, CHANGE_HISTORY_PAGE_SIZE);
    const [rows, total] = await this.changes().findAndCount({
      select: ITEM_COLUMNS,
      where: { targetType: SCHEDULE_TARGET, targetId: scheduleId },
      order: { version: 'DESC' },
      skip: page.skip,
      take: page.pageSize,
    });
    // A schedule with no recorded change (one written outside the API) has an empty history, not a missing one.
    if (total === 0 && !(await this.db.getRepository(Schedule).existsBy({ id: scheduleId }))) throw scheduleNotFound(scheduleId);
    return pagedResponse(rows.map(toItem), total, page);
  }

  async detail(scheduleId: string, version: number): Promise<ChangeHistoryDetail> {
    const [change] = await this.versions(scheduleId, [version]);
    return { ...toItem(change), snapshot: change.snapshot };
  }

  async compare(scheduleId: string, fromVersion: number, toVersion: number): Promise<ChangeComparison> {
    const [from, to] = await this.versions(scheduleId, [fromVersion, toVersion]);
    return { scheduleId, fromVersion, toVersion, differences: diffSnapshots(from.snapshot, to.snapshot) };
  }

  /** The requested versions, in the order asked; the first one missing is a 404. */
  private async versions(scheduleId: string, versions: number[]): Promise<ConfigurationChange[]> {
    const rows = await this.changes().find({
      where: { targetType: SCHEDULE_TARGET, targetId: scheduleId, version: In([...new Set(versions)]) },
    });
    const byVersion = new Map(rows.map((row) => [row.version, row]));
    return versions.map((version) => {
      const row = byVersion.get(version);
      if (!row) throw changeVersionNotFound(scheduleId, version);
      return row;
    });
  }

  private changes() {
    return this.db.getRepository(ConfigurationChange);
  }
}

export function changeVersionNotFound(scheduleId: string, version: number | string): NotFoundError {
  return new NotFoundError(`Change version ${version} not found for schedule ${scheduleId}`);
}

function toItem(change: ConfigurationChange): ChangeHistoryItem {
  return {
    version: change.version,
    operation: change.operation,
    changedAt: iso(change.changedAt)!,
    changeReason: change.changeReason,
    initiatedByType: change.initiatedByType,
    initiatedById: change.initiatedById,
    initiatedByName: change.initiatedByName,
  };
}
