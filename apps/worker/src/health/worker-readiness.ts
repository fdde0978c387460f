import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobSchedulerSync, StepQueues, TICK_QUEUE_TOKEN } from '@jim/queue';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { StepRunner } from '../engine/step-runner.service';
import { QueueWorkers } from '../queue-workers.service';
import { Probe, queueCheck, runChecks, type CheckResult } from '@jim/queue';

export type WorkerCheck = 'database' | 'queue' | 'workers';

export interface WorkerHealthReport {
  status: 'ok' | 'error';
  checks: Record<WorkerCheck, CheckResult | { status: 'up' | 'down' }>;
  runningSteps: number;
}

/** Ready = the database answers, the queue backend answers, and this process's BullMQ workers are running. */
@Injectable()
export class WorkerReadiness {
  private readonly logger = new Logger('Health');
  private readonly probes: Record<'database' | 'queue', Probe>;
  private readonly wasDown = new Set<WorkerCheck>();

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(TICK_QUEUE_TOKEN) queue: Queue,
    stepQueues: StepQueues,
    sync: JobSchedulerSync,
    private readonly workers: QueueWorkers,
    private readonly steps: StepRunner,
  ) {
    this.probes = {
      database: new Probe(() => db.query('SELECT 1')),
      // Each queue's own slot answers (on a cluster, the node serving it), and the last job-scheduler sync did not fail.
      queue: new Probe(queueCheck([queue, ...stepQueues.all], sync)),
    };
  }

  get runningSteps(): number {
    return this.steps.running.size;
  }

  async check(): Promise<WorkerHealthReport> {
    const report = await runChecks(this.probes);
    const workers = { status: this.workers.isRunning ? ('up' as const) : ('down' as const) };
    const checks = { ...report.checks, workers };
    for (const [name, result] of Object.entries(checks) as [WorkerCheck, { status: string }][]) {
      // Logged on the change only: an orchestrator probing every few seconds must not flood the log.
      if (result.status === 'down' && !this.wasDown.has(name)) {
        this.wasDown.add(name);
        const err = name === 'workers' ? undefined : this.probes[name].error;
        this.logger.warn({ check: name, result, err }, 'Readiness check failed');
      } else if (result.status === 'up' && this.wasDown.delete(name)) {
        this.logger.log({ check: name }, 'Readiness check recovered');
      }
    }
    const status = report.status === 'ok' && workers.status === 'up' ? 'ok' : 'error';
    return { status, checks, runningSteps: this.runningSteps };
  }
}
