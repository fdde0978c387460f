import type { BackfillProgressResponse, BackfillRequest, BackfillResponse, ConnectedSystemResponse, ExecutionStatus, PagedResponse, RunProfileResponse, ScheduleDetailResponse, ScheduleExecutionDetailResponse, ScheduleExecutionResponse, ScheduleRequest, ScheduleResponse, ScheduleRunResponse, UpdateConnectedSystemRequest } from '@jim/contracts';
import type { CreateWebhookRequestBody, WebhookDeliveryQueuedResponseBody, WebhookDeliveryResponseBody, WebhookResponseBody, WebhookWithSecretResponseBody } from '@jim/contracts';
import type { JimHttpClient } from './http';

/** The API's largest page size: listing everything takes the fewest requests. */
export const MAX_PAGE_SIZE = 100;

const SCHEDULES = '/api/v1/schedules';
const EXECUTIONS = '/api/v1/schedule-executions';
const CONNECTED_SYSTEMS = '/api/v1/synchronisation/connected-systems';
const WEBHOOKS = '/api/v1/webhooks';

const segment = (id: string | number) => encodeURIComponent(String(id));

/** The routes the command uses, with the API's own request and response types. */
export class JimApi {
  constructor(readonly http: JimHttpClient) {}

  schedulesPage(query: { page?: number; pageSize?: number; search?: string }): Promise<PagedResponse<ScheduleResponse>> {
    return this.http.get(SCHEDULES, query);
  }

  async allSchedules(search?: string): Promise<ScheduleResponse[]> {
    return collect((page) => this.schedulesPage({ page, pageSize: MAX_PAGE_SIZE, search }));
  }

  schedule(id: string): Promise<ScheduleDetailResponse> {
    return this.http.get(`${SCHEDULES}/${segment(id)}`);
  }

  createSchedule(request: ScheduleRequest): Promise<ScheduleDetailResponse> {
    return this.http.post(SCHEDULES, request);
  }

  updateSchedule(id: string, request: ScheduleRequest): Promise<ScheduleDetailResponse> {
    return this.http.put(`${SCHEDULES}/${segment(id)}`, request);
  }

  deleteSchedule(id: string, changeReason?: string): Promise<void> {
    return this.http.delete(`${SCHEDULES}/${segment(id)}`, { changeReason });
  }

  setEnabled(id: string, enabled: boolean, changeReason?: string): Promise<ScheduleResponse> {
    return this.http.post(`${SCHEDULES}/${segment(id)}/${enabled ? 'enable' : 'disable'}`, undefined, { changeReason });
  }

  backfill(id: string, request: BackfillRequest): Promise<BackfillResponse> {
    return this.http.post(`${SCHEDULES}/${segment(id)}/backfill`, request);
  }

  backfillProgress(id: string, backfillId: string): Promise<BackfillProgressResponse> {
    return this.http.get(`${SCHEDULES}/${segment(id)}/backfills/${segment(backfillId)}`);
  }

  cancelBackfill(id: string, backfillId: string): Promise<BackfillProgressResponse> {
    return this.http.post(`${SCHEDULES}/${segment(id)}/backfills/${segment(backfillId)}/cancel`);
  }

  run(id: string, allowOverlap = false): Promise<ScheduleRunResponse> {
    return this.http.post(`${SCHEDULES}/${segment(id)}/run${allowOverlap ? '?overlap=AllowAll' : ''}`);
  }

  executionsPage(query: {
    page?: number;
    pageSize?: number;
    scheduleId?: string;
    status?: ExecutionStatus;
  }): Promise<PagedResponse<ScheduleExecutionResponse>> {
    return this.http.get(EXECUTIONS, query);
  }

  /** Newest first, at most `limit`. */
  async executions(query: { scheduleId?: string; status?: ExecutionStatus }, limit: number): Promise<ScheduleExecutionResponse[]> {
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, limit));
    return (await collect((page) => this.executionsPage({ ...query, page, pageSize }), limit)).slice(0, limit);
  }

  execution(id: string): Promise<ScheduleExecutionDetailResponse> {
    return this.http.get(`${EXECUTIONS}/${segment(id)}`);
  }

  cancelExecution(id: string): Promise<ScheduleExecutionResponse> {
    return this.http.post(`${EXECUTIONS}/${segment(id)}/cancel`);
  }

  async connectedSystems(): Promise<ConnectedSystemResponse[]> {
    return collect((page) => this.http.get<PagedResponse<ConnectedSystemResponse>>(CONNECTED_SYSTEMS, { page, pageSize: MAX_PAGE_SIZE }));
  }

  connectedSystem(id: number): Promise<ConnectedSystemResponse> {
    return this.http.get(`${CONNECTED_SYSTEMS}/${segment(id)}`);
  }

  updateConnectedSystem(id: number, body: UpdateConnectedSystemRequest): Promise<ConnectedSystemResponse> {
    return this.http.patch(`${CONNECTED_SYSTEMS}/${segment(id)}`, body);
  }

  runProfiles(connectedSystemId: number): Promise<RunProfileResponse[]> {
    return this.http.get(`${CONNECTED_SYSTEMS}/${segment(connectedSystemId)}/run-profiles`);
  }

  createWebhook(request: CreateWebhookRequestBody): Promise<WebhookWithSecretResponseBody> {
    return this.http.post(WEBHOOKS, request);
  }

  webhooks(): Promise<WebhookResponseBody[]> {
    return this.http.get(WEBHOOKS);
  }

  webhook(id: string): Promise<WebhookResponseBody> {
    return this.http.get(`${WEBHOOKS}/${segment(id)}`);
  }

  deleteWebhook(id: string): Promise<void> {
    return this.http.delete(`${WEBHOOKS}/${segment(id)}`);
  }

  testWebhook(id: string): Promise<WebhookDeliveryQueuedResponseBody> {
    return this.http.post(`${WEBHOOKS}/${segment(id)}/test`);
  }

  /** Newest first, at most `limit`. */
  async webhookDeliveries(id: string, limit: number): Promise<WebhookDeliveryResponseBody[]> {
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, limit));
    const page = (n: number) => this.http.get<PagedResponse<WebhookDeliveryResponseBody>>(`${WEBHOOKS}/${segment(id)}/deliveries`, { page: n, pageSize });
    return (await collect(page, limit)).slice(0, limit);
  }
}

/** Follows the pages until the last one (or until `limit` items are in hand). */
async function collect<T>(fetchPage: (page: number) => Promise<PagedResponse<T>>, limit = Infinity): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const result = await fetchPage(page);
    items.push(...result.items);
    if (!result.hasNextPage || result.items.length === 0 || items.length >= limit) return items;
  }
}
