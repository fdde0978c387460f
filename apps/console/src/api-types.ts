/**
 * Console-only helpers over the HTTP API's types. The request and response shapes themselves come from
 * @jim/contracts, the same definitions the API's DTOs implement and the CLI uses.
 */
import type { ExecutionStatus } from '@jim/contracts';

/** The statuses of an execution that is still running: the execution page keeps polling while it has one. */
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['Queued', 'InProgress'];
