import { PassThrough } from 'node:stream';
import { forwardLines, logLineFormatter } from './console-output';

const LINE = JSON.stringify({ level: 'info', time: '2026-01-05T06:30:00.000Z', name: 'jim-api', context: 'Api', msg: 'Listening on http://0.0.0.0:3000' });
const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex

describe('launcher console output', () => {
  it('on a terminal, prints each JSON log line as one coloured, readable line', () => {
    const out = logLineFormatter(true)(LINE);
    expect(out).toMatch(ANSI);
    const plain = out.replace(ANSI, '');
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(jim-api\): Api: Listening on http:\/\/0\.0\.0\.0:3000\n$/);
  });

  it('otherwise leaves JSON lines as they are; other text passes through either way', () => {
    expect(logLineFormatter(false)(LINE)).toBe(`${LINE}\n`);
    expect(logLineFormatter(true)('not json')).toBe('not json\n');
    expect(logLineFormatter(true)('{broken')).toBe('{broken\n');
  });

  it('forwards whole lines, even when they arrive in pieces', async () => {
    const from = new PassThrough();
    const to = new PassThrough();
    let written = '';
    to.on('data', (chunk: Buffer) => (written += chunk.toString()));
    forwardLines(from, to, (line) => `<${line}>\n`);
    from.write('one\ntw');
    from.end('o\n');
    await new Promise((r) => setImmediate(r));
    expect(written).toBe('<one>\n<two>\n');
  });
});
