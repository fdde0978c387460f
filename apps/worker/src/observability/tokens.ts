/** The worker process's root pino logger. */
export const WORKER_LOGGER = 'JIM_WORKER_LOGGER';
