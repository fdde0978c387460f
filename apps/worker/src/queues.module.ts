// The worker's queues come from the shared queue module; these names stay importable from here.
export { QueueModule as QueuesModule, STEP_QUEUE_TOKEN, TICK_QUEUE_TOKEN } from '@jim/queue';
