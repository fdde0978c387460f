import { type PipeTransform } from '@nestjs/common';
import { NotFoundError } from '@jim/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id cannot name anything, so it is reported as not found, in the resource's own words. */
export function uuidPipe(resource: string): PipeTransform<string, string> {
  return {
    transform(value: string): string {
      if (!UUID.test(value)) throw new NotFoundError(`${resource} not found: ${value}`);
      return value.toLowerCase();
    },
  };
}

export function intIdPipe(message: (value: string) => string): PipeTransform<string, number> {
  return {
    transform(value: string): number {
      if (!/^\d{1,9}$/.test(value)) throw new NotFoundError(message(value));
      return Number(value);
    },
  };
}
