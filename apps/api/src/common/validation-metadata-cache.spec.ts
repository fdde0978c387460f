import 'reflect-metadata';
import { getMetadataStorage, IsInt, IsString, MaxLength, validate, ValidateNested, type ValidationError } from 'class-validator';
import { Type } from 'class-transformer';
import { cacheValidationMetadata } from './validation-metadata-cache';

class Base {
  @IsInt()
  count!: unknown;
}

class Child {
  @IsString()
  @MaxLength(3)
  label!: unknown;
}

class Derived extends Base {
  @IsString()
  name!: unknown;

  @ValidateNested({ each: true })
  @Type(() => Child)
  children!: unknown;
}

const summary = (errors: ValidationError[]): unknown =>
  errors.map((e) => ({ property: e.property, constraints: e.constraints, children: summary(e.children ?? []) }));

function derived(count: unknown, name: unknown, labels: unknown[]): Derived {
  const object = Object.assign(new Derived(), { count, name });
  object.children = labels.map((label) => Object.assign(new Child(), { label }));
  return object;
}

const cases: Derived[] = [derived(1, 'ok', ['a']), derived('x', 5, ['long label', 3]), derived(2.5, 'n', [])];

describe('cacheValidationMetadata', () => {
  const storage = getMetadataStorage();

  it('gives the same errors as class-validator without the cache, own, inherited and nested checks alike', async () => {
    const uncached = await Promise.all(cases.map(async (c) => summary(await validate(c, { forbidUnknownValues: true }))));
    expect(uncached[1]).not.toEqual([]);
    cacheValidationMetadata(storage);
    cacheValidationMetadata(storage);
    for (let round = 0; round < 3; round++) {
      const cached = await Promise.all(cases.map(async (c) => summary(await validate(c, { forbidUnknownValues: true }))));
      expect(cached).toEqual(uncached);
    }
  });

  it('looks a class up once per set of options, and groups its metadata once', async () => {
    cacheValidationMetadata(storage);
    const first = storage.getTargetValidationMetadatas(Derived, '', false, false);
    expect(storage.getTargetValidationMetadatas(Derived, '', false, false)).toBe(first);
    expect(storage.getTargetValidationMetadatas(Derived, '', true, false)).not.toBe(first);
    expect(storage.getTargetValidationMetadatas(Derived, '', false, false, ['a'])).not.toBe(first);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
    expect(Object.keys(storage.groupByPropertyName(first)).sort()).toEqual(['children', 'count', 'name']);
  });

  it('drops what it kept when metadata is added, so a class defined later (or a new decorator) is checked', async () => {
    cacheValidationMetadata(storage);
    const before = storage.getTargetValidationMetadatas(Derived, '', false, false);

    class Later extends Derived {
      @IsInt()
      extra!: unknown;
    }
    const after = storage.getTargetValidationMetadatas(Derived, '', false, false);
    expect(after).not.toBe(before);
    expect(after).toEqual(before);
    const errors = await validate(Object.assign(derived(1, 'ok', []), { extra: 'x' }) as Derived);
    expect(errors).toEqual([]);
    const later = Object.assign(new Later(), { count: 1, name: 'ok', children: [], extra: 'x' });
    expect((await validate(later)).map((e) => e.property)).toEqual(['extra']);
  });
});
