import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { RUN_TYPES, type ConnectedSystem, type RunProfile, type RunType } from '@jim/persistence';
import { iso } from '../../common/iso';
import { PageQuery } from '../../common/paging';

export class CreateConnectedSystemRequest {
  @IsString() @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name: string;

  @IsOptional() @IsString() @MaxLength(1000, { message: 'must be at most 1000 characters' })
  description?: string | null;
}

export class CreateRunProfileRequest {
  @IsString() @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name: string;

  @IsIn(RUN_TYPES, { message: `must be one of ${RUN_TYPES.join(', ')}` })
  runType: RunType;
}

export class ConnectedSystemListQuery extends PageQuery {}

export class ConnectedSystemResponse {
  id: number;
  name: string;
  description: string | null;
  created: string;

  static from(system: ConnectedSystem): ConnectedSystemResponse {
    return { id: system.id, name: system.name, description: system.description, created: iso(system.created)! };
  }
}

export class RunProfileResponse {
  id: number;
  name: string;
  connectedSystemId: number;
  runType: RunType;
  created: string;

  static from(profile: RunProfile): RunProfileResponse {
    return {
      id: profile.id,
      name: profile.name,
      connectedSystemId: profile.connectedSystemId,
      runType: profile.runType,
      created: iso(profile.created)!,
    };
  }
}
