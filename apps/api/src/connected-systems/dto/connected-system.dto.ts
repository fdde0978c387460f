import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type * as Contract from '@jim/contracts';
import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { RUN_TYPES, type RunType } from '@jim/contracts';
import type { ConnectedSystem, RunProfile } from '@jim/persistence';
import { iso } from '../../common/iso';
import { PageQuery } from '../../common/paging';

export class CreateConnectedSystemRequest implements Contract.CreateConnectedSystemRequest {
  @ApiProperty({ type: 'string', minLength: 1, maxLength: 200, example: 'Corporate LDAP', description: 'Name (1-200 characters)' })
  @IsString() @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000, description: 'Description (max 1000 characters)' })
  @IsOptional() @IsString() @MaxLength(1000, { message: 'must be at most 1000 characters' })
  description?: string | null;

  @ApiPropertyOptional({ type: 'boolean', nullable: true, default: true, description: 'At most one RunProfile step of the system runs at a time, across schedules, manual runs and workers (default true)' })
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  exclusive?: boolean | null;
}

export class UpdateConnectedSystemRequest implements Contract.UpdateConnectedSystemRequest {
  @ApiProperty({ type: 'boolean', example: true, description: 'At most one RunProfile step of the system runs at a time, across schedules, manual runs and workers' })
  @IsDefined({ message: 'is required' }) @IsBoolean({ message: 'must be true or false' })
  exclusive: boolean;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 2000, description: 'Why the change is made; recorded in the change history (max 2000 characters)' })
  @IsOptional() @IsString({ message: 'must be a string' }) @MaxLength(2000, { message: 'must be at most 2000 characters' })
  changeReason?: string | null;
}

export class CreateRunProfileRequest implements Contract.CreateRunProfileRequest {
  @ApiProperty({ type: 'string', minLength: 1, maxLength: 200, example: 'Delta Import', description: 'Name (1-200 characters)' })
  @IsString() @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name: string;

  @ApiProperty({ enum: [...RUN_TYPES], example: 'DeltaImport', description: 'What the sync engine runs' })
  @IsIn(RUN_TYPES, { message: `must be one of ${RUN_TYPES.join(', ')}` })
  runType: RunType;
}

export class ConnectedSystemListQuery extends PageQuery {}

export class ConnectedSystemResponse implements Contract.ConnectedSystemResponse {
  @ApiProperty({ type: 'integer', example: 1, description: 'Connected system ID' })
  id: number;
  @ApiProperty({ example: 'Corporate LDAP', description: 'Name' })
  name: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'Description' })
  description: string | null;
  @ApiProperty({ format: 'date-time', description: 'When it was created' })
  created: string;
  @ApiProperty({ description: 'Whether at most one RunProfile step of the system runs at a time' })
  exclusive: boolean;

  static from(system: ConnectedSystem): ConnectedSystemResponse {
    return { id: system.id, name: system.name, description: system.description, created: iso(system.created)!, exclusive: system.exclusive };
  }
}

export class RunProfileResponse implements Contract.RunProfileResponse {
  @ApiProperty({ type: 'integer', example: 1, description: 'Run profile ID' })
  id: number;
  @ApiProperty({ example: 'Delta Import', description: 'Name' })
  name: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'The connected system it belongs to' })
  connectedSystemId: number;
  @ApiProperty({ enum: [...RUN_TYPES], description: 'What the sync engine runs' })
  runType: RunType;
  @ApiProperty({ format: 'date-time', description: 'When it was created' })
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
