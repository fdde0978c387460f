import { InitialSchema1764374400000 } from './1764374400000-initial-schema';
import { ScheduleSearchIndex1764460800000 } from './1764460800000-schedule-search-index';
import { TickWatermark1764547200000 } from './1764547200000-tick-watermark';
import { JimDispatch1764633600000 } from './1764633600000-jim-dispatch';
import { ScrubSecretFingerprints1764640800000 } from './1764640800000-scrub-secret-fingerprints';
import { SchedulePolicies1764720000000 } from './1764720000000-schedule-policies';
import { Backfills1764720000001 } from './1764720000001-backfills';
import { StepRetries1764723600000 } from './1764723600000-step-retries';
import { ConnectedSystemExclusivity1764723600001 } from './1764723600001-connected-system-exclusivity';
import { Webhooks1764727200000 } from './1764727200000-webhooks';
import { RetentionIndexes1764730800000 } from './1764730800000-retention-indexes';

/** Every migration, oldest first. */
export const MIGRATIONS = [
  InitialSchema1764374400000,
  ScheduleSearchIndex1764460800000,
  TickWatermark1764547200000,
  JimDispatch1764633600000,
  ScrubSecretFingerprints1764640800000,
  SchedulePolicies1764720000000,
  Backfills1764720000001,
  StepRetries1764723600000,
  ConnectedSystemExclusivity1764723600001,
  Webhooks1764727200000,
  RetentionIndexes1764730800000,
];
