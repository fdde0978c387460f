export {
  isTerminalActivityStatus,
  JimHttpError,
  JimSyncClient,
  JimUnreachableError,
  TERMINAL_ACTIVITY_STATUSES,
} from './jim-sync-client';
export type {
  JimActivity,
  JimActivityStatus,
  JimConnectedSystem,
  JimExecuteAnswer,
  JimRunProfile,
  JimSyncClientOptions,
  JimWorkerTask,
} from './jim-sync-client';
export { percentComplete } from './activity-follower';
export type { ActivityFollower, ActivityNews, FollowedActivity, RunProgress } from './activity-follower';
export { JimRunProfileStepExecutor } from './jim-run-profile.executor';
export type { JimRunProfileExecutorOptions } from './jim-run-profile.executor';
export { JimReachability } from './jim-reachability';
export type { JimCheck } from './jim-reachability';
