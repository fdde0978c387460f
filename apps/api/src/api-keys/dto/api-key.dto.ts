import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { ROLES, type ApiKey, type Role } from '@jim/persistence';
import { iso } from '../../common/iso';

export class CreateApiKeyRequest {
  @IsString() @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name: string;

  @IsOptional() @IsString() @MaxLength(1000, { message: 'must be at most 1000 characters' })
  description?: string | null;

  @IsArray() @ArrayMinSize(1, { message: 'must hold at least one role' }) @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles: Role[];

  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  isEnabled?: boolean | null;

  @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date and time' })
  expiresAt?: string | null;
}

export class UpdateApiKeyRequest {
  @IsOptional() @IsString() @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name?: string;

  @IsOptional() @IsString() @MaxLength(1000, { message: 'must be at most 1000 characters' })
  description?: string | null;

  @IsOptional() @IsArray() @ArrayMinSize(1, { message: 'must hold at least one role' }) @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles?: Role[];

  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  isEnabled?: boolean;

  @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date and time' })
  expiresAt?: string | null;
}

export class ApiKeyResponse {
  id: string;
  name: string;
  description: string | null;
  keyPrefix: string;
  roles: Role[];
  isEnabled: boolean;
  isInfrastructure: boolean;
  expiresAt: string | null;
  lastUsedAt: string | null;
  created: string;
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
  key: string;
}
