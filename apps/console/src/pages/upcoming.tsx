import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, query } from '../api';
import type { UpcomingResponse } from '@jim/contracts';
import { density } from '../timeline';
import { clock, viewerZone, when } from '../format';
import { BASE } from '../router';
import { useLoad } from '../use-load';
import { ErrorNotice } from '../widgets';

const HOUR = 3_600_000;
const RANGES = { day: { label: 'Next 24 hours', ms: 24 * HOUR, bucket: 15 * 60_000 }, week: { label: 'Next 7 days', ms: 7 * 24 * HOUR, bucket: HOUR } } as const;
type RangeKey = keyof typeof RANGES;
const WIDTH = 1000;

export function UpcomingPage() {
  // ?range=week opens the 7-day view directly (a link to share, and one request for the benchmark).
  const [range, setRange] = useState<RangeKey>(() => (new URLSearchParams(location.search).get('range') === 'week' ? 'week' : 'day'));
  const choose = (key: RangeKey) => {
    history.replaceState(null, '', `${location.pathname}${key === 'week' ? '?range=week' : ''}`);
    setRange(key);
  };
  const [from] = useState(() => new Date(Math.floor(Date.now() / 60_000) * 60_000));
  const window = RANGES[range];
  const started = useRef(0);
  const upcoming = useLoad(() => {
    started.current = performance.now();
    const to = new Date(from.getTime() + window.ms);
    return api<UpcomingResponse>('GET', `/api/v1/schedules/upcoming${query({ from: from.toISOString(), to: to.toISOString() })}`);
  }, [range]);
  const data = upcoming.data;
  const root = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!data || !root.current) return;
    // Time from the request to the painted timeline, for the benchmark.
    requestAnimationFrame(() => root.current?.setAttribute('data-render-ms', String(Math.round(performance.now() - started.current))));
  }, [data]);

  return (
    <section ref={root} class="upcoming">
      <h1>Upcoming fire times</h1>
      <div class="toolbar" role="group" aria-label="Window">
        {(Object.keys(RANGES) as RangeKey[]).map((key) => (
          <button type="button" aria-pressed={range === key} class={range === key ? 'selected' : ''} onClick={() => choose(key)}>
            {RANGES[key].label}
          </button>
        ))}
        <span class="muted">Times in {viewerZone}</span>
      </div>
      <ErrorNotice error={upcoming.error} />
      {data && <Timeline data={data} bucketMs={window.bucket} />}
    </section>
  );
}

function Timeline({ data, bucketMs }: { data: UpcomingResponse; bucketMs: number }) {
  const from = Date.parse(data.from);
  const span = Date.parse(data.to) - from;
  const x = (iso: string) => (((Date.parse(iso) - from) / span) * WIDTH).toFixed(1);
  const { origin, counts: buckets } = useMemo(() => density(data, bucketMs), [data, bucketMs]);
  const peak = Math.max(1, ...buckets);
  const peakStart = origin + buckets.indexOf(peak) * bucketMs;
  const bucketX = (i: number) => ((origin + i * bucketMs - from) / span) * WIDTH;
  const bucketWidth = (bucketMs / span) * WIDTH;
  const active = data.schedules.filter((s) => s.fireTimes.length > 0);
  const ticks = axisTicks(from, span);
  return (
    <div>
      <p>
        {data.totalFireTimes} fire times from {active.length} of {data.schedules.length} enabled schedules. Busiest{' '}
        {bucketMs >= HOUR ? 'hour' : '15 minutes'}: <strong data-testid="peak">{peak} {peak === 1 ? 'run' : 'runs'} from {when(new Date(peakStart).toISOString())}</strong>.
      </p>
      <div class="timeline">
        <div class="tl-row tl-axis">
          <span class="tl-label">Density</span>
          <svg class="density" viewBox={`0 0 ${WIDTH} 40`} preserveAspectRatio="none" role="img" aria-label={`Fire times per ${bucketMs >= HOUR ? 'hour' : '15 minutes'}; the busiest has ${peak}`}>
            {buckets.map((count, i) =>
              count > 0 ? (
                <rect x={bucketX(i) + bucketWidth * 0.05} width={bucketWidth * 0.9} y={40 - (count / peak) * 40} height={(count / peak) * 40} class={count === peak ? 'peak' : ''}>
                  <title>{`${count} ${count === 1 ? 'run' : 'runs'} from ${clock(origin + i * bucketMs)}`}</title>
                </rect>
              ) : null,
            )}
          </svg>
        </div>
        <div class="tl-row tl-axis">
          <span class="tl-label" />
          <div class="axis-labels">
            {ticks.map((t) => <span style={{ left: `${(((t - from) / span) * 100).toFixed(2)}%` }}>{axisLabel(t, span)}</span>)}
          </div>
        </div>
        {active.map((s) => (
          <div class="tl-row" data-schedule={s.name}>
            <a class="tl-label" href={`${BASE}/schedules/${s.scheduleId}`} title={s.description}>
              {s.name} <span class="muted">({s.fireTimes.length})</span>
            </a>
            <svg class="ticks" viewBox={`0 0 ${WIDTH} 10`} preserveAspectRatio="none" role="img" aria-label={`${s.name}: ${s.fireTimes.length} runs, first at ${when(s.fireTimes[0])}`}>
              <path d={s.fireTimes.map((t) => `M${x(t)} 0V10`).join('')} />
            </svg>
          </div>
        ))}
      </div>
      {active.length < data.schedules.length && (
        <p class="muted">{data.schedules.length - active.length} enabled schedules do not fire in this window.</p>
      )}
    </div>
  );
}

function axisTicks(from: number, span: number): number[] {
  const step = span > 2 * 24 * HOUR ? 24 * HOUR : 3 * HOUR;
  const first = Math.ceil(from / step) * step;
  const ticks: number[] = [];
  for (let t = first; t < from + span; t += step) ticks.push(t);
  return ticks;
}

function axisLabel(t: number, span: number): string {
  const options: Intl.DateTimeFormatOptions = span > 2 * 24 * HOUR ? { weekday: 'short', day: 'numeric' } : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat('en-GB', options).format(t);
}
