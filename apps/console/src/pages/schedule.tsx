import { useState } from 'preact/hooks';
import { api, query } from '../api';
import type { ChangeComparison, ChangeHistoryItem, ScheduleExecutionResponse, PagedResponse, ScheduleDetailResponse, SkippedRunResponse, TriggerPreviewResponse } from '@jim/contracts';
import { duration, viewerZone, when } from '../format';
import { BASE, navigate } from '../router';
import { useLoad } from '../use-load';
import { ErrorNotice, StatusBadge } from '../widgets';

export function SchedulePage({ id }: { id: string }) {
  const schedule = useLoad(() => api<ScheduleDetailResponse>('GET', `/api/v1/schedules/${id}`), [id]);
  const [runError, setRunError] = useState<Error | null>(null);
  const s = schedule.data;
  if (!s) return schedule.error ? <ErrorNotice error={schedule.error} /> : <p>Loading…</p>;

  async function runNow() {
    setRunError(null);
    try {
      const run = await api<{ executionId: string }>('POST', `/api/v1/schedules/${id}/run`);
      navigate(`/executions/${run.executionId}`);
    } catch (error) {
      setRunError(error as Error);
    }
  }

  const steps = [...s.steps].sort((a, b) => a.stepIndex - b.stepIndex);
  return (
    <section>
      <h1>{s.name}</h1>
      {s.description && <p>{s.description}</p>}
      <div class="actions">
        <a class="button" href={`${BASE}/schedules/${id}/edit`}>Edit</a>
        <button type="button" class="primary" onClick={runNow}>Run now</button>
      </div>
      <ErrorNotice error={runError} />
      <div class="cards">
        <div class="card">
          <h2>Trigger</h2>
          <TriggerWords schedule={s} />
          <dl>
            <dt>Enabled</dt><dd>{s.isEnabled ? 'yes' : 'no'}</dd>
            <dt>Cron expression</dt><dd><code>{s.cronExpression ?? '—'}</code></dd>
            <dt>Next run</dt><dd>{when(s.nextRunTime)} <span class="muted">({viewerZone})</span><br />{when(s.nextRunTime, s.timeZone)} <span class="muted">({s.timeZone})</span></dd>
            <dt>Last run</dt><dd>{when(s.lastRunTime)}</dd>
            <dt>Last execution</dt>
            <dd>
              {s.lastExecutionId ? <a href={`${BASE}/executions/${s.lastExecutionId}`}><StatusBadge status={s.lastExecutionStatus ?? ''} /></a> : 'never run'}
              {s.lastExecutionErrorMessage && <div class="error-text">{s.lastExecutionErrorMessage}</div>}
            </dd>
          </dl>
        </div>
        <div class="card">
          <h2>Steps</h2>
          <ol class="step-list">
            {steps.map((step, i) => (
              <li>
                <span class="muted">G{step.stepIndex + 1}{i > 0 && steps[i - 1].stepIndex === step.stepIndex ? ' ∥' : ''}</span> <strong>{step.name ?? step.stepType}</strong> · {step.stepType}{' '}
                <span class="muted">
                  {step.stepType === 'RunProfile' && `${step.connectedSystemName} / ${step.runProfileName}`}
                  {step.stepType === 'PowerShell' && step.scriptPath}
                  {step.stepType === 'Executable' && [step.executablePath, step.arguments].filter(Boolean).join(' ')}
                  {step.stepType === 'SqlScript' && step.sqlScriptPath}
                  {step.timeoutSeconds !== null && ` · timeout ${step.timeoutSeconds} s`}
                  {step.continueOnFailure && ' · continues on failure'}
                </span>
              </li>
            ))}
          </ol>
          {steps.length === 0 && <p class="muted">No steps.</p>}
        </div>
      </div>
      <Executions scheduleId={id} />
      <History scheduleId={id} />
      <Skipped scheduleId={id} />
    </section>
  );
}

function TriggerWords({ schedule }: { schedule: ScheduleDetailResponse }) {
  const { triggerType, patternType, daysOfWeek, runTimes, intervalValue, intervalUnit, intervalWindowStart, intervalWindowEnd, cronExpression, timeZone } = schedule;
  const preview = useLoad(
    () => api<TriggerPreviewResponse>('POST', '/api/v1/schedules/preview', { triggerType, patternType, daysOfWeek, runTimes, intervalValue, intervalUnit, intervalWindowStart, intervalWindowEnd, cronExpression, timeZone }),
    [schedule.id, schedule.lastUpdated],
  );
  if (!preview.data) return <ErrorNotice error={preview.error} />;
  return (
    <>
      <p class="words" data-testid="trigger-words">{preview.data.description}</p>
      {preview.data.dstNotes.filter((n) => n.firesAt).map((n) => <p class="dst-note">{n.text}</p>)}
    </>
  );
}

