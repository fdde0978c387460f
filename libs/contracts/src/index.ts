export * from './enums';
export type * from './paging';
export type * from './schedules';
export type * from './executions';
export type * from './connected-systems';
export type * from './previews';
export type * from './change-history';
export type * from './errors';
export * from './backfills';
