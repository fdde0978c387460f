import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { ROLES, type Role } from '@jim/contracts';
import type { ApiKey } from '@jim/persistence';
import { IsDateTime } from '../../common/date-time';
import { iso } from '../../common/iso';

export class CreateApiKeyRequest {
  @ApiProperty({ type: 'string', minLength: 1, maxLength: 200, example: 'CI pipeline', description: 'Key name (1-200 characters)' })
  @IsString() @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000, description: 'Description (max 1000 characters)' })
  @IsOptional() @IsString() @MaxLength(1000, { message: 'must be at most 1000 characters' })
  description?: string | null;

  @ApiProperty({ enum: [...ROLES], isArray: true, minItems: 1, maxItems: ROLES.length, example: ['Administrator'], description: 'Roles of the key: Administrator, User (at least one). The Schedules API needs Administrator.' })
  @IsArray() @ArrayMinSize(1, { message: 'must hold at least one role' }) @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles: Role[];

  @ApiPropertyOptional({ type: 'boolean', nullable: true, default: true, description: 'Whether the key can be used (default: true)' })
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  isEnabled?: boolean | null;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true, description: 'When the key stops working (RFC 3339 with an offset, e.g. 2027-01-01T00:00:00Z); never when absent' })
  @IsOptional() @IsDateTime()
  expiresAt?: Date | null;
}

export class UpdateApiKeyRequest {
  @ApiPropertyOptional({ type: 'string', minLength: 1, maxLength: 200, description: 'Key name (1-200 characters)' })
  @IsOptional() @IsString() @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000, description: 'Description (max 1000 characters)' })
  @IsOptional() @IsString() @MaxLength(1000, { message: 'must be at most 1000 characters' })
  description?: string | null;

  @ApiPropertyOptional({ enum: [...ROLES], isArray: true, minItems: 1, maxItems: ROLES.length, description: 'Roles of the key (at least one). Not for the infrastructure key.' })
  @IsOptional() @IsArray() @ArrayMinSize(1, { message: 'must hold at least one role' }) @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles?: Role[];

  @ApiPropertyOptional({ type: 'boolean', description: 'Whether the key can be used. Not for the infrastructure key.' })
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  isEnabled?: boolean;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true, description: 'When the key stops working (RFC 3339 with an offset); null for never. Not for the infrastructure key.' })
  @IsOptional() @IsDateTime()
  expiresAt?: Date | null;
}

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid', description: 'Key id' })
  id: string;
  @ApiProperty({ example: 'CI pipeline', description: 'Key name' })
  name: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'Description' })
  description: string | null;
  @ApiProperty({ example: 'jim_ak_1a2b3', description: 'The first characters of the key, to recognise it' })
  keyPrefix: string;
  @ApiProperty({ enum: [...ROLES], isArray: true, description: 'Roles of the key' })
  roles: Role[];
  @ApiProperty({ description: 'Whether the key can be used' })
  isEnabled: boolean;
  @ApiProperty({ description: 'The key managed by JIM_INFRASTRUCTURE_API_KEY; it cannot be deleted here, and its roles, enabled flag and expiry cannot be changed' })
  isInfrastructure: boolean;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the key stops working' })
  expiresAt: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the key was last used (to the minute)' })
  lastUsedAt: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the key was created' })
  created: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the key was last changed' })
  lastUpdated: string | null;

  static from(key: ApiKey): ApiKeyResponse {
    return {
      id: key.id,
      name: key.name,
      description: key.description,
      keyPrefix: key.keyPrefix,
      roles: key.roles,
      isEnabled: key.isEnabled,
      isInfrastructure: key.isInfrastructure,
      expiresAt: iso(key.expiresAt),
      lastUsedAt: iso(key.lastUsedAt),
      created: iso(key.created)!,
      lastUpdated: iso(key.lastUpdated),
    };
  }
}

/** Returned once, at creation: the only time the key itself is ever shown. */
export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ example: 'jim_ak_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', description: 'The key itself: shown only in this response, never again' })
  key: string;
}
