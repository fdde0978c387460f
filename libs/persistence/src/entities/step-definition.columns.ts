import { Column } from 'typeorm';
import type { ExecutionMode, ScheduleStepType } from './enums';

/**
 * What a step runs and how: the definition columns shared by `schedule_steps` and the snapshot an execution takes of
 * them (`schedule_execution_steps`). Both entities inherit them, so such a field is declared here once (and added to
 * both tables by its migration). Not an entity: TypeORM gives each subclass these columns in its own table.
 */
export abstract class StepDefinitionColumns {
  @Column({ name: 'execution_mode', type: 'varchar', length: 30 }) executionMode: ExecutionMode;
  @Column({ name: 'step_type', type: 'varchar', length: 20 }) stepType: ScheduleStepType;
  @Column({ name: 'continue_on_failure', type: 'boolean' }) continueOnFailure: boolean;
  @Column({ name: 'timeout_seconds', type: 'int', nullable: true }) timeoutSeconds: number | null;
  @Column({ name: 'connected_system_id', type: 'int', nullable: true }) connectedSystemId: number | null;
  @Column({ name: 'run_profile_id', type: 'int', nullable: true }) runProfileId: number | null;
  @Column({ name: 'script_path', type: 'varchar', length: 500, nullable: true }) scriptPath: string | null;
  @Column({ type: 'varchar', length: 2000, nullable: true }) arguments: string | null;
  @Column({ name: 'executable_path', type: 'varchar', length: 500, nullable: true }) executablePath: string | null;
  @Column({ name: 'working_directory', type: 'varchar', length: 500, nullable: true }) workingDirectory: string | null;
  /** AES-256-GCM ciphertext, never the clear value. */
  @Column({ name: 'sql_connection_string', type: 'text', nullable: true }) sqlConnectionString: string | null;
  @Column({ name: 'sql_script_path', type: 'varchar', length: 500, nullable: true }) sqlScriptPath: string | null;
  /** Retry policy: how many times the step may run, the first delay (doubled each attempt, at most an hour), and whether a timeout is retried. */
  @Column({ name: 'max_attempts', type: 'int', default: 1 }) maxAttempts: number;
  @Column({ name: 'retry_delay_seconds', type: 'int', default: 30 }) retryDelaySeconds: number;
  @Column({ name: 'retry_on_timeout', type: 'boolean', default: false }) retryOnTimeout: boolean;
}
