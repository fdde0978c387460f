import type { Initiator, Role } from '@jim/persistence';

/** Who is calling: an API key and the roles it carries. */
export interface Principal {
  keyId: string;
  keyName: string;
  keyPrefix: string;
  roles: Role[];
  isInfrastructure: boolean;
}

export function initiatorOf(principal: Principal): Initiator {
  return { type: 'ApiKey', id: principal.keyId, name: principal.keyName };
}
