import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import {
  OVERLAP_POLICIES,
  STEP_TYPES,
  type ConnectedSystemResponse,
  type IntervalUnit,
  type OverlapPolicy,
  type PagedResponse,
  type PatternType,
  type RunProfileResponse,
  type ScheduleDetailResponse,
  type ScheduleRequest,
  type ScheduleStepRequest,
  type ScheduleStepType,
  type TriggerPreviewResponse,
  type TriggerType,
} from '@jim/contracts';
import { DAY_NAMES, timeZones, viewerZone, when } from '../format';
import { navigate } from '../router';
import { useLoad } from '../use-load';
import { ErrorNotice, Field } from '../widgets';

interface DraftStep {
  key: string;
  id: string | null;
  parallelWithPrevious: boolean;
  name: string;
  stepType: ScheduleStepType;
  continueOnFailure: boolean;
  timeoutSeconds: string;
  connectedSystemId: string;
  runProfileId: string;
  scriptPath: string;
  arguments: string;
  executablePath: string;
  workingDirectory: string;
  sqlConnectionString: string;
  sqlScriptPath: string;
}

interface Draft {
  name: string;
  description: string;
  isEnabled: boolean;
  triggerType: TriggerType;
  patternType: PatternType;
  days: number[];
  runTimes: string;
  intervalValue: string;
  intervalUnit: IntervalUnit;
  intervalWindowStart: string;
  intervalWindowEnd: string;
  cronExpression: string;
  timeZone: string;
  changeReason: string;
  steps: DraftStep[];
  overlapPolicy: OverlapPolicy;
  catchUpWindowSeconds: string;
  jitterSeconds: string;
}

let keys = 0;
const newKey = () => `step-${++keys}`;

const EMPTY: Draft = {
  name: '',
  description: '',
  isEnabled: true,
  triggerType: 'Cron',
  patternType: 'SpecificTimes',
  days: [1, 2, 3, 4, 5],
  runTimes: '06:00',
  intervalValue: '1',
  intervalUnit: 'Hours',
  intervalWindowStart: '',
  intervalWindowEnd: '',
  cronExpression: '',
  timeZone: viewerZone,
  changeReason: '',
  steps: [],
  overlapPolicy: 'Skip',
  catchUpWindowSeconds: '',
  jitterSeconds: '0',
};

function blankStep(stepType: ScheduleStepType = 'Executable'): DraftStep {
  return {
    key: newKey(), id: null, parallelWithPrevious: false, name: '', stepType, continueOnFailure: false, timeoutSeconds: '',
    connectedSystemId: '', runProfileId: '', scriptPath: '', arguments: '', executablePath: '', workingDirectory: '', sqlConnectionString: '', sqlScriptPath: '',
  };
}

function draftOf(s: ScheduleDetailResponse): Draft {
  const steps = [...s.steps].sort((a, b) => a.stepIndex - b.stepIndex);
  return {
    name: s.name,
    description: s.description ?? '',
    isEnabled: s.isEnabled,
    triggerType: s.triggerType,
    patternType: s.patternType,
    days: (s.daysOfWeek ?? '').split(',').filter(Boolean).map(Number),
    runTimes: s.runTimes ?? '',
    intervalValue: s.intervalValue === null ? '1' : String(s.intervalValue),
    intervalUnit: s.intervalUnit ?? 'Hours',
    intervalWindowStart: s.intervalWindowStart ?? '',
    intervalWindowEnd: s.intervalWindowEnd ?? '',
    cronExpression: s.cronExpression ?? '',
    timeZone: s.timeZone,
    changeReason: '',
    overlapPolicy: s.overlapPolicy,
    catchUpWindowSeconds: s.catchUpWindowSeconds === null ? '' : String(s.catchUpWindowSeconds),
    jitterSeconds: String(s.jitterSeconds),
    steps: steps.map((step, i) => ({
      key: newKey(),
      id: step.id,
      parallelWithPrevious: i > 0 && steps[i - 1].stepIndex === step.stepIndex,
      name: step.name ?? '',
      stepType: step.stepType,
      continueOnFailure: step.continueOnFailure,
      timeoutSeconds: step.timeoutSeconds === null ? '' : String(step.timeoutSeconds),
      connectedSystemId: step.connectedSystemId === null ? '' : String(step.connectedSystemId),
      runProfileId: step.runProfileId === null ? '' : String(step.runProfileId),
      scriptPath: step.scriptPath ?? '',
      arguments: step.arguments ?? '',
      executablePath: step.executablePath ?? '',
      workingDirectory: step.workingDirectory ?? '',
      sqlConnectionString: step.sqlConnectionString ?? '',
      sqlScriptPath: step.sqlScriptPath ?? '',
    })),
  };
}

