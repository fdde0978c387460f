export { BullmqRunProfileGateway, RunProfileDispatchAborted } from './bullmq-run-profile.gateway';
export type { BullmqRunProfileGatewayOptions } from './bullmq-run-profile.gateway';
export {
  DEFAULT_RUN_PROFILE_QUEUE_NAME,
  RUN_PROFILE_JOB_NAME,
  failedJobResult,
  runProfileJobId,
  toRunProfileResult,
} from './run-profile-job';
