import { NotFoundError } from '@jim/common';

export function scheduleNotFound(id: string): NotFoundError {
  return new NotFoundError(`Schedule not found: ${id}`);
}
