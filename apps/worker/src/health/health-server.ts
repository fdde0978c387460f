import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkerMetrics } from '../observability/worker-metrics';
import { WorkerReadiness } from './worker-readiness';

/**
 * `/health/live`, `/health/ready` and `/metrics` of a worker, on WORKER_HEALTH_PORT (only when it is set; 0 picks a
 * free port, which is logged). Plain node:http: a worker has no Nest HTTP stack. It stays up while the worker drains
 * on shutdown (ready then answers 503) and closes last.
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerHealth');
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readiness: WorkerReadiness,
    private readonly metrics: WorkerMetrics,
  ) {}

  /** The bound port, once listening. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.worker.healthPort;
    if (port === null) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({ host: this.config.host, port: this.port }, `Health endpoint listening on http://${this.config.host}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return sendJson(res, 405, { status: 'error', message: 'Method not allowed' });
      }
      switch (new URL(req.url ?? '/', 'http://worker').pathname) {
        case '/health/live':
          return sendJson(res, 200, { status: 'ok', runningSteps: this.readiness.runningSteps });
        case '/health/ready': {
          const report = await this.readiness.check();
          return sendJson(res, report.status === 'error' ? 503 : 200, report);
        }
        case '/metrics':
          return send(res, 200, this.metrics.contentType, await this.metrics.render());
        default:
          return sendJson(res, 404, { status: 'error', message: 'Not found' });
      }
    } catch (error) {
      this.logger.warn({ err: error, url: req.url }, 'Health endpoint failed');
      if (!res.headersSent) sendJson(res, 500, { status: 'error', message: 'Internal error' });
      else res.destroy();
    }
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
