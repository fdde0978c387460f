import { CronExpressionParser, type CronFieldCollection } from 'cron-parser';
import { CronRule, type CronRuleSpec } from './cron-rule';

/** A cron expression, or a `;`-joined union of them, ready to evaluate. */
export interface ParsedCron {
  /** Each expression trimmed, joined with "; ". */
  readonly text: string;
  readonly rules: readonly CronRule[];
}

export type CronParse = { ok: true; cron: ParsedCron } | { ok: false; problems: string[] };

const MAX_EXPRESSIONS = 200;

const FIELD_NAMES = ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const MONTH_FIELD = 4;
const DAY_OF_WEEK_FIELD = 5;
/** English names by field, at their cron value: months 1-12, days 0-6 (Sunday = 0). */
const NAMES: Readonly<Record<number, { names: readonly string[]; first: number }>> = {
  [MONTH_FIELD]: {
    names: ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
    first: 1,
  },
  [DAY_OF_WEEK_FIELD]: { names: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'], first: 0 },
};
const MIN_NAME_LENGTH = 3;
// A run of two or more letters is a name; single letters (L, H, ?) keep their cron meaning.
const NAME_RUN = /[a-z]{2,}/gi;
const WILDCARD_FIELDS = ['0', '*', '*', '*', '*', '*'];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const ALL_DAYS_OF_MONTH = 31;
const ALL_WEEKDAYS = 7;

const parsed = new Map<string, CronParse>();
const CACHE_LIMIT = 5000;

/**
 * Parses a non-blank cron text. Fields are parsed by cron-parser; this adds macros, the union,
 * per-field messages and the "never fires" check (which uses day-of-month AND day-of-week).
 */
export function parseCronText(text: string): CronParse {
  const cached = parsed.get(text);
  if (cached) return cached;
  const result = parseUnion(text);
  if (parsed.size >= CACHE_LIMIT) parsed.clear();
  parsed.set(text, result);
  return result;
}

function parseUnion(text: string): CronParse {
  const expressions = text.split(';').map((expression) => expression.trim());
  if (expressions.length > MAX_EXPRESSIONS) {
    return { ok: false, problems: [`has ${expressions.length} expressions; at most ${MAX_EXPRESSIONS} are allowed`] };
  }
  const inUnion = expressions.length > 1;
  const problems: string[] = [];
  const rules: CronRule[] = [];
  for (const expression of expressions) {
    if (expression === '') {
      problems.push('has an empty expression between ";" separators');
      continue;
    }
    const result = parseExpression(expression, inUnion);
    if (result instanceof CronRule) rules.push(result);
    else problems.push(...result);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, cron: { text: expressions.join('; '), rules } };
}

function parseExpression(expression: string, inUnion: boolean): CronRule | string[] {
  const given = sixFields(expression);
  if (typeof given === 'string') return [given];
  const where = inUnion ? ` in "${expression}"` : '';
  const named = given.map(withNumbersForNames);
  const nameProblems = named.flatMap((field, index) => (typeof field === 'string' ? [] : [unknownName(given[index], index, field.unknown, where)]));
  if (nameProblems.length > 0) return nameProblems;
  const fields = named as string[];
  const parsed = fields.some(isHashed) ? null : tryParse(fields);
  if (parsed !== null && !(parsed instanceof Error)) {
    const rule = new CronRule(toRuleSpec(parsed));
    return rule.firesOnSomeDay() ? rule : [neverFires(expression)];
  }
  const problems = fieldProblems(fields, given, where);
  // Every field is fine alone, so cron-parser rejected the combination: a day that no month has.
  return problems.length > 0 ? problems : [neverFires(expression)];
}

/** The expression's fields with seconds first (0 when not given), or the problem with its shape. */
function sixFields(expression: string): string[] | string {
  const expanded = expression.startsWith('@') ? MACROS[expression.toLowerCase()] : expression;
  if (expanded === undefined) {
    return `unknown macro "${expression}"; use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually`;
  }
  const fields = expanded.split(/\s+/);
  if (fields.length === 6) return fields;
  if (fields.length === 5) return ['0', ...fields];
  const count = `${fields.length} field${fields.length === 1 ? '' : 's'}`;
  return `"${expression}" has ${count}; expected 5 (minute hour day-of-month month day-of-week) or 6 with seconds first`;
}

/**
 * The month or day-of-week field with each name replaced by its number, as NCrontab reads them: any case, in full
 * or as a prefix of at least three letters that starts exactly one name (`sunday`, `Augu`, `DECEM`, `Feb`).
 */
function withNumbersForNames(field: string, index: number): string | { unknown: string } {
  const table = NAMES[index];
  if (!table) return field;
  let unknown: string | null = null;
  const numeric = field.replace(NAME_RUN, (name) => {
    const prefix = name.toLowerCase();
    const matches = prefix.length < MIN_NAME_LENGTH ? [] : table.names.filter((candidate) => candidate.startsWith(prefix));
    if (matches.length !== 1) {
      unknown ??= name;
      return name;
    }
    return String(table.names.indexOf(matches[0]) + table.first);
  });
  return unknown === null ? numeric : { unknown };
}

/** Quotes the whole field, and the name too when the field holds more than it. */
function unknownName(field: string, index: number, name: string, where: string): string {
  return `invalid ${FIELD_NAMES[index]} "${field}"${where}: unknown name${name === field ? '' : ` "${name}"`}`;
}

/** Each field parsed on its own, so a message can name the field and its value (as given). */
function fieldProblems(fields: readonly string[], given: readonly string[], where: string): string[] {
  return fields.flatMap((field, index) => {
    const problem = (reason: string): string[] => [`invalid ${FIELD_NAMES[index]} "${given[index]}"${where}: ${reason}`];
    if (isHashed(field)) return problem('hashed values (H) are not supported');
    const isolated = [...WILDCARD_FIELDS];
    isolated[index] = field;
    const outcome = tryParse(isolated);
    return outcome instanceof Error ? problem(describe(outcome.message)) : [];
  });
}

function neverFires(expression: string): string {
  return `"${expression}" never fires (no date matches its day-of-month, month and day-of-week)`;
}

/** cron-parser would replace H with a random value; a schedule must be the same on every parse. Names are numbers by now. */
function isHashed(field: string): boolean {
  return field.includes('H');
}

function tryParse(sixFields: readonly string[]): CronFieldCollection | Error {
  try {
    return CronExpressionParser.parse(sixFields.join(' '), { currentDate: 0 }).fields;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Turns cron-parser's messages into short reasons. */
function describe(message: string): string {
  let match: RegExpMatchArray | null;
  if ((match = message.match(/got value (\S+) expected range (\d+-\d+)/))) return `${match[1]} is outside ${match[2]}`;
  if ((match = message.match(/got range (\d+-\d+) expected range (\d+-\d+)/))) return `range ${match[1]} is outside ${match[2]}`;
  if ((match = message.match(/Invalid range: (\d+-\d+), min/))) return `range ${match[1]} runs backwards`;
  if ((match = message.match(/`#` and `(.)` special characters are incompatible/))) return `"#" cannot be combined with "${match[1]}"`;
  if (message.includes('occurrence number')) return 'the occurrence after "#" must be 1-5';
  if (message.includes('cannot repeat')) return 'the step must be a positive whole number';
  if (message.includes('Invalid repeat')) return 'has more than one "/"';
  if (message.includes('Invalid list value')) return 'has an empty list entry';
  if (message.includes('Invalid wildcard')) return '"*" or "?" must stand alone in a list entry';
  if (message.includes('standalone L')) return '"L" needs a weekday in front of it (5L = last Friday)';
  if (message.includes('too many values')) return 'has too many values';
  if (message.includes('Invalid characters')) return 'has characters that are not allowed';
  return 'is not a valid value';
}

function toRuleSpec(fields: CronFieldCollection): CronRuleSpec {
  const daysOfMonth = numbersOf(fields.dayOfMonth.values);
  const weekdayEntries = fields.dayOfWeek.values;
  const weekdays = [...new Set(numbersOf(weekdayEntries).map((day) => day % 7))].sort((a, b) => a - b);
  const lastWeekdays = weekdayEntries.filter((entry) => typeof entry === 'string').map((entry) => parseInt(entry, 10) % 7);
  const nthWeekday = fields.dayOfWeek.nthDay;
  return {
    seconds: numbersOf(fields.second.values),
    minutes: numbersOf(fields.minute.values),
    hours: numbersOf(fields.hour.values),
    daysOfMonth: new Set(daysOfMonth).size === ALL_DAYS_OF_MONTH ? null : daysOfMonth,
    lastDayOfMonth: fields.dayOfMonth.values.some((entry) => entry === 'L'),
    months: numbersOf(fields.month.values),
    daysOfWeek: weekdays.length === ALL_WEEKDAYS && nthWeekday === 0 ? null : weekdays,
    nthWeekday,
    lastWeekdays: [...new Set(lastWeekdays)],
  };
}

function numbersOf(values: readonly (number | string)[]): number[] {
  return values.filter((value): value is number => typeof value === 'number');
}
