import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { resolveAllowedAddress } from './address-policy';

/** How long one attempt may take, connection and answer included. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** At most this much of a receiver's answer is read (and kept as the error of a failed attempt). */
export const MAX_RESPONSE_BYTES = 4096;

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface WebhookMessage {
  url: string;
  /** The `webhook-id`: the same for every attempt of one delivery, so receivers can deduplicate. */
  id: string;
  secret: string;
  body: string;
}

/** What the receiver answered; `statusCode` null when it could not be reached (or was refused). */
export interface SendResult {
  statusCode: number | null;
  /** Up to MAX_RESPONSE_BYTES of the answer. */
  responseBody: string;
  /** Why it is not a 2xx, if it is not. */
  error: string | null;
}

export interface SendOptions {
  allowPrivateNetworks: boolean;
  timeoutMs?: number;
  userAgent?: string;
}

/**
 * Signs and posts one message, following the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`). The host is resolved and checked here, at send time, and the connection goes to the checked
 * address (a name that re-resolves elsewhere meanwhile cannot redirect it); redirects are never followed; at most
 * MAX_RESPONSE_BYTES of the answer are read; the whole attempt ends within the timeout. Never throws.
 */
export async function sendWebhook(message: WebhookMessage, options: SendOptions): Promise<SendResult> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  let url: URL;
  try {
    url = new URL(message.url);
  } catch {
    return { statusCode: null, responseBody: '', error: 'The webhook URL is not a valid URL' };
  }
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // The timeout covers the name lookup too, which the request's own signal does not reach.
    const resolved = await Promise.race([resolveAllowedAddress(url.hostname, options.allowPrivateNetworks), aborted(signal)]);
    const timestamp = new Date();
    const signature = new Webhook(message.secret).sign(message.id, timestamp, message.body);
    const pinned: LookupFunction = (_host, lookupOptions, callback) => {
      if (lookupOptions.all) callback(null, [resolved]);
      else callback(null, resolved.address, resolved.family);
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const response = await new Promise<{ statusCode: number; body: string; location: string | undefined }>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          lookup: pinned,
          signal,
          headers: {
            'content-type': 'application/json',
            'user-agent': options.userAgent ?? 'JIM-Schedules-Webhooks/1',
            'webhook-id': message.id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
            'content-length': Buffer.byteLength(message.body),
          },
        },
        (res) => readLimited(res).then((body) => resolve({ statusCode: res.statusCode ?? 0, body, location: res.headers.location }), reject),
      );
      req.on('error', reject);
      req.end(message.body);
    });
    const { statusCode, body, location } = response;
    if (statusCode >= 200 && statusCode < 300) return { statusCode, responseBody: body, error: null };
    if (statusCode >= 300 && statusCode < 400) {
      return { statusCode, responseBody: body, error: `Redirects are not followed (${statusCode}${location ? ` to ${location}` : ''})` };
    }
    return { statusCode, responseBody: body, error: `HTTP ${statusCode}${body ? `: ${body}` : ''}` };
  } catch (error) {
    if (signal.aborted) return { statusCode: null, responseBody: '', error: `No answer within ${timeoutMs / 1000} s` };
    return { statusCode: null, responseBody: '', error: error instanceof Error ? error.message : String(error) };
  }
}

/** Rejects when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

/** Reads up to MAX_RESPONSE_BYTES of a response, then stops reading (and drops the connection). */
function readLimited(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      const room = MAX_RESPONSE_BYTES - size;
      if (room > 0) chunks.push(chunk.subarray(0, room));
      size += chunk.length;
      if (size >= MAX_RESPONSE_BYTES) {
        res.destroy();
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (error) => (size >= MAX_RESPONSE_BYTES ? undefined : reject(error)));
  });
}
