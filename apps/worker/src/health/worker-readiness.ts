import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig, type WorkerRole } from '@jim/config';
import { JobSchedulerSync, Probe, QueueBacklog, queueCheck, runChecks, StepQueues, TICK_QUEUE_TOKEN, type BacklogCheck, type CheckResult } from '@jim/queue';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { StepRunner } from '../engine/step-runner.service';
import { QueueWorkers } from '../queue-workers.service';
import { JimReachability, type JimCheck, type JimSyncClient } from '@jim/sync';
import { JIM_SYNC_CLIENT } from '../engine/step-executors.provider';

export type WorkerCheck = 'database' | 'queue' | 'workers';

export interface WorkerHealthReport {
  /** `degraded`: ready, but the linked JIM does not answer with our key, or jobs wait too long (`backlog`). */
  status: 'ok' | 'degraded' | 'error';
  checks: Record<WorkerCheck, CheckResult | { status: 'up' | 'down' }>;
  /** JIM_WORKER_ROLES: what this worker does (a `firing` worker runs no steps, a `steps` worker fires no ticks). */
  roles: WorkerRole[];
  runningSteps: number;
  jim?: JimCheck;
  /** Whether jobs wait longer than JIM_QUEUE_BACKLOG_WARN_SECONDS for a worker; absent when the queues did not answer. */
  backlog?: BacklogCheck;
}

/** Ready = the database answers, the queue backend answers, and the BullMQ workers of this process's roles are running. */
@Injectable()
export class WorkerReadiness {
  private readonly logger = new Logger('Health');
  private readonly probes: Record<'database' | 'queue', Probe>;
  private readonly wasDown = new Set<WorkerCheck>();
  private readonly jim: JimReachability | null;
  private readonly backlog: QueueBacklog;

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(TICK_QUEUE_TOKEN) queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    stepQueues: StepQueues,
    sync: JobSchedulerSync,
    private readonly workers: QueueWorkers,
    private readonly steps: StepRunner,
    @Inject(JIM_SYNC_CLIENT) jimClient: JimSyncClient | null,
  ) {
    this.jim = jimClient ? new JimReachability(jimClient) : null;
    this.backlog = new QueueBacklog([queue, ...stepQueues.all], config.queueBacklogWarnSeconds);
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
    const [report, jim, backlog] = await Promise.all([runChecks(this.probes), this.jim?.check(), this.backlog.check()]);
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
    const degraded = jim?.status === 'down' || backlog?.status === 'behind';
    const status = report.status === 'ok' && workers.status === 'up' ? (degraded ? 'degraded' : 'ok') : 'error';
    return { status, checks, roles: this.config.worker.roles, runningSteps: this.runningSteps, ...(jim ? { jim } : {}), ...(backlog ? { backlog } : {}) };
  }
}
