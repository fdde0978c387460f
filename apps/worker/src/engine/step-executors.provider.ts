import type { OnApplicationShutdown, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { BullmqRunProfileGateway, closeWith, QueueKit } from '@jim/queue';
import {
  ExecutableStepExecutor,
  PowerShellStepExecutor,
  RunProfileStepExecutor,
  SqlScriptStepExecutor,
  StepExecutorRegistry,
  type StepExecutor,
} from '@jim/steps';
import { JimRunProfileStepExecutor, JimSyncClient } from '@jim/sync';
import type { DataSource } from 'typeorm';
import { JimActivityPoller } from './jim-activity-poller';
import { ExecutionRepository } from '@jim/persistence';

export const STEP_EXECUTORS = 'JIM_STEP_EXECUTORS';
export const RUN_PROFILE_EXECUTOR = 'JIM_RUN_PROFILE_EXECUTOR';
export const JIM_SYNC_CLIENT = 'JIM_SYNC_CLIENT';

/** The poller keeps serving steps through the shutdown grace period, and stops last. */
class JimPollerLifecycle implements OnApplicationShutdown {
  constructor(readonly poller: JimActivityPoller | null) {}
  async onApplicationShutdown(): Promise<void> {
    await this.poller?.stop();
  }
}

export const stepExecutorProviders: Provider[] = [
  {
    provide: JIM_SYNC_CLIENT,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => (config.jimSync ? new JimSyncClient({ url: config.jimSync.url, apiKey: config.jimSync.apiKey }) : null),
  },
  {
    provide: JimPollerLifecycle,
    inject: [APP_CONFIG, JIM_SYNC_CLIENT, ExecutionRepository, getDataSourceToken()],
    useFactory: (config: AppConfig, client: JimSyncClient | null, store: ExecutionRepository, db: DataSource) => {
      if (!client || !config.jimSync) return new JimPollerLifecycle(null);
      const poller = new JimActivityPoller(client, store, db, config.jimSync.pollSeconds * 1000);
      // Every worker takes part: the one holding the poll lock asks JIM for all of them.
      poller.start();
      return new JimPollerLifecycle(poller);
    },
  },
  {
    // With JIM_SYNC_URL, RunProfile steps go to JIM over HTTP; otherwise to the run-profiles queue.
    provide: RUN_PROFILE_EXECUTOR,
    inject: [APP_CONFIG, QueueKit, JIM_SYNC_CLIENT, JimPollerLifecycle],
    useFactory: (config: AppConfig, kit: QueueKit, client: JimSyncClient | null, lifecycle: JimPollerLifecycle): StepExecutor => {
      if (client && lifecycle.poller) {
        return new JimRunProfileStepExecutor({ client, follower: lifecycle.poller, cancelGraceMs: config.steps.killGraceSeconds * 1000 });
      }
      const connection = kit.connectionOptions;
      const gateway = new BullmqRunProfileGateway({
        connection,
        queueName: config.runProfileQueueName,
        prefix: kit.prefixFor(config.runProfileQueueName),
        classes: kit.bullmqClasses,
      });
      return new RunProfileStepExecutor(closeWith(gateway, connection));
    },
  },
  {
    provide: STEP_EXECUTORS,
    inject: [APP_CONFIG, RUN_PROFILE_EXECUTOR],
    useFactory: (config: AppConfig, runProfiles: StepExecutor) => {
      const killGraceMs = config.steps.killGraceSeconds * 1000;
      const allowedRoots = config.steps.allowedScriptRoots;
      // Steps see only allow-listed variables, and whatever they print is cleared of the service's own secrets.
      const environmentAllow = config.steps.environmentAllow;
      const secrets = config.steps.serviceSecrets;
      // The registry refuses to build when a step type has no executor or two.
      return new StepExecutorRegistry([
        runProfiles,
        new PowerShellStepExecutor({ hostPath: config.steps.powerShellPath, killGraceMs, allowedRoots, environmentAllow, secrets }),
        new ExecutableStepExecutor({ killGraceMs, allowedRoots, environmentAllow, secrets }),
        new SqlScriptStepExecutor({ allowedRoots, secrets }),
      ]);
    },
  },
];
