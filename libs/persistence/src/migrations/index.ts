import { InitialSchema1764374400000 } from './1764374400000-initial-schema';

/** Every migration, oldest first. */
export const MIGRATIONS = [InitialSchema1764374400000];
