import { ApiError, ConnectionError } from './errors';
import { JimHttpClient } from './http';

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('JimHttpClient', () => {
  it('sends the key, the query and JSON bodies', async () => {
    const fetch = jest.fn(async (..._args: unknown[]) => reply(200, { ok: true }));
    const client = new JimHttpClient('http://jim.test/base', 'jim_ak_x', { fetch: fetch as never });
    await expect(client.post('/api/v1/things', { a: 1 }, { changeReason: 'why not', empty: undefined })).resolves.toEqual({ ok: true });
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('http://jim.test/base/api/v1/things?changeReason=why+not');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ 'X-API-Key': 'jim_ak_x', 'Content-Type': 'application/json' });
    expect(init.body).toBe('{"a":1}');
  });

  it('returns undefined for 204', async () => {
    const client = new JimHttpClient('http://jim.test', 'k', { fetch: (async () => new Response(null, { status: 204 })) as never });
    await expect(client.delete('/x')).resolves.toBeUndefined();
  });

  it('describes API errors with their code, details and validation errors', async () => {
    const body = {
      code: 'VALIDATION_ERROR',
      message: 'runTimes: must be HH:mm (and 1 more)',
      details: null,
      validationErrors: { runTimes: ['must be HH:mm'], 'steps[1].timeoutSeconds': ['must be at most 86400 (24 hours)'] },
      timestamp: '2026-01-01T00:00:00.000Z',
    };
    const client = new JimHttpClient('http://jim.test', 'k', { fetch: (async () => reply(400, body)) as never });
    const error = await client.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).exitCode).toBe(1);
    expect((error as ApiError).message).toBe(
      'JIM API error (VALIDATION_ERROR): runTimes: must be HH:mm (and 1 more)\n' +
        '  runTimes: must be HH:mm\n' +
        '  steps[1].timeoutSeconds: must be at most 86400 (24 hours)',
    );
  });

  it('says when authentication failed', async () => {
    const body = { code: 'UNAUTHORISED', message: 'Authentication required', details: 'Invalid API key', validationErrors: null };
    const client = new JimHttpClient('http://jim.test', 'k', { fetch: (async () => reply(401, body)) as never });
    await expect(client.get('/x')).rejects.toThrow(/^Authentication failed: Invalid API key\. /);
  });

  it('copes with an error that is not JSON', async () => {
    const fetch = async () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    const client = new JimHttpClient('http://jim.test', 'k', { fetch: fetch as never });
    await expect(client.get('/x')).rejects.toThrow('JIM API error (HTTP 502): Bad Gateway');
  });

  it('retries 429 after Retry-After, clamped to 1..60 s', async () => {
    const answers = [reply(429, { code: 'TOO_MANY_REQUESTS', message: 'slow down' }, { 'retry-after': '120' }), reply(200, [1])];
    const sleep = jest.fn(async () => undefined);
    const client = new JimHttpClient('http://jim.test', 'k', { fetch: (async () => answers.shift()!) as never, sleep });
    await expect(client.get('/x')).resolves.toEqual([1]);
    expect(sleep).toHaveBeenCalledWith(60_000);
  });

  it('turns network failures into a connection error (exit code 2)', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' } });
    const client = new JimHttpClient('http://127.0.0.1:9', 'k', { fetch: (async () => Promise.reject(refused)) as never });
    const error = await client.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).exitCode).toBe(2);
    expect((error as ConnectionError).message).toBe('Cannot connect to JIM at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9');
  });
});