function Executions({ scheduleId }: { scheduleId: string }) {
  const [page, setPage] = useState(1);
  const list = useLoad(() => api<PagedResponse<ScheduleExecutionResponse>>('GET', `/api/v1/schedule-executions${query({ scheduleId, page, pageSize: 10, sortBy: 'queuedAt', sortDescending: true })}`), [scheduleId, page]);
  const data = list.data;
  return (
    <div class="card">
      <h2>Executions</h2>
      <ErrorNotice error={list.error} />
      {data && data.items.length === 0 && <p class="muted">No executions yet.</p>}
      {data && data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Queued</th><th scope="col">Status</th><th scope="col">Kind</th><th scope="col">Duration</th><th scope="col">Error</th></tr></thead>
            <tbody>
              {data.items.map((e) => (
                <tr>
                  <td><a href={`${BASE}/executions/${e.id}`}>{when(e.queuedAt)}</a></td>
                  <td><StatusBadge status={e.status} /></td>
                  <td>{e.triggerKind}</td>
                  <td>{e.startedAt && e.completedAt ? duration(Date.parse(e.completedAt) - Date.parse(e.startedAt)) : '—'}</td>
                  <td class="error-text">{e.errorMessage}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.totalPages > 1 && (
        <nav class="pager" aria-label="Execution pages">
          <button type="button" disabled={!data.hasPreviousPage} onClick={() => setPage(page - 1)}>Newer</button>
          <span>Page {data.page} of {data.totalPages}</span>
          <button type="button" disabled={!data.hasNextPage} onClick={() => setPage(page + 1)}>Older</button>
        </nav>
      )}
    </div>
  );
}

function History({ scheduleId }: { scheduleId: string }) {
  const history = useLoad(() => api<PagedResponse<ChangeHistoryItem>>('GET', `/api/v1/schedules/${scheduleId}/change-history?pageSize=50`), [scheduleId]);
  const [selected, setSelected] = useState<number | null>(null);
  const items = [...(history.data?.items ?? [])].sort((a, b) => b.version - a.version);
  return (
    <div class="card">
      <h2>Change history</h2>
      <ErrorNotice error={history.error} />
      <ol class="history" reversed>
        {items.map((item) => (
          <li>
            <button type="button" class="link" aria-expanded={selected === item.version} disabled={item.version === 1} onClick={() => setSelected(selected === item.version ? null : item.version)}>
              v{item.version} {item.operation}
            </button>{' '}
            <span class="muted">{when(item.changedAt)} by {item.initiatedByName ?? item.initiatedByType}</span>
            {item.changeReason && <> — “{item.changeReason}”</>}
            {selected === item.version && <Diff scheduleId={scheduleId} from={item.version - 1} to={item.version} />}
          </li>
        ))}
      </ol>
    </div>
  );
}

function Diff({ scheduleId, from, to }: { scheduleId: string; from: number; to: number }) {
  const diff = useLoad(() => api<ChangeComparison>('GET', `/api/v1/schedules/${scheduleId}/change-history/compare${query({ fromVersion: from, toVersion: to })}`), [scheduleId, from, to]);
  if (!diff.data) return <ErrorNotice error={diff.error} />;
  if (diff.data.differences.length === 0) return <p class="muted">No field changed between v{from} and v{to}.</p>;
  const show = (value: unknown) => (value === null || value === undefined ? '∅' : typeof value === 'string' ? value : JSON.stringify(value));
  return (
    <table class="diff">
      <caption>v{from} → v{to}</caption>
      <thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
      <tbody>
        {diff.data.differences.map((d) => (
          <tr><td><code>{d.path}</code></td><td class="removed">{show(d.from)}</td><td class="added">{show(d.to)}{d.passwordChanged ? ' (password changed)' : ''}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

function Skipped({ scheduleId }: { scheduleId: string }) {
  const skipped = useLoad(() => api<PagedResponse<SkippedRunResponse>>('GET', `/api/v1/schedules/${scheduleId}/skipped-runs?pageSize=20`), [scheduleId]);
  const items = skipped.data?.items ?? [];
  return (
    <div class="card">
      <h2>Skipped runs</h2>
      <ErrorNotice error={skipped.error} />
      {skipped.data && items.length === 0 && <p class="muted">No skipped runs.</p>}
      <ul>
        {items.map((r) => (
          <li>
            {when(r.scheduledFor)}: {r.reason}
            {r.activeExecutionId && <> (while <a href={`${BASE}/executions/${r.activeExecutionId}`}>this execution</a> was running)</>}
          </li>
        ))}
      </ul>
    </div>
  );
}
