import type { RunType } from './enums';

export interface CreateConnectedSystemRequest {
  name: string;
  description?: string | null;
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
}

export interface RunProfileResponse {
  id: number;
  name: string;
  connectedSystemId: number;
  runType: RunType;
  created: string;
}
