export * from './data-source';
export * from './entities';
export * from './migrate';
export * from './secret-cipher';
export * from './database-errors';
export * from './executions';
export * from './ticks';
