import { getMetadataStorage, type MetadataStorage } from 'class-validator';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Grouped = ReturnType<MetadataStorage['groupByPropertyName']>;
const CACHED = Symbol('jim.validationMetadataCached');

/**
 * class-validator looks a class's validation metadata up again for every object it validates, nested ones included:
 * it filters the metadata of every class that has validators (to find inherited ones, with `instanceof` checks and a
 * quadratic de-duplication) and groups the result by property name. The result only changes when metadata is added,
 * which the decorators do when their classes are defined; so it is kept here per class and options, and the whole
 * cache is dropped whenever metadata is added. The answers are the storage's own, computed once: validation is the
 * same, check for check. Safe to call more than once.
 */
export function cacheValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const marked = storage as MetadataStorage & { [CACHED]?: true };
  if (marked[CACHED]) return;
  marked[CACHED] = true;

  let byTarget = new Map<Function | string, Map<string, ValidationMetadata[]>>();
  let byList = new WeakMap<ValidationMetadata[], Grouped>();
  const forget = () => {
    byTarget = new Map();
    byList = new WeakMap();
  };
  for (const method of ['addValidationSchema', 'addValidationMetadata', 'addConstraintMetadata'] as const) {
    const add = storage[method].bind(storage) as (argument: never) => void;
    storage[method] = ((argument: never) => {
      forget();
      add(argument);
    }) as never;
  }

  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const options = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups ? groups.join('\u0001') : '-'}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map()));
    let found = forTarget.get(options);
    if (!found) forTarget.set(options, (found = lookUp(target, schema, always, strictGroups, groups)));
    return found;
  };

  const group = storage.groupByPropertyName.bind(storage);
  storage.groupByPropertyName = (metadata) => {
    let grouped = byList.get(metadata);
    if (!grouped) byList.set(metadata, (grouped = group(metadata)));
    return grouped;
  };
}