const text = (value: string): string | null => (value.trim() === '' ? null : value);
/** A number when the text is one; else the text itself, so the API names the problem. */
const numberOrText = (value: string): number | string | null => (value.trim() === '' ? null : Number.isFinite(Number(value)) ? Number(value) : value);

/** Only the fields the pattern uses, as the API page describes them. */
function triggerOf(d: Draft) {
  const base = { triggerType: d.triggerType, patternType: d.patternType, timeZone: text(d.timeZone) };
  if (d.triggerType === 'Manual') return base;
  if (d.patternType === 'Custom') return { ...base, cronExpression: text(d.cronExpression) };
  const daysOfWeek = d.days.length ? [...d.days].sort().join(',') : null;
  if (d.patternType === 'SpecificTimes') return { ...base, daysOfWeek, runTimes: text(d.runTimes) };
  return {
    ...base,
    daysOfWeek,
    intervalValue: numberOrText(d.intervalValue),
    intervalUnit: d.intervalUnit,
    intervalWindowStart: text(d.intervalWindowStart),
    intervalWindowEnd: text(d.intervalWindowEnd),
  };
}

function stepsOf(d: Draft): ScheduleStepRequest[] {
  let index = -1;
  return d.steps.map((s, i) => {
    if (i === 0 || !s.parallelWithPrevious) index++;
    const used = (types: ScheduleStepType[], value: string) => (types.includes(s.stepType) ? text(value) : null);
    return {
      ...(s.id ? { id: s.id } : {}),
      stepIndex: index,
      name: text(s.name),
      stepType: s.stepType,
      continueOnFailure: s.continueOnFailure,
      timeoutSeconds: numberOrText(s.timeoutSeconds) as number | null,
      connectedSystemId: s.stepType === 'RunProfile' ? (numberOrText(s.connectedSystemId) as number | null) : null,
      runProfileId: s.stepType === 'RunProfile' ? (numberOrText(s.runProfileId) as number | null) : null,
      scriptPath: used(['PowerShell'], s.scriptPath),
      arguments: used(['PowerShell', 'Executable'], s.arguments),
      executablePath: used(['Executable'], s.executablePath),
      workingDirectory: used(['PowerShell', 'Executable'], s.workingDirectory),
      sqlConnectionString: used(['SqlScript'], s.sqlConnectionString),
      sqlScriptPath: used(['SqlScript'], s.sqlScriptPath),
    };
  });
}

