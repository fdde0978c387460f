import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764374400000 implements MigrationInterface {
  name = 'InitialSchema1764374400000';

  async up(db: QueryRunner): Promise<void> {
    // The embedded database serves one session whose search_path starts with BullMQ's schema: pin ours.
    await db.query(`SET LOCAL search_path TO public`);
    await db.query(`
      CREATE TABLE connected_systems (
        id serial PRIMARY KEY,
        name varchar(200) NOT NULL,
        description varchar(1000),
        created timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE run_profiles (
        id serial PRIMARY KEY,
        connected_system_id int NOT NULL REFERENCES connected_systems(id) ON DELETE CASCADE,
        name varchar(200) NOT NULL,
        run_type varchar(30) NOT NULL,
        created timestamptz NOT NULL,
        UNIQUE (connected_system_id, id)
      )`);
    await db.query(`CREATE INDEX ix_run_profiles_connected_system ON run_profiles (connected_system_id)`);

    await db.query(`
      CREATE TABLE schedules (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        description varchar(1000),
        trigger_type varchar(10) NOT NULL,
        pattern_type varchar(20) NOT NULL,
        days_of_week varchar(50),
        run_times varchar(200),
        interval_value int,
        interval_unit varchar(10),
        interval_window_start varchar(10),
        interval_window_end varchar(10),
        cron_expression text,
        time_zone varchar(64) NOT NULL DEFAULT 'UTC',
        is_enabled boolean NOT NULL DEFAULT false,
        last_run_time timestamptz,
        next_run_time timestamptz,
        created timestamptz NOT NULL,
        created_by_type varchar(20) NOT NULL,
        created_by_id varchar(64),
        created_by_name varchar(200),
        last_updated timestamptz,
        last_updated_by_type varchar(20),
        last_updated_by_id varchar(64),
        last_updated_by_name varchar(200),
        version int NOT NULL
      )`);
    await db.query(`CREATE UNIQUE INDEX ux_schedules_name_ci ON schedules (lower(name))`);
    await db.query(`CREATE INDEX ix_schedules_enabled_next_run ON schedules (is_enabled, next_run_time)`);
    await db.query(`CREATE INDEX ix_schedules_created ON schedules (created)`);

    await db.query(`
      CREATE TABLE schedule_steps (
        id uuid PRIMARY KEY,
        schedule_id uuid NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
        step_index int NOT NULL,
        position int NOT NULL,
        name varchar(200),
        execution_mode varchar(30) NOT NULL,
        step_type varchar(20) NOT NULL,
        continue_on_failure boolean NOT NULL DEFAULT false,
        timeout_seconds int,
        connected_system_id int REFERENCES connected_systems(id) ON DELETE RESTRICT,
        run_profile_id int,
        script_path varchar(500),
        arguments varchar(2000),
        executable_path varchar(500),
        working_directory varchar(500),
        sql_connection_string text,
        sql_script_path varchar(500),
        created timestamptz NOT NULL,
        last_updated timestamptz,
        FOREIGN KEY (connected_system_id, run_profile_id) REFERENCES run_profiles (connected_system_id, id) ON DELETE RESTRICT
      )`);
    await db.query(`CREATE INDEX ix_schedule_steps_schedule ON schedule_steps (schedule_id, step_index, position)`);
    await db.query(`CREATE INDEX ix_schedule_steps_run_profile ON schedule_steps (run_profile_id)`);
    await db.query(`CREATE INDEX ix_schedule_steps_connected_system ON schedule_steps (connected_system_id)`);

    await db.query(`
      CREATE TABLE schedule_executions (
        id uuid PRIMARY KEY,
        schedule_id uuid REFERENCES schedules(id) ON DELETE SET NULL,
        schedule_name varchar(200) NOT NULL,
        status varchar(20) NOT NULL,
        trigger_kind varchar(10) NOT NULL,
        scheduled_for timestamptz,
        current_step_index int NOT NULL DEFAULT 0,
        total_steps int NOT NULL,
        dispatched_group int NOT NULL DEFAULT -1,
        queued_at timestamptz NOT NULL,
        started_at timestamptz,
        completed_at timestamptz,
        initiated_by_type varchar(20) NOT NULL,
        initiated_by_id varchar(64),
        initiated_by_name varchar(200),
        error_message text
      )`);
    await db.query(
      `CREATE UNIQUE INDEX ux_schedule_executions_tick ON schedule_executions (schedule_id, scheduled_for) WHERE scheduled_for IS NOT NULL`,
    );
    await db.query(`CREATE INDEX ix_schedule_executions_schedule_queued ON schedule_executions (schedule_id, queued_at DESC)`);
    await db.query(`CREATE INDEX ix_schedule_executions_status_queued ON schedule_executions (status, queued_at)`);
    await db.query(`CREATE INDEX ix_schedule_executions_queued ON schedule_executions (queued_at DESC, id)`);

    await db.query(`
      CREATE TABLE schedule_execution_steps (
        id uuid PRIMARY KEY,
        execution_id uuid NOT NULL REFERENCES schedule_executions(id) ON DELETE CASCADE,
        step_id uuid NOT NULL,
        step_index int NOT NULL,
        group_ordinal int NOT NULL,
        position int NOT NULL,
        name varchar(200) NOT NULL,
        step_type varchar(20) NOT NULL,
        execution_mode varchar(30) NOT NULL,
        continue_on_failure boolean NOT NULL,
        timeout_seconds int,
        connected_system_id int,
        connected_system_name varchar(200),
        run_profile_id int,
        run_profile_name varchar(200),
        run_type varchar(30),
        script_path varchar(500),
        arguments varchar(2000),
        executable_path varchar(500),
        working_directory varchar(500),
        sql_connection_string text,
        sql_script_path varchar(500),
        status varchar(30) NOT NULL,
        started_at timestamptz,
        completed_at timestamptz,
        heartbeat_at timestamptz,
        worker_id varchar(200),
        exit_code int,
        stdout_tail text,
        stderr_tail text,
        error_message text
      )`);
    await db.query(`CREATE INDEX ix_execution_steps_execution ON schedule_execution_steps (execution_id, group_ordinal, position)`);
    await db.query(`CREATE INDEX ix_execution_steps_processing ON schedule_execution_steps (status, heartbeat_at) WHERE status = 'Processing'`);

    await db.query(`
      CREATE TABLE skipped_runs (
        id uuid PRIMARY KEY,
        schedule_id uuid NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
        scheduled_for timestamptz NOT NULL,
        reason varchar(500) NOT NULL,
        active_execution_id uuid,
        recorded_at timestamptz NOT NULL,
        UNIQUE (schedule_id, scheduled_for)
      )`);

    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        description varchar(1000),
        key_hash char(64) NOT NULL UNIQUE,
        key_prefix varchar(16) NOT NULL,
        roles text[] NOT NULL,
        is_enabled boolean NOT NULL DEFAULT true,
        is_infrastructure boolean NOT NULL DEFAULT false,
        expires_at timestamptz,
        last_used_at timestamptz,
        last_used_from_ip varchar(64),
        created timestamptz NOT NULL,
        last_updated timestamptz
      )`);

    await db.query(`
      CREATE TABLE configuration_changes (
        id bigserial PRIMARY KEY,
        target_type varchar(40) NOT NULL,
        target_id varchar(64) NOT NULL,
        target_name varchar(200) NOT NULL,
        version int NOT NULL,
        operation varchar(20) NOT NULL,
        snapshot jsonb,
        change_reason varchar(2000),
        initiated_by_type varchar(20) NOT NULL,
        initiated_by_id varchar(64),
        initiated_by_name varchar(200),
        changed_at timestamptz NOT NULL,
        UNIQUE (target_type, target_id, version)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'configuration_changes',
      'api_keys',
      'skipped_runs',
      'schedule_execution_steps',
      'schedule_executions',
      'schedule_steps',
      'schedules',
      'run_profiles',
      'connected_systems',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
