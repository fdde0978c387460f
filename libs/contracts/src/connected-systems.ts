import type { RunType } from './enums';

export interface CreateConnectedSystemRequest {
  name: string;
  description?: string | null;
  /** At most one RunProfile step of the system runs at a time (default true). */
  exclusive?: boolean | null;
}

/** The settings of a connected system that are this service's own (the rest is mirrored from JIM). */
export interface UpdateConnectedSystemRequest {
  exclusive: boolean;
  changeReason?: string | null;
}

export interface CreateRunProfileRequest {
  name: string;
  runType: RunType;
}

export interface ConnectedSystemResponse {
  id: number;
  name: string;
  description: string | null;
  created: string;
  exclusive: boolean;
}

export interface RunProfileResponse {
  id: number;
  name: string;
  connectedSystemId: number;
  runType: RunType;
  created: string;
}
