import { EXECUTION_STATUSES } from '@jim/contracts';
import { ACTIVE_EXECUTION_STATUSES } from '../entities/enums';
import { EXECUTION_RETENTION, RETENTION_TARGETS } from './retention-targets';

describe('Retention targets', () => {
  it('gives every ended execution status a retention setting and none to an active one', () => {
    for (const status of EXECUTION_STATUSES) {
      if (ACTIVE_EXECUTION_STATUSES.includes(status)) expect(EXECUTION_RETENTION[status]).toBeNull();
      else expect(EXECUTION_RETENTION[status]).not.toBeNull();
    }
    expect(EXECUTION_RETENTION).toEqual({ Queued: null, InProgress: null, Complete: 'succeededDays', Failed: 'failedDays', Cancelled: 'failedDays' });
  });

  it('has unique names and never lists the change history', () => {
    expect(new Set(RETENTION_TARGETS.map((t) => t.name)).size).toBe(RETENTION_TARGETS.length);
    expect(RETENTION_TARGETS.map((t) => t.table)).not.toContain('configuration_changes');
  });
});
