import { Inject, Injectable } from '@nestjs/common';
import type { Request, RequestHandler } from 'express';
import { LOG_SERIALIZERS, redactLoggedHttp } from '@jim/common';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { routeOf } from './http-metrics';
import { assignRequestId } from './request-id';

export const API_LOGGER = 'JIM_API_LOGGER';

/** Probes and scrapes run every few seconds: their successful requests are logged at debug only. */
const PROBE_PATH = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/** One JSON access line per request, with its request id; the same id is bound to every line logged while it runs. */
@Injectable()
export class RequestLogging {
  readonly middleware: RequestHandler;

  constructor(@Inject(API_LOGGER) logger: Logger) {
    this.middleware = pinoHttp({
      logger,
      genReqId: (req, res) => assignRequestId(req, res),
      // The access line must not carry a key or token a client put in the query string, a header or the request id.
      serializers: { ...LOG_SERIALIZERS, req: redactLoggedHttp, res: redactLoggedHttp },
      customLogLevel: (req, res, err) => {
        if (err || res.statusCode >= 500) return 'error';
        if (res.statusCode >= 400) return 'warn';
        return PROBE_PATH.test(req.url ?? '') ? 'debug' : 'info';
      },
      customSuccessObject: (req, _res, fields) => ({ ...fields, route: routeOf(req as Request) }),
      customErrorObject: (req, _res, _err, fields) => ({ ...fields, route: routeOf(req as Request) }),
    }) as unknown as RequestHandler;
  }
}
