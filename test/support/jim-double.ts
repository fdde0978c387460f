import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A stand-in for JIM's synchronisation API (reference/jim-sync-api.md), served over real HTTP on 127.0.0.1. Only
 * what the Schedules service calls: run profiles are executed, activities and worker tasks advance on a timer, and
 * every request is recorded so tests can count them.
 */

export type TerminalActivityStatus = 'Complete' | 'CompleteWithWarning' | 'CompleteWithError' | 'FailedWithError' | 'Cancelled';
export type ActivityStatus = 'InProgress' | TerminalActivityStatus;
export const TERMINAL_ACTIVITY_STATUSES: TerminalActivityStatus[] = ['Complete', 'CompleteWithWarning', 'CompleteWithError', 'FailedWithError', 'Cancelled'];

/** How a run profile behaves when executed. */
export interface RunBehaviour {
  /** Progress ticks before the run ends; default 3. */
  steps?: number;
  /** How the run ends; default Complete. */
  finalStatus?: TerminalActivityStatus;
  /** The run never ends by itself (timeouts, cancels). */
  never?: boolean;
  objectsToProcess?: number;
  /** errorMessage (failures) or warningMessage (warnings) of the finished activity. */
  message?: string;
  /** How long a Processing task takes to honour a cancel; default 0. */
  cancelDelayMs?: number;
  /** Ticks spent Queued before Processing; default 0. */
  queuedTicks?: number;
  /** Execute creates the activity and task, then drops the connection without answering. */
  dropExecuteAnswer?: boolean;
}

export interface DoubleSystem {
  id: number;
  name: string;
  runProfiles: { id: number; name: string; runType: string; behaviour?: RunBehaviour }[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  apiKey: string | null;
  status: number;
  at: number;
}

export type Fault = 429 | 500 | 502 | 503 | 'drop';

interface Activity {
  id: string;
  created: string;
  executed: string | null;
  status: ActivityStatus;
  targetName: string;
  targetContext: string;
  initiatedByType: 'ApiKey';
  initiatedById: string;
  initiatedByName: string;
  objectsToProcess: number;
  objectsProcessed: number;
  warningMessage: string | null;
  errorMessage: string | null;
  connectedSystemRunType: string;
  connectedSystemId: number;
  connectedSystemRunProfileId: number;
  ended: string | null;
}

interface Task {
  id: string;
  activityId: string;
  name: string;
  timestamp: string;
  status: 'Queued' | 'Processing' | 'CancellationRequested';
  tick: number;
  behaviour: Required<Pick<RunBehaviour, 'steps' | 'finalStatus' | 'objectsToProcess' | 'cancelDelayMs' | 'queuedTicks'>> & RunBehaviour;
}

export interface JimDoubleOptions {
  systems?: DoubleSystem[];
  /** Keys with the Administrator role; default one generated key (see `apiKey`). */
  apiKeys?: string[];
  /** Known keys without the Administrator role (403). */
  nonAdminKeys?: string[];
  /** Requests per key per sliding minute; default 300. */
  ratePerMinute?: number;
  /** Retry-After given with a 429; default computed from the window. */
  retryAfterSeconds?: number;
  /** Milliseconds between progress ticks; default 200. */
  tickMs?: number;
}

export const DEFAULT_SYSTEMS: DoubleSystem[] = [
  {
    id: 1,
    name: 'HR',
    runProfiles: [
      { id: 11, name: 'Full Import', runType: 'FullImport' },
      { id: 12, name: 'Delta Import', runType: 'DeltaImport' },
    ],
  },
  {
    id: 2,
    name: 'AD',
    runProfiles: [
      { id: 21, name: 'Full Import', runType: 'FullImport' },
      { id: 22, name: 'Export', runType: 'Export' },
    ],
  },
];

export function jimApiKey(): string {
  return `jim_ak_${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`;
}

export class JimDouble {
  readonly apiKey: string;
  readonly requests: RecordedRequest[] = [];
  systems: DoubleSystem[];
  ratePerMinute: number;
  retryAfterSeconds: number | null;
  private readonly adminKeys: Set<string>;
  private readonly nonAdminKeys: Set<string>;
  private readonly activities = new Map<string, Activity>();
  private readonly tasks = new Map<string, Task>();
  private readonly hits = new Map<string, number[]>();
  private readonly faults: { pattern: RegExp; fault: Fault; remaining: number }[] = [];
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private timer?: NodeJS.Timeout;
  private readonly tickMs: number;

