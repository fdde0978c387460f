import { CapturedOutput } from './captured-output';
import { LineSplitter } from './line-splitter';
import { OUTPUT_TAIL_BYTES, OutputTail } from './output-tail';
import { redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redactSecrets('pw=hunter2 again hunter2, token abc', ['hunter2', 'abc'])).toBe('pw=*** again ***, token ***');
  });

  it('prefers the longest secret and ignores empty ones', () => {
    expect(redactSecrets('postgres://u:pw@h/d and pw', ['pw', 'postgres://u:pw@h/d', ''])).toBe('*** and ***');
  });

  it('treats secrets literally, not as patterns', () => {
    expect(redactSecrets('a.b a+b (x)', ['a.b', '(x)'])).toBe('*** a+b ***');
  });
});

describe('OutputTail', () => {
  it('returns null when nothing was written', () => {
    expect(new OutputTail().text()).toBeNull();
  });

  it('keeps only the last 64 KiB', () => {
    const tail = new OutputTail();
    tail.append('a'.repeat(100_000));
    tail.append('END');
    const text = tail.text()!;
    expect(Buffer.byteLength(text)).toBe(OUTPUT_TAIL_BYTES);
    expect(text.endsWith('aEND')).toBe(true);
  });

  it('never starts inside a multi-byte character', () => {
    const tail = new OutputTail([], 10);
    tail.append(Buffer.from('€€€€€€', 'utf8')); // 18 bytes, 3 per character
    const text = tail.text()!;
    expect(text).toBe('€€€');
    expect(text).not.toContain('\uFFFD');
  });

  it('redacts a secret that straddles the cut instead of leaking part of it', () => {
    const tail = new OutputTail(['SECRETVALUE'], 8);
    tail.append('xxxxSECRETVALUEyy');
    expect(tail.text()).toBe('xxx***yy');
    expect(tail.text()).not.toMatch(/VALUE|ALUE/);
  });

  it('keeps memory bounded across many small writes', () => {
    const tail = new OutputTail([], 16);
    for (let i = 0; i < 10_000; i++) tail.append(`line ${i}\n`);
    expect(tail.text()).toBe('line 9998\nline 9999\n'.slice(-16));
  });
});

describe('LineSplitter', () => {
  it('splits across chunks, strips CR and flushes the last partial line', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from('one\r\ntw'));
    splitter.push(Buffer.from('o\n\nthree'));
    splitter.end();
    expect(lines).toEqual(['one', 'two', '', 'three']);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('é\n', 'utf8');
    splitter.push(bytes.subarray(0, 1));
    splitter.push(bytes.subarray(1));
    splitter.end();
    expect(lines).toEqual(['é']);
  });
});

describe('CapturedOutput', () => {
  it('redacts both the logged lines and the tail', () => {
    const lines: string[] = [];
    const output = new CapturedOutput(['pw123'], (line) => lines.push(line), '[stderr] ');
    output.write('login with pw123\nok');
    output.end();
    expect(lines).toEqual(['[stderr] login with ***', '[stderr] ok']);
    expect(output.text()).toBe('login with ***\nok');
  });
});
