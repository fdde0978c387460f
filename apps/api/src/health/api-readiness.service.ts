import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { JobSchedulerSync, Probe, QueueBacklog, queueCheck, runChecks, StepQueues, TICK_QUEUE_TOKEN, type BacklogCheck, type ReadinessReport } from '@jim/queue';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { JimCheck } from '@jim/sync';
import { CatalogueMirror } from '../connected-systems/catalogue-mirror.service';

export type ApiCheck = 'database' | 'queue';

/**
 * `degraded`: ready, but the linked JIM does not answer with our key (RunProfile steps wait and retry), or jobs wait
 * longer than JIM_QUEUE_BACKLOG_WARN_SECONDS for a worker (`backlog`).
 */
export type ApiReadinessReport = Omit<ReadinessReport<ApiCheck>, 'status'> & { status: 'ok' | 'degraded' | 'error'; jim?: JimCheck; backlog?: BacklogCheck };

/** Whether this API process can serve: its database answers `SELECT 1` and its queue backend answers too. */
@Injectable()
export class ApiReadiness {
  private readonly logger = new Logger('Health');
  private readonly probes: Record<ApiCheck, Probe>;
  private readonly wasDown = new Set<ApiCheck>();
  private readonly backlog: QueueBacklog;

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(TICK_QUEUE_TOKEN) queue: Queue,
    private readonly mirror: CatalogueMirror,
    steps: StepQueues,
    sync: JobSchedulerSync,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.backlog = new QueueBacklog([queue, ...steps.all], config.queueBacklogWarnSeconds);
    this.probes = {
      database: new Probe(() => db.query('SELECT 1')),
      // Each queue's own slot answers, and the last job-scheduler sync did not fail.
      queue: new Probe(queueCheck([queue, ...steps.all], sync)),
    };
  }

  async check(): Promise<ApiReadinessReport> {
    const [report, jim, backlog] = await Promise.all([runChecks(this.probes), this.mirror.reachability?.check(), this.backlog.check()]);
    for (const name of Object.keys(this.probes) as ApiCheck[]) {
      const result = report.checks[name];
      // Logged on the change only: an orchestrator probing every few seconds must not flood the log.
      if (result.status === 'down' && !this.wasDown.has(name)) {
        this.wasDown.add(name);
        this.logger.warn({ check: name, result, err: this.probes[name].error }, 'Readiness check failed');
      } else if (result.status === 'up' && this.wasDown.delete(name)) {
        this.logger.log({ check: name }, 'Readiness check recovered');
      }
    }
    const degraded = jim?.status === 'down' || backlog?.status === 'behind';
    return { ...report, status: report.status === 'ok' && degraded ? 'degraded' : report.status, ...(jim ? { jim } : {}), ...(backlog ? { backlog } : {}) };
  }
}