  constructor(opts: JimDoubleOptions = {}) {
    this.systems = structuredClone(opts.systems ?? DEFAULT_SYSTEMS);
    this.apiKey = opts.apiKeys?.[0] ?? jimApiKey();
    this.adminKeys = new Set(opts.apiKeys ?? [this.apiKey]);
    this.nonAdminKeys = new Set(opts.nonAdminKeys ?? []);
    this.ratePerMinute = opts.ratePerMinute ?? 300;
    this.retryAfterSeconds = opts.retryAfterSeconds ?? null;
    this.tickMs = opts.tickMs ?? 200;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.timer = setInterval(() => this.advance(), this.tickMs);
    return this.url;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `count` requests whose path matches `pattern` get `fault` instead of an answer. */
  inject(pattern: RegExp, fault: Fault, count = 1): void {
    this.faults.push({ pattern, fault, remaining: count });
  }

  setBehaviour(runProfileId: number, behaviour: RunBehaviour): void {
    for (const system of this.systems) {
      for (const profile of system.runProfiles) if (profile.id === runProfileId) profile.behaviour = behaviour;
    }
  }

  /** Requests matching method and path pattern (authenticated or not). */
  calls(method: string, pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }

  executes(): RecordedRequest[] {
    return this.calls('POST', /\/execute$/);
  }

  cancels(): RecordedRequest[] {
    return this.calls('POST', /^\/api\/v1\/worker-tasks\/[^/]+\/cancel$/);
  }

  activity(id: string): (Activity & { taskId: string | null }) | undefined {
    const activity = this.activities.get(id);
    if (!activity) return undefined;
    const task = [...this.tasks.values()].find((t) => t.activityId === id);
    return { ...activity, taskId: task?.id ?? null };
  }

  allActivities(): Activity[] {
    return [...this.activities.values()];
  }

  /** Ends a run now, as if its worker finished it. */
  finish(activityId: string, status: TerminalActivityStatus, message?: string): void {
    const task = [...this.tasks.values()].find((t) => t.activityId === activityId);
    const activity = this.activities.get(activityId);
    if (!activity) return;
    this.end(activity, status, message ?? null);
    if (task) this.tasks.delete(task.id);
  }

  // ---- time --------------------------------------------------------------------------------------------------

  private advance(): void {
    for (const task of [...this.tasks.values()]) {
      const activity = this.activities.get(task.activityId)!;
      task.tick++;
      if (task.status === 'CancellationRequested') continue;
      if (task.status === 'Queued') {
        if (task.tick > task.behaviour.queuedTicks) {
          task.status = 'Processing';
          activity.executed = new Date().toISOString();
        }
        continue;
      }
      if (task.behaviour.never) {
        activity.objectsProcessed = Math.min(activity.objectsToProcess, activity.objectsProcessed + 1);
        continue;
      }
      const ran = task.tick - task.behaviour.queuedTicks;
      activity.objectsProcessed = Math.min(activity.objectsToProcess, Math.round((activity.objectsToProcess * ran) / task.behaviour.steps));
      if (ran >= task.behaviour.steps) {
        this.end(activity, task.behaviour.finalStatus, task.behaviour.message ?? null);
        this.tasks.delete(task.id);
      }
    }
  }

  private end(activity: Activity, status: TerminalActivityStatus, message: string | null): void {
    activity.status = status;
    activity.ended = new Date().toISOString();
    if (status === 'CompleteWithWarning') activity.warningMessage = message;
    else if (status !== 'Complete') activity.errorMessage = message ?? defaultMessage(status);
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double');
    const path = url.pathname;
    const apiKey = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : null;
    const record: RecordedRequest = { method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams), apiKey, status: 0, at: Date.now() };
    this.requests.push(record);
    req.resume();
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (body === undefined) {
        res.writeHead(status, headers).end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
      }
    };

    if (!apiKey || (!this.adminKeys.has(apiKey) && !this.nonAdminKeys.has(apiKey))) {
      return send(401, { error: 'Unauthorized', message: 'Authentication required' });
    }
    if (!this.limit(apiKey, send)) return;
    if (!this.adminKeys.has(apiKey)) return send(403);

