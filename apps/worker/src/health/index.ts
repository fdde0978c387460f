import type { Provider } from '@nestjs/common';
import { WorkerMetricsCollector } from '../observability/worker-metrics-collector';
import { WorkerHealthServer } from './health-server';
import { WorkerReadiness } from './worker-readiness';

/** Registered in WorkerModule itself: they read StepRunner and QueueWorkers, which only that module provides. */
export const workerHealthProviders: Provider[] = [WorkerReadiness, WorkerMetricsCollector, WorkerHealthServer];
