import { connect, type AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';
/** 2000 characters, the documented maximum; 18 KB once percent-encoded, over Node's default 16 KiB header limit. */
const CJK_REASON = '変更理由'.repeat(500);

/** Sends raw bytes to the listening server and returns everything it answers until it closes the connection. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', (error) => (chunks.length > 0 ? undefined : reject(error)));
  });
}

function parseRaw(response: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head, body] = response.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) };
}

describe('HTTP protocol limits and refusals', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    // A real listening server: header limits are enforced by Node's HTTP parser, before Express.
    await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', resolve));
    port = (t.http.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const manual = (name: string) => ({ name, triggerType: 'Manual', isEnabled: false });
  const createManual = async (name: string): Promise<string> => (await t.api().post(S).send(manual(name)).expect(201)).body.id;
  const history = async (id: string) => (await t.api().get(`${S}/${id}/change-history`).expect(200)).body.items as { operation: string; changeReason: string }[];

  describe('cron names (JIM spellings)', () => {
    it('creates a schedule with a day name in full and returns it as given, firing on Sundays', async () => {
      const res = await t.api()
        .post(S)
        .send({ name: 'Sunday names', triggerType: 'Cron', patternType: 'Custom', cronExpression: '30 6 * * sunday', isEnabled: false })
        .expect(201);
      expect(res.body.cronExpression).toBe('30 6 * * sunday');
      const runs = await t.api().get(`${S}/${res.body.id}/next-runs?count=2&after=2026-07-13T00:00:00Z`).expect(200);
      expect(runs.body.nextRuns).toEqual(['2026-07-19T06:30:00.000Z', '2026-07-26T06:30:00.000Z']);
    });

    it('refuses a misspelt month, quoting the whole field', async () => {
      const res = await t.api()
        .post(S)
        .send({ name: 'Bad month', triggerType: 'Cron', patternType: 'Custom', cronExpression: '10 * * Febuary *' })
        .expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.validationErrors).toEqual({ cronExpression: ['invalid month "Febuary": unknown name'] });
    });
  });

  describe('changeReason of 2000 CJK characters', () => {
    it('is accepted in the query of disable, enable and DELETE and recorded', async () => {
      const id = await createManual('CJK reason in query');
      const query = `?changeReason=${encodeURIComponent(CJK_REASON)}`;
      expect(query.length).toBeGreaterThan(16 * 1024);
      await t.api().post(`${S}/${id}/enable${query}`).expect(200);
      await t.api().post(`${S}/${id}/disable${query}`).expect(200);
      expect((await history(id)).slice(0, 2)).toEqual([
        expect.objectContaining({ operation: 'Disable', changeReason: CJK_REASON }),
        expect.objectContaining({ operation: 'Enable', changeReason: CJK_REASON }),
      ]);
      await t.api().delete(`${S}/${id}${query}`).expect(204);
      expect((await history(id))[0]).toEqual(expect.objectContaining({ operation: 'Delete', changeReason: CJK_REASON }));
    });

    it('is accepted in a JSON body of enable, disable and DELETE', async () => {
      const id = await createManual('CJK reason in body');
      await t.api().post(`${S}/${id}/enable`).send({ changeReason: 'from the body' }).expect(200);
      await t.api().post(`${S}/${id}/disable`).send({ changeReason: CJK_REASON }).expect(200);
      await t.api().delete(`${S}/${id}`).send({ changeReason: 'gone' }).expect(204);
      expect((await history(id)).slice(0, 3).map((item) => [item.operation, item.changeReason])).toEqual([
        ['Delete', 'gone'],
        ['Disable', CJK_REASON],
        ['Enable', 'from the body'],
      ]);
    });

    it('is refused when given in both the query and the body, or too long, or with unknown body fields', async () => {
      const id = await createManual('Reason twice');
      const twice = await t.api().post(`${S}/${id}/disable?changeReason=a`).send({ changeReason: 'b' }).expect(400);
      expectErrorBody(twice.body, 'VALIDATION_ERROR');
      expect(twice.body.validationErrors).toEqual({ changeReason: ['is given in both the query and the body; give it in one of them'] });
      const long = await t.api().delete(`${S}/${id}`).send({ changeReason: 'x'.repeat(2001) }).expect(400);
      expect(long.body.validationErrors).toEqual({ changeReason: ['must be at most 2000 characters'] });
      const unknown = await t.api().post(`${S}/${id}/enable`).send({ reason: 'typo' }).expect(400);
      expect(unknown.body.validationErrors).toEqual({ reason: ['is not a known property'] });
      expect((await history(id)).map((item) => item.operation)).toEqual(['Create']);
    });
  });

  describe('sizes', () => {
    it('answers headers over 64 KiB with 431 and the error body', async () => {
      const raw = await rawExchange(port, `GET ${S} HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
      const { status, headers, body } = parseRaw(raw);
      expect(status).toBe(431);
      expect(headers).toMatch(/content-type: application\/json/i);
      expect(headers).toMatch(/x-content-type-options: nosniff/i);
      expect(headers).toMatch(/content-security-policy: default-src 'none'; frame-ancestors 'none'/i);
      expectErrorBody(body, 'HEADERS_TOO_LARGE');
      expect(body.message).toBe('The request line and headers are larger than the limit of 65536 bytes');
    });

    it('answers a request that is not HTTP with 400 and the error body', async () => {
      const { status, body } = parseRaw(await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n'));
      expect(status).toBe(400);
      expectErrorBody(body, 'BAD_REQUEST');
    });

    it('creates a schedule of 200 steps with 2000-character arguments (over the old 256 KiB limit)', async () => {
      const steps = Array.from({ length: 200 }, (_, index) => ({
        stepIndex: index,
        stepType: 'Executable',
        executablePath: '/bin/true',
        arguments: '引'.repeat(2000),
      }));
      const body = JSON.stringify({ ...manual('Two hundred steps'), steps });
      expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
      const res = await t.api().post(S).set('Content-Type', 'application/json').send(body).expect(201);
      expect(res.body.steps).toHaveLength(200);
      expect(res.body.steps[199].arguments).toBe('引'.repeat(2000));
    });

    it('answers a body over 3 MiB with 413 and the error body, and writes nothing', async () => {
      const body = JSON.stringify({ ...manual('Too large'), description: 'x'.repeat(3 * 1024 * 1024) });
      const res = await t.api().post(S).set('Content-Type', 'application/json').send(body).expect(413);
      expectErrorBody(res.body, 'PAYLOAD_TOO_LARGE');
      expect(res.body.message).toBe('Request body is larger than the limit of 3145728 bytes');
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM schedules WHERE name = 'Too large'`);
      expect(count).toBe(0);
    });
  });

  it('documents 413 where a body is taken, and 431 and 500 on every operation', async () => {
    const { body: document } = await request(t.http).get('/api/openapi/v1.json').expect(200);
    const statuses = (path: string, method: string) => Object.keys(document.paths[path][method].responses);
    expect(statuses('/api/v1/schedules', 'post')).toEqual(expect.arrayContaining(['413', '431', '500']));
    expect(statuses('/api/v1/schedules/{id}/disable', 'post')).toEqual(expect.arrayContaining(['413', '431', '500']));
    expect(statuses('/api/v1/schedules', 'get')).toEqual(expect.arrayContaining(['431', '500']));
    expect(statuses('/api/v1/schedules', 'get')).not.toContain('413');
    expect(statuses('/health/live', 'get')).toEqual(expect.arrayContaining(['431', '500']));
  });

  describe('methods', () => {
    it.each(['TRACE', 'PATCH', 'PUT'])('answers %s on /api/v1/schedules with 405 and Allow', async (method) => {
      const res = await request(t.http)[method.toLowerCase() as 'put'](S).set('X-API-Key', t.adminKey).expect(405);
      expect(res.headers.allow).toBe('GET, HEAD, POST');
      expectErrorBody(res.body, 'METHOD_NOT_ALLOWED');
      expect(res.body.message).toBe(`${method} is not supported on this resource`);
    });

    it('answers 405 on a schedule for POST and lists its methods; GET on an action route allows only POST', async () => {
      const id = await createManual('Methods');
      const post = await t.api().post(`${S}/${id}`).expect(405);
      expect(post.headers.allow).toBe('GET, HEAD, PUT, DELETE');
      const get = await t.api().get(`${S}/${id}/enable`).expect(405);
      expect(get.headers.allow).toBe('POST');
    });

    it('keeps 404 for unknown paths, whatever the method', async () => {
      for (const method of ['get', 'trace', 'patch'] as const) {
        const res = await request(t.http)[method]('/api/v1/no-such-thing').set('X-API-Key', t.adminKey).expect(404);
        expectErrorBody(res.body, 'NOT_FOUND');
      }
    });

    it('answers OPTIONS with 204 and Allow, and HEAD like GET', async () => {
      const options = await request(t.http).options(S).expect(204);
      expect(options.headers.allow).toBe('GET, HEAD, POST');
      await request(t.http).head(S).set('X-API-Key', t.adminKey).expect(200);
      await request(t.http).options('/api/v1/no-such-thing').expect(404);
    });
  });
});