    const fault = this.faults.find((f) => f.remaining > 0 && f.pattern.test(path));
    if (fault) {
      fault.remaining--;
      if (fault.fault === 'drop') {
        record.status = -1;
        req.socket.destroy();
        return;
      }
      if (fault.fault === 429) return send(429, apiError('TOO_MANY_REQUESTS', 'Too many requests. Please retry after the indicated delay.'), { 'retry-after': '1' });
      if (fault.fault === 503) return send(503, apiError('SERVICE_UNAVAILABLE', 'Service unavailable'), { 'retry-after': '5' });
      return send(fault.fault, apiError(fault.fault === 500 ? 'INTERNAL_ERROR' : 'BAD_GATEWAY', 'An unexpected error occurred.'));
    }

    const lower = path.toLowerCase();
    let m: RegExpMatchArray | null;
    if (req.method === 'GET' && lower === '/api/v1/synchronisation/connected-systems') {
      const items = [...this.systems].sort((a, b) => a.name.localeCompare(b.name)).map((s) => systemHeader(s));
      return send(200, paginate(items, url.searchParams, 25));
    }
    if ((m = lower.match(/^\/api\/v1\/synchronisation\/connected-systems\/([^/]+)\/run-profiles$/)) && req.method === 'GET') {
      const system = this.system(m[1]);
      if (!system) return this.notFoundSystem(m[1], send);
      return send(200, system.runProfiles.map((p) => runProfileDto(system, p)));
    }
    if ((m = lower.match(/^\/api\/v1\/synchronisation\/connected-systems\/([^/]+)\/run-profiles\/([^/]+)\/execute$/)) && req.method === 'POST') {
      return this.execute(m[1], m[2], apiKey, send, req);
    }
    if ((m = lower.match(/^\/api\/v1\/activities\/([^/]+)(\/progress)?$/)) && req.method === 'GET') {
      const activity = this.activities.get(m[1]);
      if (!isGuid(m[1])) return send(404);
      if (!activity) return send(404, apiError('NOT_FOUND', `Activity with ID ${m[1]} not found.`));
      return send(200, m[2] ? progressDto(activity) : activityDto(activity));
    }
    if (lower === '/api/v1/activities' && req.method === 'GET') {
      const q = url.searchParams;
      const items = [...this.activities.values()]
        .filter((a) => !q.get('connectedSystem') || a.targetContext === q.get('connectedSystem'))
        .filter((a) => !q.get('runProfile') || a.targetName === q.get('runProfile'))
        .filter((a) => !q.get('status') || a.status === q.get('status'))
        .sort((a, b) => b.created.localeCompare(a.created))
        .map(activityDto);
      return send(200, paginate(items, q, 25));
    }
    if (lower === '/api/v1/worker-tasks' && req.method === 'GET') {
      const items = [...this.tasks.values()].reverse().map((t) => this.taskDto(t));
      return send(200, paginate(items, url.searchParams, 50));
    }
    if ((m = lower.match(/^\/api\/v1\/worker-tasks\/([^/]+)\/cancel$/)) && req.method === 'POST') {
      if (!isGuid(m[1])) return send(404);
      const task = this.tasks.get(m[1]);
      if (!task) return send(404, apiError('NOT_FOUND', `Worker task with ID ${m[1]} not found.`));
      this.cancel(task);
      return send(202);
    }
    if ((m = lower.match(/^\/api\/v1\/worker-tasks\/([^/]+)$/)) && req.method === 'GET') {
      const task = isGuid(m[1]) ? this.tasks.get(m[1]) : undefined;
      if (!task) return send(404, apiError('NOT_FOUND', `Worker task with ID ${m[1]} not found.`));
      return send(200, this.taskDto(task));
    }
    return send(404);
  }

