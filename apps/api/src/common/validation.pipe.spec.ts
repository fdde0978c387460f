import { ValidationError } from '@jim/common';
import { ScheduleRequest } from '../schedules/dto/schedule-request.dto';
import { createValidationPipe } from './validation.pipe';

const body = { type: 'body' as const, metatype: ScheduleRequest, data: '' };
const step = { stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' };

async function errorsOf(value: unknown): Promise<unknown> {
  try {
    await createValidationPipe().transform(value, body);
  } catch (error) {
    if (error instanceof ValidationError) return error.validationErrors;
    throw error;
  }
  return null;
}

describe('validation pipe: null where the schema does not allow it', () => {
  it('refuses it on every request, not only the first (the nullability of a property is looked up once)', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await errorsOf({ name: 'Nulls', steps: [{ ...step, stepIndex: null }] })).toEqual({ 'steps[0].stepIndex': ['must not be null'] });
    }
  });

  it('accepts null where the schema is nullable, on every request', async () => {
    for (let i = 0; i < 3; i++) expect(await errorsOf({ name: 'Nulls', description: null, steps: [{ ...step, name: null }] })).toBeNull();
  });

  it('still refuses an unknown property after it was sent before', async () => {
    for (let i = 0; i < 2; i++) expect(await errorsOf({ name: 'Unknown', notAField: null })).toEqual({ notAField: ['is not a known property'] });
  });
});
