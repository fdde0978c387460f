import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { RunProfileProgressResponse, ScheduleExecutionDetailResponse, ScheduleExecutionStepResponse } from '@jim/contracts';
import { ACTIVE_STATUSES } from '../api-types';
import { layoutBars } from '../timeline';
import { duration, when } from '../format';
import { BASE } from '../router';
import { useLoad } from '../use-load';
import { ErrorNotice, StatusBadge } from '../widgets';

const POLL_MS = 1000;

function mark(step: ScheduleExecutionStepResponse): string | null {
  if (step.status === 'Cancelled') return 'cancelled';
  if (step.errorMessage && /timed out|timeout/i.test(step.errorMessage)) return 'timed out';
  return null;
}

export function ExecutionPage({ id }: { id: string }) {
  const execution = useLoad(() => api<ScheduleExecutionDetailResponse>('GET', `/api/v1/schedule-executions/${id}`), [id], {
    ms: POLL_MS,
    // A cancelled execution is settled at once; its running steps settle when their workers have stopped them.
    while: (e) => ACTIVE_STATUSES.includes(e.status) || e.steps.some((step) => step.status === 'Queued' || step.status === 'Processing'),
  });
  const [cancelError, setCancelError] = useState<Error | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [now, setNow] = useState(Date.now());
  const data = execution.data;
  const active = data ? ACTIVE_STATUSES.includes(data.status) : false;
  const settling = data ? data.steps.some((step) => step.status === 'Processing' || step.status === 'Queued') : false;
  useEffect(() => {
    if (!active && !settling) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [active, settling]);

  if (!data) return execution.error ? <ErrorNotice error={execution.error} /> : <p>Loading…</p>;

  async function cancel() {
    setCancelling(true);
    setCancelError(null);
    try {
      await api('POST', `/api/v1/schedule-executions/${id}/cancel`);
      execution.reload();
    } catch (error) {
      setCancelError(error as Error);
    } finally {
      setCancelling(false);
    }
  }

  const { bars, start, end } = layoutBars(data, now);
  const span = end - start;
  const pct = (t: number) => `${(((t - start) / span) * 100).toFixed(3)}%`;
  const width = (from: number, to: number) => {
    const left = ((from - start) / span) * 100;
    return `${Math.min(100 - left, Math.max(0.3, ((to - from) / span) * 100)).toFixed(3)}%`;
  };
  let lastGroup = -1;

  return (
    <section>
      <h1>
        Execution of {data.scheduleId ? <a href={`${BASE}/schedules/${data.scheduleId}`}>{data.scheduleName}</a> : data.scheduleName}
      </h1>
      <p class="summary">
        <span data-testid="execution-status"><StatusBadge status={data.status} /></span> {data.triggerKind} run
        {data.scheduledFor && <> for {when(data.scheduledFor)}</>} · queued {when(data.queuedAt)} · {data.startedAt ? `ran ${duration(end - start)}` : 'not started'}
        {data.initiatedByName && <> · by {data.initiatedByName}</>}
        {active && <span class="live" aria-live="polite"> · live</span>}
      </p>
      {data.errorMessage && <p class="error">{data.errorMessage}</p>}
      {active && (
        <button type="button" class="danger" onClick={cancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel execution'}
        </button>
      )}
      <ErrorNotice error={cancelError ?? execution.error} />
      <div class="legend" aria-hidden="true">
        <span class="swatch waiting" /> waiting <span class="swatch running" /> running <span class="swatch ok" /> completed <span class="swatch failed" /> failed{' '}
        <span class="swatch cancelled" /> cancelled
      </div>
      <div class="gantt" role="table" aria-label="Steps on a time line">
        <div class="gantt-axis" role="row">
          <span role="columnheader">Step</span>
          <span role="columnheader" class="axis-track">
            <span>{when(new Date(start).toISOString())}</span>
            <span>+{duration(span)}</span>
          </span>
        </div>
        {bars.map(({ step, readyAt, startedAt, endedAt }) => {
          const newGroup = step.groupOrdinal !== lastGroup;
          lastGroup = step.groupOrdinal;
          const parallel = bars.filter((b) => b.step.groupOrdinal === step.groupOrdinal).length > 1;
          const flag = mark(step);
          const waitEnd = startedAt ?? (readyAt !== null ? end : null);
          return (
            <div class={`gantt-row${newGroup ? ' group-start' : ''}`} role="row" data-step={step.name} data-status={step.status}>
              <span role="cell" class="gantt-label">
                <span class="muted">G{step.groupOrdinal + 1}{parallel ? ' ∥' : ''}</span> {step.name} <StatusBadge status={step.status} />
                {flag && <span class="flag">{flag === 'cancelled' ? ' ✕ cancelled' : ' ⏱ timed out'}</span>}
              </span>
              <span role="cell" class="gantt-track">
                {readyAt !== null && waitEnd !== null && waitEnd > readyAt && (
                  <span class="bar waiting" style={{ left: pct(readyAt), width: width(readyAt, waitEnd) }} title={`waited ${duration(waitEnd - readyAt)}`} />
                )}
                {startedAt !== null && endedAt !== null && (
                  <span class={`bar running status-${step.status}`} style={{ left: pct(startedAt), width: width(startedAt, endedAt) }} title={`ran ${duration(endedAt - startedAt)}`}>
                  </span>
                )}
                <span class="sr-only">
                  {startedAt !== null ? `started ${when(step.startedAt)}, ${endedAt !== null ? `ran ${duration(endedAt - startedAt)}` : 'running'}` : 'not started'}
                  {readyAt !== null && startedAt !== null ? `, waited ${duration(startedAt - readyAt)}` : ''}
                </span>
              </span>
            </div>
          );
        })}
      </div>
      <h2>Steps</h2>
      {[...data.steps].sort((a, b) => a.groupOrdinal - b.groupOrdinal || a.stepIndex - b.stepIndex).map((step) => (
        <details class="step-output" open={step.status === 'Failed' || step.status === 'CompletedWithError'}>
          <summary>
            G{step.groupOrdinal + 1} · {step.name} ({step.stepType}) <StatusBadge status={step.status} />
            {step.exitCode !== null && <span class="muted"> exit {step.exitCode}</span>}
            {step.startedAt && step.completedAt && <span class="muted"> · {duration(Date.parse(step.completedAt) - Date.parse(step.startedAt))}</span>}
          </summary>
          {step.stepType === 'RunProfile' && (
            <p>
              JIM: run profile <strong>{step.runProfileName ?? step.runProfileId}</strong> of <strong>{step.connectedSystemName ?? step.connectedSystemId}</strong> — {step.status}
              {step.activityId && <span class="muted"> · activity {step.activityId}{step.activityStatus ? ` (${step.activityStatus})` : ''}</span>}
            </p>
          )}
          {step.progress && <JimProgress progress={step.progress} />}
          {step.errorMessage && <p class="error-text">{step.errorMessage}</p>}
          <h3>stdout</h3>
          <pre>{step.stdoutTail || '(none)'}</pre>
          <h3>stderr</h3>
          <pre>{step.stderrTail || '(none)'}</pre>
        </details>
      ))}
    </section>
  );
}

/** JIM's progress of a run profile: a bar when JIM knows how many objects there are, the counts and the phase. */
function JimProgress({ progress }: { progress: RunProfileProgressResponse }) {
  const { percentComplete, objectsProcessed, objectsToProcess, phase } = progress;
  const counts = objectsProcessed !== null ? `${objectsProcessed.toLocaleString()}${objectsToProcess ? ` / ${objectsToProcess.toLocaleString()}` : ''} objects` : null;
  return (
    <p class="jim-progress">
      {percentComplete !== null && <progress max={100} value={percentComplete} aria-label="JIM progress">{percentComplete}%</progress>}
      {percentComplete !== null && <span> {percentComplete}%</span>}
      {counts && <span class="muted"> · {counts}</span>}
      {phase && <span class="muted"> · {phase}</span>}
    </p>
  );
}