  private limit(apiKey: string, send: (status: number, body?: unknown, headers?: Record<string, string>) => void): boolean {
    const now = Date.now();
    const window = (this.hits.get(apiKey) ?? []).filter((t) => t > now - 60_000);
    this.hits.set(apiKey, window);
    if (window.length >= this.ratePerMinute) {
      const retryAfter = this.retryAfterSeconds ?? Math.max(1, Math.ceil((window[0] + 60_000 - now) / 1000));
      send(429, apiError('TOO_MANY_REQUESTS', 'Too many requests. Please retry after the indicated delay.'), { 'retry-after': String(retryAfter) });
      return false;
    }
    window.push(now);
    return true;
  }

  private system(id: string): DoubleSystem | undefined {
    return this.systems.find((s) => String(s.id) === id);
  }

  private notFoundSystem(id: string, send: (status: number, body?: unknown) => void): void {
    if (!/^-?\d+$/.test(id)) return send(404);
    send(404, apiError('NOT_FOUND', `Connected System with ID ${id} not found.`));
  }

  private execute(csId: string, rpId: string, apiKey: string, send: (status: number, body?: unknown) => void, req: IncomingMessage): void {
    const system = this.system(csId);
    if (!system) return this.notFoundSystem(csId, send);
    if (!/^-?\d+$/.test(rpId)) return send(404);
    const profile = system.runProfiles.find((p) => String(p.id) === rpId);
    if (!profile) return send(404, apiError('NOT_FOUND', `Run Profile with ID ${rpId} not found for Connected System ${csId}.`));
    const behaviour = profile.behaviour ?? {};
    const now = new Date().toISOString();
    const activity: Activity = {
      id: randomUUID(),
      created: now,
      executed: now,
      status: 'InProgress',
      targetName: profile.name,
      targetContext: system.name,
      initiatedByType: 'ApiKey',
      initiatedById: keyId(apiKey),
      initiatedByName: 'schedules',
      objectsToProcess: behaviour.objectsToProcess ?? 10_000,
      objectsProcessed: 0,
      warningMessage: null,
      errorMessage: null,
      connectedSystemRunType: profile.runType,
      connectedSystemId: system.id,
      connectedSystemRunProfileId: profile.id,
      ended: null,
    };
    const task: Task = {
      id: randomUUID(),
      activityId: activity.id,
      name: `${system.name} - ${profile.name}`,
      timestamp: now,
      status: 'Queued',
      tick: 0,
      behaviour: { steps: 3, finalStatus: 'Complete', objectsToProcess: activity.objectsToProcess, cancelDelayMs: 0, queuedTicks: 0, ...behaviour },
    };
    this.activities.set(activity.id, activity);
    this.tasks.set(task.id, task);
    if (behaviour.dropExecuteAnswer) {
      this.requests[this.requests.length - 1].status = -1;
      req.socket.destroy();
      return;
    }
    send(202, { activityId: activity.id, taskId: task.id, message: `Run Profile '${profile.name}' has been queued for execution.`, warnings: [] });
  }

  private cancel(task: Task): void {
    const activity = this.activities.get(task.activityId)!;
    if (task.status === 'Queued') {
      this.end(activity, 'Cancelled', null);
      this.tasks.delete(task.id);
      return;
    }
    if (task.status === 'CancellationRequested') return;
    task.status = 'CancellationRequested';
    setTimeout(() => {
      if (!this.tasks.has(task.id)) return;
      this.end(activity, 'Cancelled', null);
      this.tasks.delete(task.id);
    }, task.behaviour.cancelDelayMs).unref();
  }

  private taskDto(task: Task) {
    const activity = this.activities.get(task.activityId)!;
    return {
      id: task.id,
      name: task.name,
      type: 'Synchronisation Worker Task',
      timestamp: task.timestamp,
      status: task.status,
      initiatedByType: 'ApiKey',
      initiatedById: activity.initiatedById,
      initiatedByName: activity.initiatedByName,
      activityId: activity.id,
      objectsToProcess: activity.objectsToProcess,
      objectsProcessed: activity.objectsProcessed,
      progressMessage: task.status === 'Processing' ? 'Processing objects' : null,
      steps: null,
      scheduleExecutionId: null,
      scheduleExecutionName: null,
      scheduleStepIndex: null,
      scheduleTotalSteps: null,
      scheduleCurrentStepIndex: null,
    };
  }
}

function defaultMessage(status: TerminalActivityStatus): string | null {
  switch (status) {
    case 'CompleteWithError':
      return '2 unhandled error(s) occurred during processing. Review the items for more information.';
    case 'FailedWithError':
      return 'All Run Profile execution items experienced an error. Review the items for more information.';
    default:
      return null;
  }
}

