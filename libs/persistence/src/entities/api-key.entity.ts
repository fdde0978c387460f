import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from './enums';
import { Timestamp } from './timestamp';

@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 1000, nullable: true }) description: string | null;
  /** SHA-256 of the whole key, lowercase hex. The key itself is never stored. */
  @Column({ name: 'key_hash', type: 'char', length: 64 }) keyHash: string;
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 }) keyPrefix: string;
  @Column({ type: 'text', array: true }) roles: Role[];
  @Column({ name: 'is_enabled', type: 'boolean' }) isEnabled: boolean;
  @Column({ name: 'is_infrastructure', type: 'boolean' }) isInfrastructure: boolean;
  @Timestamp('expires_at', { nullable: true }) expiresAt: Date | null;
  @Timestamp('last_used_at', { nullable: true }) lastUsedAt: Date | null;
  @Column({ name: 'last_used_from_ip', type: 'varchar', length: 64, nullable: true }) lastUsedFromIp: string | null;
  @Timestamp('created') created: Date;
  @Timestamp('last_updated', { nullable: true }) lastUpdated: Date | null;
}
