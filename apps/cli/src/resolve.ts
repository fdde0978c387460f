import type { ConnectedSystemResponse, RunProfileResponse } from '@jim/contracts';
import type { JimApi } from './api';
import { ApiError, CliError } from './errors';

export interface RunProfileTarget {
  connectedSystemId?: number;
  connectedSystemName?: string;
  runProfileId?: number;
  runProfileName?: string;
}

export interface ResolvedRunProfile {
  connectedSystem: Pick<ConnectedSystemResponse, 'id' | 'name'>;
  runProfile: Pick<RunProfileResponse, 'id' | 'name'>;
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Names match exactly, ignoring case; ids are checked against the API so a typo fails here, not at run time. */
export async function resolveRunProfile(api: JimApi, target: RunProfileTarget): Promise<ResolvedRunProfile> {
  const connectedSystem = await resolveConnectedSystem(api, target);
  const profiles = await api.runProfiles(connectedSystem.id);
  if (target.runProfileId !== undefined) {
    const profile = profiles.find((p) => p.id === target.runProfileId);
    if (!profile) throw new CliError(`Run Profile ${target.runProfileId} not found for Connected System '${connectedSystem.name}'`);
    return { connectedSystem, runProfile: profile };
  }
  const name = target.runProfileName!;
  const matches = profiles.filter((p) => sameName(p.name, name));
  if (matches.length === 0) throw new CliError(`Run Profile '${name}' not found for Connected System '${connectedSystem.name}'`);
  if (matches.length > 1) {
    throw new CliError(`Multiple Run Profiles found with name '${name}' for Connected System '${connectedSystem.name}'. Use --run-profile-id.`);
  }
  return { connectedSystem, runProfile: matches[0] };
}

async function resolveConnectedSystem(api: JimApi, target: RunProfileTarget): Promise<Pick<ConnectedSystemResponse, 'id' | 'name'>> {
  if (target.connectedSystemId !== undefined) {
    try {
      return await api.connectedSystem(target.connectedSystemId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        throw new CliError(`Connected System not found: ${target.connectedSystemId}`);
      }
      throw error;
    }
  }
  const name = target.connectedSystemName!;
  const matches = (await api.connectedSystems()).filter((s) => sameName(s.name, name));
  if (matches.length === 0) throw new CliError(`Connected System not found: '${name}'`);
  if (matches.length > 1) {
    const ids = matches.map((s) => s.id).join(', ');
    throw new CliError(`Multiple Connected Systems found with name '${name}'. Use --connected-system-id.\n  Their ids: ${ids}`);
  }
  return matches[0];
}
