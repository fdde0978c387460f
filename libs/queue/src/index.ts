export * from './job-scheduler-sync';
export * from './names';
export * from './queue-kit';
export * from './run-profile';
export * from './queue.module';
export * from './readiness-probe';
export * from './queue-backlog';
export * from './step-jobs';