export function EditorPage({ id }: { id?: string }) {
  const existing = useLoad(() => (id ? api<ScheduleDetailResponse>('GET', `/api/v1/schedules/${id}`) : Promise.resolve(null)), [id]);
  const [draft, setDraft] = useState<Draft | null>(id ? null : EMPTY);
  const [saveError, setSaveError] = useState<ApiError | Error | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (existing.data) setDraft(draftOf(existing.data));
  }, [existing.data]);

  if (existing.error) return <ErrorNotice error={existing.error} />;
  if (!draft) return <p>Loading…</p>;

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const fieldErrors = (name: string) => (saveError instanceof ApiError ? saveError.field(name) : []);

  async function save(event: Event) {
    event.preventDefault();
    setSaving(true);
    setSaveError(null);
    const body: ScheduleRequest = {
      name: draft!.name,
      description: text(draft!.description),
      isEnabled: draft!.isEnabled,
      ...triggerOf(draft!),
      overlapPolicy: draft!.overlapPolicy,
      catchUpWindowSeconds: numberOrText(draft!.catchUpWindowSeconds),
      jitterSeconds: numberOrText(draft!.jitterSeconds),
      steps: stepsOf(draft!),
      ...(id && text(draft!.changeReason) ? { changeReason: draft!.changeReason } : {}),
    } as ScheduleRequest;
    try {
      const saved = id ? await api<ScheduleDetailResponse>('PUT', `/api/v1/schedules/${id}`, body) : await api<ScheduleDetailResponse>('POST', '/api/v1/schedules', body);
      navigate(`/schedules/${saved.id}`);
    } catch (error) {
      setSaveError(error as Error);
      setSaving(false);
    }
  }

  return (
    <form class="editor" onSubmit={save} noValidate>
      <h1>{id ? `Edit ${existing.data?.name ?? 'schedule'}` : 'New schedule'}</h1>
      <div class="editor-grid">
        <div>
          <fieldset>
            <legend>Schedule</legend>
            <Field id="name" label="Name" messages={fieldErrors('name')}>
              <input id="name" value={draft.name} maxLength={200} onInput={(e) => set({ name: e.currentTarget.value })} />
            </Field>
            <Field id="description" label="Description" messages={fieldErrors('description')}>
              <textarea id="description" value={draft.description} rows={2} onInput={(e) => set({ description: e.currentTarget.value })} />
            </Field>
            <div class="field">
              <label>
                <input type="checkbox" checked={draft.isEnabled} onChange={(e) => set({ isEnabled: e.currentTarget.checked })} /> Enabled
              </label>
            </div>
          </fieldset>
          <TriggerFieldset draft={draft} set={set} saveError={saveError} />
          <fieldset>
            <legend>Execution policies</legend>
            <Field id="overlapPolicy" label="While an execution is active" messages={fieldErrors('overlapPolicy')} hint="Skip the tick, let one or all wait, cancel the active execution, or run alongside">
              <select id="overlapPolicy" value={draft.overlapPolicy} onChange={(e) => set({ overlapPolicy: e.currentTarget.value as OverlapPolicy })}>
                {OVERLAP_POLICIES.map((p) => <option value={p}>{p}</option>)}
              </select>
            </Field>
            <Field id="catchUpWindowSeconds" label="Catch-up window (s)" messages={fieldErrors('catchUpWindowSeconds')} hint="How late a tick may still start, 0-86400; empty: the workers' default">
              <input id="catchUpWindowSeconds" inputMode="numeric" value={draft.catchUpWindowSeconds} onInput={(e) => set({ catchUpWindowSeconds: e.currentTarget.value })} />
            </Field>
            <Field id="jitterSeconds" label="Jitter (s)" messages={fieldErrors('jitterSeconds')} hint="Each tick starts up to this many seconds after its time, 0-3600">
              <input id="jitterSeconds" inputMode="numeric" value={draft.jitterSeconds} onInput={(e) => set({ jitterSeconds: e.currentTarget.value })} />
            </Field>
          </fieldset>
          <StepsFieldset draft={draft} set={set} fieldErrors={fieldErrors} />
          {id && (
            <Field id="changeReason" label="Change reason (recorded in the history)" messages={fieldErrors('changeReason')}>
              <input id="changeReason" value={draft.changeReason} onInput={(e) => set({ changeReason: e.currentTarget.value })} />
            </Field>
          )}
          <ErrorNotice error={saveError} />
          <div class="actions">
            <button type="submit" class="primary" disabled={saving}>{saving ? 'Saving…' : id ? 'Save changes' : 'Create schedule'}</button>
          </div>
        </div>
      </div>
    </form>
  );
}

