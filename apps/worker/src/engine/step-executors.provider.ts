import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { BullmqRunProfileGateway, closeWith, QueueKit } from '@jim/queue';
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
    useFactory: (config: AppConfig, kit: QueueKit) => {
      const connection = kit.connectionOptions;
      const gateway = new BullmqRunProfileGateway({
        connection,
        queueName: config.runProfileQueueName,
        prefix: kit.prefixFor(config.runProfileQueueName),
        classes: kit.bullmqClasses,
      });
      return closeWith(gateway, connection);
    },
  },
  {
    provide: STEP_EXECUTORS,
    inject: [APP_CONFIG, RUN_PROFILE_GATEWAY],
    useFactory: (config: AppConfig, gateway: BullmqRunProfileGateway) => {
      const killGraceMs = config.steps.killGraceSeconds * 1000;
      const allowedRoots = config.steps.allowedScriptRoots;
      // The registry refuses to build when a step type has no executor or two.
      return new StepExecutorRegistry([
        new RunProfileStepExecutor(gateway),
        new PowerShellStepExecutor({ hostPath: config.steps.powerShellPath, killGraceMs, allowedRoots }),
        new ExecutableStepExecutor({ killGraceMs, allowedRoots }),
        new SqlScriptStepExecutor({ allowedRoots }),
      ]);
    },
  },
];
