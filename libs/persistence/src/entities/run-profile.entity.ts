import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RunType } from './enums';
import { Timestamp } from './timestamp';

@Entity({ name: 'run_profiles' })
export class RunProfile {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'connected_system_id', type: 'int' }) connectedSystemId: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ name: 'run_type', type: 'varchar', length: 30 }) runType: RunType;
  @Timestamp('created') created: Date;
  /** Mirrored from JIM, and JIM no longer has it. */
  @Timestamp('removed_from_jim_at', { nullable: true }) removedFromJimAt: Date | null;
}
