import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Header and field names whose values never reach a log line. */
export const REDACTED_LOG_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'sqlConnectionString',
  '*.sqlConnectionString',
  'connectionString',
  '*.connectionString',
  'password',
  '*.password',
  '*.key',
];

export const REDACTED = '[REDACTED]';

export function redactConnectionStringPasswords(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]*)(@)/gi, '$1***$3')
    .replace(/(?<![?&])(\b(?:password|pwd)\s*=\s*)([^;\s]*)/gi, '$1***'); // `?pwd=`: a query parameter, below
}

/** Names (of query parameters, headers, fields) that say their value is a credential: keys, tokens, secrets, passwords. */
const SECRET_NAME = /key|token|secret|passw|pwd|auth|credential|signature/i;

function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** An API key, or anything longer than its stored prefix (`jim_ak_` and five hex digits) that starts like one. */
const API_KEY_SHAPE = /jim_ak_[0-9a-f]{6,}/gi;

/** Query parameters (`?name=value`, `&name=value`) in any text. */
const QUERY_PARAMETER = /([?&]([^=&#\s?]+)=)([^&#\s]*)/g;

/**
 * `text` with connection-string passwords, the values of secret-named query parameters and anything shaped like an
 * API key replaced by `***`, wherever they appear (messages, URLs, header values, error stacks).
 */
export function redactSecretsInText(text: string): string {
  return redactConnectionStringPasswords(text)
    .replace(QUERY_PARAMETER, (whole, head: string, name: string) => (isSecretName(safeDecode(name)) ? `${head}***` : whole))
    .replace(API_KEY_SHAPE, 'jim_ak_***');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * pino-http's serialized request or response, redacted: every string field (the URL, the request id) as in
 * {@link redactSecretsInText}, and in the query, params and headers the values of secret-named entries as well.
 */
export function redactLoggedHttp(message: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(message)) {
    if (typeof value === 'string') copy[field] = redactSecretsInText(value);
    else if (NAMED_VALUES.has(field) && value !== null && typeof value === 'object') {
      copy[field] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, item]) => [name, isSecretName(name) ? REDACTED : redactLogValue(item)]),
      );
    } else copy[field] = value;
  }
  return copy;
}

const NAMED_VALUES = new Set(['query', 'params', 'headers']);

/** Fields of error objects (and the like) that are dropped whatever they hold: SQL parameters, secrets. */
const SECRET_FIELDS = new Set(['parameters', 'password', 'sqlconnectionstring', 'connectionstring', 'authorization', 'x-api-key', 'cookie']);

/**
 * A copy of `value` with connection-string passwords masked in every string and secret-named fields replaced,
 * a few levels deep (enough for serialized errors and their causes).
 */
export function redactLogValue(value: unknown, depth = 4): unknown {
  if (typeof value === 'string') return redactSecretsInText(value);
  if (depth <= 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactLogValue(item, depth - 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_FIELDS.has(key.toLowerCase()) ? REDACTED : redactLogValue(item, depth - 1);
  }
  return copy;
}

/** pino's error serializer, then the redaction above (messages and stacks may quote connection strings). */
export function serializeLoggedError(error: unknown): unknown {
  const serialized = error instanceof Error ? pino.stdSerializers.err(error) : error;
  return redactLogValue(serialized);
}

export const LOG_SERIALIZERS = { err: serializeLoggedError };

const INFO = 30;

/**
 * Nest's own start-up lines (one per module, controller and route: "Mapped {/api/v1/schedules, GET} route", …):
 * useful when debugging the wiring, noise for a person starting the product, so they log at debug.
 */
const FRAMEWORK_START_UP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

function isFrameworkStartUp(first: unknown): boolean {
  const context = first !== null && typeof first === 'object' ? (first as { context?: unknown }).context : undefined;
  return typeof context === 'string' && FRAMEWORK_START_UP_CONTEXTS.has(context);
}

/**
 * The line a worker started by `npm start` writes to stdout once it has started and its log lines are written out;
 * the launcher takes it out of the output and prints its banner. Same pipe as the logs, so nothing can overtake it.
 */
export const LAUNCHER_READY_LINE = '@@jim-worker-ready@@';

export interface ProcessLoggerOptions {
  /** `jim-api`, `jim-worker`: the `name` field of every line. */
  name: string;
  /** A pino level, or `silent`. */
  level: string;
}

/**
 * The settings every process logs with: one JSON object per line, level as a label, ISO time,
 * the redaction paths above, and connection-string passwords masked in messages and string fields.
 */
export function processLoggerOptions({ name, level }: ProcessLoggerOptions): LoggerOptions {
  return {
    name,
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_LOG_PATHS, censor: REDACTED },
    serializers: LOG_SERIALIZERS,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => {
        let copy: Record<string, unknown> | undefined;
        for (const [key, value] of Object.entries(object)) {
          if (typeof value !== 'string') continue;
          const redacted = redactSecretsInText(value);
          if (redacted !== value) (copy ??= { ...object })[key] = redacted;
        }
        return copy ?? object;
      },
    },
    hooks: {
      logMethod(args, method, level) {
        if (level === INFO && isFrameworkStartUp(args[0])) return this.debug(...args);
        const redacted = args.map((arg) => (typeof arg === 'string' ? redactSecretsInText(arg) : arg));
        return method.apply(this, redacted as Parameters<typeof method>);
      },
    },
  };
}

/** The process's root logger; writes to stdout unless a destination is given (tests). */
export function createProcessLogger(options: ProcessLoggerOptions, destination?: DestinationStream): Logger {
  return destination ? pino(processLoggerOptions(options), destination) : pino(processLoggerOptions(options));
}
