import { useState } from 'preact/hooks';
import { api, query } from '../api';
import type { PagedResponse, ScheduleResponse } from '@jim/contracts';
import { viewerZone, when } from '../format';
import { BASE } from '../router';
import { useLoad } from '../use-load';
import { ErrorNotice, StatusBadge } from '../widgets';

const SORTS: [string, string][] = [
  ['created', 'Created'],
  ['name', 'Name'],
  ['isEnabled', 'Enabled'],
  ['status', 'Last status'],
  ['lastRunTime', 'Last run'],
  ['nextRunTime', 'Next run'],
];

export function SchedulesPage() {
  const [search, setSearch] = useState('');
  const [sortBy, setSortBy] = useState('name');
  const [descending, setDescending] = useState(false);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [toggleError, setToggleError] = useState<Error | null>(null);
  const list = useLoad(
    () => api<PagedResponse<ScheduleResponse>>('GET', `/api/v1/schedules${query({ search, sortBy, sortDescending: descending, page, pageSize })}`),
    [search, sortBy, descending, page, pageSize],
  );

  async function toggle(schedule: ScheduleResponse) {
    setToggleError(null);
    try {
      await api('POST', `/api/v1/schedules/${schedule.id}/${schedule.isEnabled ? 'disable' : 'enable'}`);
      list.reload();
    } catch (error) {
      setToggleError(error as Error);
    }
  }

  const data = list.data;
  return (
    <section>
      <h1>Schedules</h1>
      <div class="toolbar">
        <label>
          Search <input type="search" value={search} onInput={(e) => { setSearch(e.currentTarget.value); setPage(1); }} placeholder="name or description" />
        </label>
        <label>
          Sort by{' '}
          <select value={sortBy} onChange={(e) => { setSortBy(e.currentTarget.value); setPage(1); }}>
            {SORTS.map(([value, label]) => <option value={value}>{label}</option>)}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={descending} onChange={(e) => setDescending(e.currentTarget.checked)} /> Descending
        </label>
        <label>
          Per page{' '}
          <select value={pageSize} onChange={(e) => { setPageSize(Number(e.currentTarget.value)); setPage(1); }}>
            {[10, 25, 50, 100].map((n) => <option value={n}>{n}</option>)}
          </select>
        </label>
        <a class="button" href={`${BASE}/schedules/new`}>New schedule</a>
      </div>
      <ErrorNotice error={list.error ?? toggleError} />
      {data && (
        <>
          <div class="table-wrap">
            <table class="schedules">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Last execution</th>
                  <th scope="col">Next run ({viewerZone})</th>
                  <th scope="col">Next run (schedule's zone)</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((s) => (
                  <tr key={s.id}>
                    <td data-label="Name"><div><a href={`${BASE}/schedules/${s.id}`}>{s.name}</a>{s.description && <div class="muted">{s.description}</div>}</div></td>
                    <td data-label="Enabled">
                      <button type="button" class={`toggle ${s.isEnabled ? 'on' : 'off'}`} role="switch" aria-checked={s.isEnabled} aria-label={`Enabled: ${s.name}`} onClick={() => toggle(s)}>
                        {s.isEnabled ? 'On' : 'Off'}
                      </button>
                    </td>
                    <td data-label="Trigger">{s.triggerType === 'Manual' ? 'Manual' : <code>{s.cronExpression}</code>}</td>
                    <td data-label="Last execution">
                      {s.lastExecutionStatus ? (
                        <div>
                          <a href={`${BASE}/executions/${s.lastExecutionId}`}><StatusBadge status={s.lastExecutionStatus} /></a>
                          {s.lastExecutionErrorMessage && <div class="error-text">{s.lastExecutionErrorMessage}</div>}
                        </div>
                      ) : (
                        <span class="muted">never run</span>
                      )}
                    </td>
                    <td data-label={`Next run (${viewerZone})`}>{when(s.nextRunTime)}</td>
                    <td data-label="Next run (schedule's zone)"><span>{s.nextRunTime ? when(s.nextRunTime, s.timeZone) : '—'} <span class="muted">{s.timeZone}</span></span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.items.length === 0 && <p class="muted">No schedules{search ? ` match “${search}”` : ''}.</p>}
          <nav class="pager" aria-label="Pages">
            <button type="button" disabled={!data.hasPreviousPage} onClick={() => setPage(page - 1)}>Previous</button>
            <span>Page {data.page} of {Math.max(1, data.totalPages)} · {data.totalCount} schedules</span>
            <button type="button" disabled={!data.hasNextPage} onClick={() => setPage(page + 1)}>Next</button>
          </nav>
        </>
      )}
    </section>
  );
}
