import { Column, Entity, PrimaryColumn } from 'typeorm';
import { StepDefinitionColumns } from './step-definition.columns';
import { Timestamp } from './timestamp';

/** A step of a schedule: where it sits in the schedule, and its definition (inherited). */
@Entity({ name: 'schedule_steps' })
export class ScheduleStep extends StepDefinitionColumns {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'schedule_id', type: 'uuid' }) scheduleId: string;
  @Column({ name: 'step_index', type: 'int' }) stepIndex: number;
  /** Position among the steps of the same index, so parallel steps keep a stable order. */
  @Column({ name: 'position', type: 'int' }) position: number;
  @Column({ type: 'varchar', length: 200, nullable: true }) name: string | null;
  @Timestamp('created') created: Date;
  @Timestamp('last_updated', { nullable: true }) lastUpdated: Date | null;
}