function TriggerFieldset({ draft, set, saveError }: { draft: Draft; set: (p: Partial<Draft>) => void; saveError: ApiError | Error | null }) {
  const trigger = useMemo(() => triggerOf(draft), [draft]);
  const key = JSON.stringify(trigger);
  const [preview, setPreview] = useState<{ key: string; result: TriggerPreviewResponse | null; error: ApiError | Error | null } | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api<TriggerPreviewResponse>('POST', '/api/v1/schedules/preview', trigger).then(
        (result) => current && setPreview({ key, result, error: null }),
        (error: Error) => current && setPreview({ key, result: null, error }),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const zones = useMemo(timeZones, []);
  // The preview validates exactly as create does, so its messages are the ones a save would give.
  const messages = (name: string) => {
    if (preview?.error instanceof ApiError) return preview.error.field(name);
    return saveError instanceof ApiError ? saveError.field(name) : [];
  };
  const cron = draft.triggerType === 'Cron';

  return (
    <fieldset>
      <legend>Trigger</legend>
      <div class="trigger-layout">
        <div>
          <div class="row">
            <Field id="triggerType" label="Trigger type" messages={messages('triggerType')}>
              <select id="triggerType" value={draft.triggerType} onChange={(e) => set({ triggerType: e.currentTarget.value as TriggerType })}>
                <option value="Cron">Cron (on a schedule)</option>
                <option value="Manual">Manual (run on demand)</option>
              </select>
            </Field>
            {cron && (
              <Field id="patternType" label="Pattern" messages={messages('patternType')}>
                <select id="patternType" value={draft.patternType} onChange={(e) => set({ patternType: e.currentTarget.value as PatternType })}>
                  <option value="SpecificTimes">Specific times</option>
                  <option value="Interval">Interval</option>
                  <option value="Custom">Custom cron expression</option>
                </select>
              </Field>
            )}
            <Field id="timeZone" label="Time zone" messages={messages('timeZone')}>
              <input id="timeZone" list="time-zones" value={draft.timeZone} onInput={(e) => set({ timeZone: e.currentTarget.value })} />
              <datalist id="time-zones">{zones.map((z) => <option value={z} />)}</datalist>
            </Field>
          </div>
          {cron && draft.patternType !== 'Custom' && (
            <div class={`field${messages('daysOfWeek').length ? ' invalid' : ''}`} role="group" aria-labelledby="days-label">
              <span id="days-label" class="label">Days of week</span>
              <div class="days">
                {DAY_NAMES.map((name, day) => (
                  <label>
                    <input
                      type="checkbox"
                      checked={draft.days.includes(day)}
                      onChange={(e) => set({ days: e.currentTarget.checked ? [...draft.days, day] : draft.days.filter((d) => d !== day) })}
                    />{' '}
                    {name}
                  </label>
                ))}
              </div>
              {messages('daysOfWeek').length > 0 && <div class="field-error" id="daysOfWeek-error" role="alert">{messages('daysOfWeek').join('; ')}</div>}
            </div>
          )}
          {cron && draft.patternType === 'SpecificTimes' && (
            <Field id="runTimes" label="Run times (HH:mm, comma-separated)" messages={messages('runTimes')}>
              <input id="runTimes" value={draft.runTimes} placeholder="06:30,18:00" onInput={(e) => set({ runTimes: e.currentTarget.value })} />
            </Field>
          )}
          {cron && draft.patternType === 'Interval' && (
            <div class="row">
              <Field id="intervalValue" label="Every" messages={messages('intervalValue')}>
                <input id="intervalValue" inputMode="numeric" value={draft.intervalValue} onInput={(e) => set({ intervalValue: e.currentTarget.value })} />
              </Field>
              <Field id="intervalUnit" label="Unit" messages={messages('intervalUnit')}>
                <select id="intervalUnit" value={draft.intervalUnit} onChange={(e) => set({ intervalUnit: e.currentTarget.value as IntervalUnit })}>
                  <option value="Minutes">Minutes</option>
                  <option value="Hours">Hours</option>
                </select>
              </Field>
              <Field id="intervalWindowStart" label="From (optional)" messages={messages('intervalWindowStart')}>
                <input id="intervalWindowStart" value={draft.intervalWindowStart} placeholder="08:00" onInput={(e) => set({ intervalWindowStart: e.currentTarget.value })} />
              </Field>
              <Field id="intervalWindowEnd" label="To (optional)" messages={messages('intervalWindowEnd')}>
                <input id="intervalWindowEnd" value={draft.intervalWindowEnd} placeholder="18:00" onInput={(e) => set({ intervalWindowEnd: e.currentTarget.value })} />
              </Field>
            </div>
          )}
          {cron && draft.patternType === 'Custom' && (
            <Field id="cronExpression" label="Cron expression (minute hour day-of-month month day-of-week)" messages={messages('cronExpression')}>
              <input id="cronExpression" value={draft.cronExpression} placeholder="0 3 1-7 * 1" onInput={(e) => set({ cronExpression: e.currentTarget.value })} />
            </Field>
          )}
        </div>
        <section class="preview" aria-live="polite" aria-label="Preview of fire times">
          <h2>Preview</h2>
          {!preview || preview.key !== key ? <p class="muted">Computing…</p> : null}
          {preview?.result && <PreviewResult preview={preview.result} />}
          {preview?.error && !(preview.error instanceof ApiError && preview.error.body?.validationErrors) && <ErrorNotice error={preview.error} />}
          {preview?.error instanceof ApiError && preview.error.body?.validationErrors && <p class="muted">Fix the fields marked in red to see the fire times.</p>}
        </section>
      </div>
    </fieldset>
  );
}

function PreviewResult({ preview }: { preview: TriggerPreviewResponse }) {
  return (
    <div>
      <p class="words" data-testid="trigger-words">{preview.description}</p>
      {preview.cronExpression && <p class="muted">Cron: <code>{preview.cronExpression}</code></p>}
      {preview.nextRuns.length > 0 && (
        <table class="preview-runs">
          <thead>
            <tr><th scope="col">#</th><th scope="col">Your time ({viewerZone})</th><th scope="col">Schedule time ({preview.timeZone})</th></tr>
          </thead>
          <tbody>
            {preview.nextRuns.map((run, i) => (
              <tr data-run={run}><td>{i + 1}</td><td>{when(run)}</td><td>{when(run, preview.timeZone)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {preview.dstNotes.length > 0 && (
        <ul class="dst-notes">
          {preview.dstNotes.map((note) => <li class={note.firesAt ? 'affects' : ''}>{note.text}</li>)}
        </ul>
      )}
    </div>
  );
}

function StepsFieldset({ draft, set, fieldErrors }: { draft: Draft; set: (p: Partial<Draft>) => void; fieldErrors: (name: string) => string[] }) {
  const systems = useLoad(() => api<PagedResponse<ConnectedSystemResponse>>('GET', '/api/v1/synchronisation/connected-systems?pageSize=100'), []);
  const [dragged, setDragged] = useState<number | null>(null);
  const steps = draft.steps;
  const update = (i: number, patch: Partial<DraftStep>) => set({ steps: steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const move = (from: number, to: number) => {
    if (to < 0 || to >= steps.length || from === to) return;
    const next = [...steps];
    const [step] = next.splice(from, 1);
    next.splice(to, 0, step);
    if (next[0]) next[0] = { ...next[0], parallelWithPrevious: false };
    set({ steps: next });
  };
  let group = -1;
  return (
    <fieldset>
      <legend>Steps</legend>
      <ErrorList messages={fieldErrors('steps')} />
      <ol class="steps">
        {steps.map((step, i) => {
          if (i === 0 || !step.parallelWithPrevious) group++;
          const path = (field: string) => `steps[${i}].${field}`;
          const fid = (field: string) => `${step.key}-${field}`;
          return (
            <li
              key={step.key}
              class={`step${step.parallelWithPrevious && i > 0 ? ' parallel' : ''}${dragged === i ? ' dragging' : ''}`}
              draggable
              onDragStart={(e) => { setDragged(i); e.dataTransfer?.setData('text/plain', String(i)); }}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => { e.preventDefault(); if (dragged !== null) move(dragged, i); setDragged(null); }}
              onDragEnd={() => setDragged(null)}
            >
              <div class="step-head">
                <span class="drag" aria-hidden="true">⋮⋮</span>
                <strong>Step {i + 1}</strong> <span class="muted">group {group + 1}{step.parallelWithPrevious && i > 0 ? ', parallel with the step above' : ''}</span>
                <span class="step-buttons">
                  <button type="button" onClick={() => move(i, i - 1)} disabled={i === 0} aria-label={`Move step ${i + 1} up`}>↑</button>
                  <button type="button" onClick={() => move(i, i + 1)} disabled={i === steps.length - 1} aria-label={`Move step ${i + 1} down`}>↓</button>
                  <label>
                    <input type="checkbox" disabled={i === 0} checked={i > 0 && step.parallelWithPrevious} onChange={(e) => update(i, { parallelWithPrevious: e.currentTarget.checked })} /> Parallel with previous
                  </label>
                  <button type="button" onClick={() => set({ steps: steps.filter((_, j) => j !== i) })} aria-label={`Remove step ${i + 1}`}>Remove</button>
                </span>
              </div>
              <div class="row">
                <Field id={fid('stepType')} label="Type" messages={fieldErrors(path('stepType'))}>
                  <select id={fid('stepType')} value={step.stepType} onChange={(e) => update(i, { stepType: e.currentTarget.value as ScheduleStepType })}>
                    {STEP_TYPES.map((t) => <option value={t}>{t}</option>)}
                  </select>
                </Field>
                <Field id={fid('name')} label="Name" messages={fieldErrors(path('name'))}>
                  <input id={fid('name')} value={step.name} onInput={(e) => update(i, { name: e.currentTarget.value })} />
                </Field>
                <Field id={fid('timeoutSeconds')} label="Timeout (s)" messages={fieldErrors(path('timeoutSeconds'))}>
                  <input id={fid('timeoutSeconds')} inputMode="numeric" value={step.timeoutSeconds} onInput={(e) => update(i, { timeoutSeconds: e.currentTarget.value })} />
                </Field>
                <div class="field">
                  <label><input type="checkbox" checked={step.continueOnFailure} onChange={(e) => update(i, { continueOnFailure: e.currentTarget.checked })} /> Continue on failure</label>
                </div>
              </div>
              {step.stepType === 'RunProfile' && (
                <RunProfileFields step={step} systems={systems.data?.items ?? []} fid={fid} path={path} fieldErrors={fieldErrors} update={(p) => update(i, p)} />
              )}
              {step.stepType === 'PowerShell' && (
                <TextField step={step} field="scriptPath" label="Script path" fid={fid} path={path} fieldErrors={fieldErrors} update={(p) => update(i, p)} />
              )}
              {step.stepType === 'Executable' && (
                <TextField step={step} field="executablePath" label="Executable path" fid={fid} path={path} fieldErrors={fieldErrors} update={(p) => update(i, p)} />
              )}
              {(step.stepType === 'PowerShell' || step.stepType === 'Executable') && (
                <div class="row">
                  <TextField step={step} field="arguments" label="Arguments" fid={fid} path={path} fieldErrors={fieldErrors} update={(p) => update(i, p)} />
                  <TextField step={step} field="workingDirectory" label="Working directory" fid={fid} path={path} fieldErrors={fieldErrors} update={(p) => update(i, p)} />
                </div>
              )}
              {step.stepType === 'SqlScript' && (
                <div class="row">
                  <TextField step={step} field="sqlConnectionString" label="Connection string" fid={fid} path={path} fieldErrors={fieldErrors} update={(p) => update(i, p)} />
                  <TextField step={step} field="sqlScriptPath" label="SQL script path" fid={fid} path={path} fieldErrors={fieldErrors} update={(p) => update(i, p)} />
                </div>
              )}
            </li>
          );
        })}
      </ol>
      <div class="actions">
        {STEP_TYPES.map((t) => (
          <button type="button" onClick={() => set({ steps: [...steps, blankStep(t)] })}>Add {t} step</button>
        ))}
      </div>
    </fieldset>
  );
}

type StepTextField = 'scriptPath' | 'arguments' | 'executablePath' | 'workingDirectory' | 'sqlConnectionString' | 'sqlScriptPath';
interface StepFieldProps {
  step: DraftStep;
  fid: (f: string) => string;
  path: (f: string) => string;
  fieldErrors: (n: string) => string[];
  update: (p: Partial<DraftStep>) => void;
}

function TextField({ step, field, label, fid, path, fieldErrors, update }: StepFieldProps & { field: StepTextField; label: string }) {
  return (
    <Field id={fid(field)} label={label} messages={fieldErrors(path(field))}>
      <input id={fid(field)} value={step[field]} onInput={(e) => update({ [field]: e.currentTarget.value })} />
    </Field>
  );
}

function RunProfileFields({ step, systems, fid, path, fieldErrors, update }: StepFieldProps & { systems: ConnectedSystemResponse[] }) {
  const profiles = useLoad(
    () => (step.connectedSystemId ? api<RunProfileResponse[]>('GET', `/api/v1/synchronisation/connected-systems/${step.connectedSystemId}/run-profiles`) : Promise.resolve(null)),
    [step.connectedSystemId],
  );
  return (
    <div class="row">
      <Field id={fid('connectedSystemId')} label="Connected system" messages={fieldErrors(path('connectedSystemId'))}>
        <select id={fid('connectedSystemId')} value={step.connectedSystemId} onChange={(e) => update({ connectedSystemId: e.currentTarget.value, runProfileId: '' })}>
          <option value="">Choose…</option>
          {systems.map((s) => <option value={String(s.id)}>{s.name}</option>)}
        </select>
      </Field>
      <Field id={fid('runProfileId')} label="Run profile" messages={fieldErrors(path('runProfileId'))}>
        <select id={fid('runProfileId')} value={step.runProfileId} onChange={(e) => update({ runProfileId: e.currentTarget.value })}>
          <option value="">Choose…</option>
          {(profiles.data ?? []).map((p) => <option value={String(p.id)}>{p.name} ({p.runType})</option>)}
        </select>
      </Field>
    </div>
  );
}

function ErrorList({ messages }: { messages: string[] }) {
  return messages.length ? <div class="field-error" role="alert">{messages.join('; ')}</div> : null;
}
