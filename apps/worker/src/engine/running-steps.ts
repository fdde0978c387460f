import type { StepAbortReason } from '@jim/steps';

/** The steps this worker is running now, each with the controller that stops it. */
export class RunningSteps {
  private readonly controllers = new Map<string, AbortController>();

  add(executionStepId: string, controller: AbortController): void {
    this.controllers.set(executionStepId, controller);
  }

  delete(executionStepId: string): void {
    this.controllers.delete(executionStepId);
  }

  ids(): string[] {
    return [...this.controllers.keys()];
  }

  get size(): number {
    return this.controllers.size;
  }

  abort(executionStepId: string, reason: StepAbortReason): void {
    const controller = this.controllers.get(executionStepId);
    if (controller && !controller.signal.aborted) controller.abort(reason);
  }

  abortAll(reason: StepAbortReason): void {
    for (const id of this.controllers.keys()) this.abort(id, reason);
  }
}
