import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Timestamp } from './timestamp';

@Entity({ name: 'connected_systems' })
export class ConnectedSystem {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 1000, nullable: true }) description: string | null;
  @Timestamp('created') created: Date;
  /** Mirrored from JIM, and JIM no longer has it. */
  @Timestamp('removed_from_jim_at', { nullable: true }) removedFromJimAt: Date | null;
  /** At most one RunProfile step of the system runs at a time, across schedules, manual runs and workers. */
  @Column({ type: 'boolean', default: true }) exclusive: boolean;
}