function keyId(apiKey: string): string {
  const hex = apiKey.slice(7, 39).padEnd(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export function apiError(code: string, message: string) {
  return { code, message, details: null, validationErrors: null, timestamp: new Date().toISOString() };
}

function paginate<T>(all: T[], q: URLSearchParams, defaultSize: number) {
  const page = Math.max(1, Number(q.get('page')) || 1);
  const pageSize = Math.min(100, Math.max(1, Number(q.get('pageSize')) || defaultSize));
  const totalPages = Math.ceil(all.length / pageSize);
  return {
    items: all.slice((page - 1) * pageSize, page * pageSize),
    totalCount: all.length,
    page,
    pageSize,
    totalPages,
    hasNextPage: page < totalPages,
    hasPreviousPage: page > 1,
  };
}

function systemHeader(s: DoubleSystem) {
  return {
    id: s.id,
    name: s.name,
    description: null,
    created: '2026-01-01T00:00:00Z',
    status: 'Active',
    objectCount: 0,
    connectorsCount: 0,
    pendingExportObjectsCount: 0,
    connectorName: 'Double Connector',
    connectorId: 1,
  };
}

function runProfileDto(s: DoubleSystem, p: DoubleSystem['runProfiles'][number]) {
  return {
    id: p.id,
    name: p.name,
    connectedSystemId: s.id,
    runType: p.runType,
    pageSize: 100,
    partitionName: null,
    targetsDeselectedPartition: false,
    filePath: null,
    verifyImportContentHashes: false,
  };
}

function timeSpan(ms: number): string {
  const total = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

function activityDto(a: Activity) {
  const terminal = a.status !== 'InProgress' && a.ended;
  return {
    id: a.id,
    parentActivityId: null,
    created: a.created,
    executed: a.executed,
    status: a.status,
    targetType: 'ConnectedSystemRunProfile',
    targetOperationType: 'Execute',
    targetName: a.targetName,
    targetContext: a.targetContext,
    message: null,
    initiatedByType: a.initiatedByType,
    initiatedById: a.initiatedById,
    initiatedByName: a.initiatedByName,
    objectsToProcess: a.objectsToProcess,
    objectsProcessed: a.objectsProcessed,
    executionTime: terminal ? timeSpan(Date.parse(a.ended!) - Date.parse(a.executed ?? a.created)) : null,
    totalActivityTime: terminal ? timeSpan(Date.parse(a.ended!) - Date.parse(a.created)) : null,
    warningMessage: a.warningMessage,
    errorMessage: a.errorMessage,
    errorStackTrace: null,
    errorDetail: null,
    connectedSystemRunType: a.connectedSystemRunType,
    connectedSystemId: a.connectedSystemId,
    connectedSystemRunProfileId: a.connectedSystemRunProfileId,
    executionStats: null,
    phases: [],
    scheduleExecutionId: null,
    scheduleStepIndex: null,
    scheduledByScheduleId: null,
    scheduledByScheduleName: null,
    syncRuleId: null,
    metaverseObjectId: null,
    exampleDataTemplateId: null,
    changeReason: null,
    configurationChangeVersion: null,
    configurationChangeSnapshot: null,
  };
}

function progressDto(a: Activity) {
  const percent = a.objectsToProcess === 0 ? null : Math.round(Math.min(100, Math.max(0, (a.objectsProcessed / a.objectsToProcess) * 100)) * 10) / 10;
  return {
    id: a.id,
    status: a.status,
    message: null,
    objectsProcessed: a.objectsProcessed,
    objectsToProcess: a.objectsToProcess,
    percentComplete: percent,
    elapsedSeconds: (Date.now() - Date.parse(a.executed ?? a.created)) / 1000,
    objectsPerSecond: null,
    estimatedSecondsRemaining: null,
    targetType: 'ConnectedSystemRunProfile',
    runType: a.connectedSystemRunType,
    operationCounts: {},
    totalErrors: 0,
    retrievedAt: new Date().toISOString(),
    phases: [],
    currentPhase: null,
    currentPhaseNumber: 0,
    totalPhases: 0,
  };
}
