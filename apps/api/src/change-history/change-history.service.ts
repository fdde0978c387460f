import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '@jim/common';
import { ScheduleRepository, type ConfigurationChange } from '@jim/persistence';
import { iso } from '../common/iso';
import { pagedResponse, paging, type PageQuery, type PagedResponse } from '../common/paging';
import { scheduleNotFound } from '../schedules/schedule-not-found';
import type { ChangeComparison, ChangeHistoryDetail, ChangeHistoryItem } from './dto/change-history.dto';
import { diffSnapshots } from './snapshot-diff';

export const CHANGE_HISTORY_PAGE_SIZE = 25;

/** Reads a schedule's versioned change history. The history outlives the schedule, so deleted schedules have one too. */
@Injectable()
export class ScheduleChangeHistory {
  constructor(@Inject(ScheduleRepository) private readonly schedules: ScheduleRepository) {}

  async list(scheduleId: string, query: PageQuery): Promise<PagedResponse<ChangeHistoryItem>> {
    const page = paging(query, CHANGE_HISTORY_PAGE_SIZE);
    const [rows, total] = await this.schedules.history(scheduleId, page.skip, page.pageSize);
    // A schedule with no recorded change (one written outside the API) has an empty history, not a missing one.
    if (total === 0 && !(await this.schedules.exists(scheduleId))) throw scheduleNotFound(scheduleId);
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
    const rows = await this.schedules.historyVersions(scheduleId, versions);
    const byVersion = new Map(rows.map((row) => [row.version, row]));
    return versions.map((version) => {
      const row = byVersion.get(version);
      if (!row) throw changeVersionNotFound(scheduleId, version);
      return row;
    });
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
