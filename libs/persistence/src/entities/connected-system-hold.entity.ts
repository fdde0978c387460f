import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Timestamp } from './timestamp';

/** A RunProfile step holding (granted) or waiting for (in `seq` order) an exclusive connected system. */
@Entity({ name: 'connected_system_holds' })
export class ConnectedSystemHold {
  @PrimaryColumn({ name: 'execution_step_id', type: 'uuid' }) executionStepId: string;
  @Column({ name: 'connected_system_id', type: 'int' }) connectedSystemId: number;
  @Column({ name: 'execution_id', type: 'uuid' }) executionId: string;
  @Column({ type: 'bigint' }) seq: string;
  @Timestamp('requested_at') requestedAt: Date;
  @Timestamp('granted_at', { nullable: true }) grantedAt: Date | null;
}
