import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { InitiatorType } from './enums';
import { Timestamp } from './timestamp';

export type ConfigurationOperation = 'Create' | 'Update' | 'Enable' | 'Disable' | 'Delete';

/** One versioned, redacted snapshot per configuration change: the audit trail and the change history. */
@Entity({ name: 'configuration_changes' })
export class ConfigurationChange {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'target_type', type: 'varchar', length: 40 }) targetType: string;
  @Column({ name: 'target_id', type: 'varchar', length: 64 }) targetId: string;
  @Column({ name: 'target_name', type: 'varchar', length: 200 }) targetName: string;
  @Column({ type: 'int' }) version: number;
  @Column({ type: 'varchar', length: 20 }) operation: ConfigurationOperation;
  @Column({ type: 'jsonb', nullable: true }) snapshot: Record<string, unknown> | null;
  @Column({ name: 'change_reason', type: 'varchar', length: 2000, nullable: true }) changeReason: string | null;
  @Column({ name: 'initiated_by_type', type: 'varchar', length: 20 }) initiatedByType: InitiatorType;
  @Column({ name: 'initiated_by_id', type: 'varchar', length: 64, nullable: true }) initiatedById: string | null;
  @Column({ name: 'initiated_by_name', type: 'varchar', length: 200, nullable: true }) initiatedByName: string | null;
  @Timestamp('changed_at') changedAt: Date;
}
