import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { BullmqRunProfileGateway, QueueKit } from '@jim/queue';
import {
  ExecutableStepExecutor,
  PowerShellStepExecutor,
  RunProfileStepExecutor,
  SqlScriptStepExecutor,
  StepExecutorRegistry,
} from '@jim/steps';

export const STEP_EXECUTORS = 'JIM_STEP_EXECUTORS';
export const RUN_PROFILE_GATEWAY = 'JIM_RUN_PROFILE_GATEWAY';

export const stepExecutorProviders: Provider[] = [
  {
    provide: RUN_PROFILE_GATEWAY,
    inject: [APP_CONFIG, QueueKit],
    useFactory: (config: AppConfig, kit: QueueKit) =>
      new BullmqRunProfileGateway({
        connection: kit.connectionOptions,
        queueName: config.runProfileQueueName,
        prefix: config.queuePrefix,
        classes: kit.bullmqClasses,
      }),
  },
  {
    provide: STEP_EXECUTORS,
    inject: [APP_CONFIG, RUN_PROFILE_GATEWAY],
    useFactory: (config: AppConfig, gateway: BullmqRunProfileGateway) => {
      const killGraceMs = config.steps.killGraceSeconds * 1000;
      const allowedRoots = config.steps.allowedScriptRoots;
      // Steps see only allow-listed variables, and whatever they print is cleared of the service's own secrets.
      const environmentAllow = config.steps.environmentAllow;
      const secrets = config.steps.serviceSecrets;
      // The registry refuses to build when a step type has no executor or two.
      return new StepExecutorRegistry([
        new RunProfileStepExecutor(gateway),
        new PowerShellStepExecutor({ hostPath: config.steps.powerShellPath, killGraceMs, allowedRoots, environmentAllow, secrets }),
        new ExecutableStepExecutor({ killGraceMs, allowedRoots, environmentAllow, secrets }),
        new SqlScriptStepExecutor({ allowedRoots, secrets }),
      ]);
    },
  },
];
