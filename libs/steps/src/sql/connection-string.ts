import { REDACTED } from '../text/redact-secrets';

export type SqlDialect = 'postgres' | 'mysql';
/** `disable`: plain TCP; `require`: TLS without certificate checks; `verify`: TLS with certificate checks. */
export type SqlSslMode = 'disable' | 'require' | 'verify';

export interface ParsedConnectionString {
  dialect: SqlDialect;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  sslMode: SqlSslMode;
  /** Which of the two accepted forms the string was written in. */
  form: 'url' | 'keyValue';
  /** Keys/parameters not interpreted above, keys lower-cased without spaces. */
  options: Record<string, string>;
}

/** Thrown for a connection string that cannot be used. Its message never contains the password. */
export class ConnectionStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionStringError';
  }
}

const DEFAULT_PORTS: Record<SqlDialect, number> = { postgres: 5432, mysql: 3306 };

const URL_SCHEMES: Record<string, SqlDialect> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
};

const PROVIDERS: Record<string, SqlDialect> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  npgsql: 'postgres',
  pg: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  mysqlconnector: 'mysql',
};

/** Key/value keys (lower-cased, spaces removed) and what they mean. */
const KEY_ALIASES: Record<string, 'host' | 'port' | 'database' | 'user' | 'password' | 'provider' | 'sslmode'> = {
  host: 'host',
  server: 'host',
  datasource: 'host',
  address: 'host',
  addr: 'host',
  networkaddress: 'host',
  port: 'port',
  database: 'database',
  initialcatalog: 'database',
  db: 'database',
  username: 'user',
  userid: 'user',
  user: 'user',
  uid: 'user',
  password: 'password',
  pwd: 'password',
  provider: 'provider',
  dialect: 'provider',
  sslmode: 'sslmode',
};

const URL_PASSWORD_PARAMS = new Set(['password', 'pwd']);

/**
 * Parses either form a SQL step accepts:
 * - URL: `postgres://` / `postgresql://` (PostgreSQL) or `mysql://` / `mariadb://` (MySQL/MariaDB),
 *   user and password percent-encoded, `?sslmode=` optional;
 * - Key=Value pairs separated by `;` (values may be quoted with `"` or `'`), keys case-insensitive:
 *   `Host`/`Server`, `Port`, `Database`, `Username`/`User Id`/`User`/`Uid`, `Password`/`Pwd`,
 *   `SSL Mode`, and `Provider=PostgreSQL|MySQL|MariaDB` (default PostgreSQL).
 */
export function parseSqlConnectionString(cs: string): ParsedConnectionString {
  const text = cs.trim();
  if (!text) throw new ConnectionStringError('Connection string is empty');
  if (looksLikeUrl(text)) return parseUrlForm(text);
  if (text.includes('=')) return parseKeyValueForm(text);
  throw new ConnectionStringError(
    'Connection string is neither a URL (postgres://, postgresql://, mysql://, mariadb://) nor Key=Value pairs separated by ";"',
  );
}

/**
 * The connection string with its password replaced by `***`, for display.
 * A string that cannot even be split into its parts is returned as `***`.
 */
export function maskConnectionString(cs: string): string {
  const text = cs.trim();
  try {
    if (looksLikeUrl(text)) {
      const url = new URL(text);
      if (url.password) url.password = REDACTED;
      for (const key of [...url.searchParams.keys()]) {
        if (URL_PASSWORD_PARAMS.has(key.toLowerCase())) url.searchParams.set(key, REDACTED);
      }
      return url.toString();
    }
    if (text.includes('=')) {
      return tokenizeKeyValue(text)
        .map((pair) => (own(KEY_ALIASES, pair.key) === 'password' ? `${pair.rawKey}=${REDACTED}` : pair.segment))
        .join(';');
    }
  } catch {
    // Falls through: something unparseable may be a secret itself.
  }
  return REDACTED;
}

/** True when the string's password is the `***` placeholder written by {@link maskConnectionString}. */
export function isMaskedConnectionString(cs: string): boolean {
  const text = cs.trim();
  if (text === REDACTED) return true;
  try {
    if (looksLikeUrl(text)) {
      const url = new URL(text);
      if (decodeURIComponent(url.password) === REDACTED) return true;
      return [...url.searchParams.entries()].some(([key, value]) => URL_PASSWORD_PARAMS.has(key.toLowerCase()) && value === REDACTED);
    }
    if (text.includes('=')) {
      return tokenizeKeyValue(text).some((pair) => own(KEY_ALIASES, pair.key) === 'password' && pair.value === REDACTED);
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * An edited connection string whose password is the `***` placeholder, with the stored string's password put back.
 * Only the password may be masked, and the server must be the stored one (same provider, host, port, database and
 * user): otherwise null, since keeping a password for another server would send it there. Every other part
 * (options such as timeouts or the SSL mode, the form) is taken from the edited string.
 */
export function restoreMaskedPassword(edited: string, stored: string): string | null {
  let next: ParsedConnectionString;
  let previous: ParsedConnectionString;
  try {
    next = parseSqlConnectionString(edited);
    previous = parseSqlConnectionString(stored);
  } catch {
    return null;
  }
  if (next.password !== REDACTED || Object.values(next.options).includes(REDACTED) || !sameServer(next, previous)) return null;
  const text = edited.trim();
  if (next.form === 'url') {
    const url = new URL(text);
    if (url.password) url.password = encodeURIComponent(previous.password);
    for (const key of [...url.searchParams.keys()]) {
      if (URL_PASSWORD_PARAMS.has(key.toLowerCase())) url.searchParams.set(key, previous.password);
    }
    return url.toString();
  }
  return tokenizeKeyValue(text)
    .map((pair) => (KEY_ALIASES[pair.key] === 'password' ? `${pair.rawKey}=${quoteKeyValue(previous.password)}` : pair.segment))
    .join(';');
}

function sameServer(a: ParsedConnectionString, b: ParsedConnectionString): boolean {
  return (
    a.dialect === b.dialect &&
    a.host.toLowerCase() === b.host.toLowerCase() &&
    a.port === b.port &&
    a.database === b.database &&
    a.user === b.user
  );
}

/** A Key=Value value as the tokenizer reads it back: quoted when it holds `;`, a quote, or edge spaces. */
function quoteKeyValue(value: string): string {
  return /[;"']|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The password of a connection string even when the rest is incomplete; '' when there is none or it cannot be found. */
export function connectionStringPassword(cs: string): string {
  const text = cs.trim();
  try {
    if (looksLikeUrl(text)) {
      const url = new URL(text);
      if (url.password) return decodeURIComponent(url.password);
      return [...url.searchParams.entries()].find(([key]) => URL_PASSWORD_PARAMS.has(key.toLowerCase()))?.[1] ?? '';
    }
    const pairs = tokenizeKeyValue(text).filter((pair) => own(KEY_ALIASES, pair.key) === 'password');
    return pairs.at(-1)?.value ?? '';
  } catch {
    return '';
  }
}

/** The table's own entry: a key such as "constructor" or "__proto__" must not find a member of Object.prototype. */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

function parseUrlForm(text: string): ParsedConnectionString {
  const scheme = text.slice(0, text.indexOf(':')).toLowerCase();
  const dialect = own(URL_SCHEMES, scheme);
  if (!dialect) {
    throw new ConnectionStringError(`Unsupported connection string scheme '${scheme}' (expected postgres, postgresql, mysql or mariadb)`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConnectionStringError('Connection string is not a valid URL');
  }

  const options: Record<string, string> = {};
  let sslMode: SqlSslMode = 'disable';
  for (const [key, value] of url.searchParams) {
    const normalisedKey = normaliseKey(key);
    if (normalisedKey === 'sslmode' || normalisedKey === 'ssl') sslMode = parseSslMode(value);
    else if (!URL_PASSWORD_PARAMS.has(normalisedKey)) options[normalisedKey] = value;
  }
  const passwordParam = [...url.searchParams.entries()].find(([key]) => URL_PASSWORD_PARAMS.has(key.toLowerCase()))?.[1];

  return validated({
    dialect,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? parsePort(url.port) : DEFAULT_PORTS[dialect],
    database: decodePart(url.pathname.replace(/^\//, ''), 'database name'),
    user: decodePart(url.username, 'user name'),
    password: url.password ? decodePart(url.password, 'password') : (passwordParam ?? ''),
    sslMode,
    form: 'url',
    options,
  });
}

function parseKeyValueForm(text: string): ParsedConnectionString {
  const values: Partial<Record<'host' | 'port' | 'database' | 'user' | 'password' | 'provider' | 'sslmode', string>> = {};
  const options: Record<string, string> = {};
  for (const pair of tokenizeKeyValue(text)) {
    const meaning = own(KEY_ALIASES, pair.key);
    if (meaning) values[meaning] = pair.value;
    else options[pair.key] = pair.value;
  }

  let dialect: SqlDialect = 'postgres';
  if (values.provider !== undefined) {
    const provider = own(PROVIDERS, normaliseKey(values.provider));
    if (!provider) throw new ConnectionStringError(`Unsupported provider '${values.provider}' (expected PostgreSQL, MySQL or MariaDB)`);
    dialect = provider;
  }

  return validated({
    dialect,
    host: values.host ?? '',
    port: values.port !== undefined && values.port !== '' ? parsePort(values.port) : DEFAULT_PORTS[dialect],
    database: values.database ?? '',
    user: values.user ?? '',
    password: values.password ?? '',
    sslMode: values.sslmode !== undefined ? parseSslMode(values.sslmode) : 'disable',
    form: 'keyValue',
    options,
  });
}

function validated(parsed: ParsedConnectionString): ParsedConnectionString {
  if (!parsed.host) throw new ConnectionStringError('Connection string has no host (Host= or Server=, or the host part of the URL)');
  if (!parsed.database) throw new ConnectionStringError('Connection string has no database (Database=, or the path of the URL)');
  if (!parsed.user) throw new ConnectionStringError('Connection string has no user (Username=, User Id= or User=, or the user part of the URL)');
  return parsed;
}

function parsePort(value: string): number {
  const trimmed = value.trim();
  const port = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || port < 1 || port > 65535) {
    throw new ConnectionStringError(`Port '${trimmed}' is not a number between 1 and 65535`);
  }
  return port;
}

function parseSslMode(value: string): SqlSslMode {
  switch (normaliseKey(value)) {
    case 'disable':
    case 'disabled':
    case 'allow':
    case 'prefer':
    case 'preferred':
    case 'false':
    case 'none':
    case '':
      return 'disable';
    case 'require':
    case 'required':
    case 'true':
      return 'require';
    case 'verify-ca':
    case 'verify-full':
    case 'verifyca':
    case 'verifyfull':
    case 'verify_ca':
    case 'verify_identity':
    case 'verify-identity':
      return 'verify';
    default:
      throw new ConnectionStringError(`Unsupported SSL mode '${value}' (expected disable, require, verify-ca or verify-full)`);
  }
}

function decodePart(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ConnectionStringError(`Connection string URL has a badly percent-encoded ${what}`);
  }
}

function normaliseKey(key: string): string {
  return key.replace(/\s+/g, '').toLowerCase();
}

interface KeyValuePair {
  /** The key as written, trimmed. */
  rawKey: string;
  /** Lower-cased, spaces removed. */
  key: string;
  value: string;
  /** The whole `key=value` segment as written, trimmed. */
  segment: string;
}

/** Splits `k=v;k2="v;2"` into pairs; quoted values may contain `;`, and a doubled quote stands for itself. */
function tokenizeKeyValue(text: string): KeyValuePair[] {
  const pairs: KeyValuePair[] = [];
  let position = 0;
  let segmentNumber = 0;
  while (position < text.length) {
    const segmentStart = position;
    segmentNumber++;
    const equals = text.indexOf('=', position);
    const semicolon = text.indexOf(';', position);
    if (equals === -1 || (semicolon !== -1 && semicolon < equals)) {
      const end = semicolon === -1 ? text.length : semicolon;
      if (text.slice(position, end).trim() !== '') {
        throw new ConnectionStringError(`Connection string part ${segmentNumber} is not Key=Value`);
      }
      position = end + 1;
      continue;
    }
    const rawKey = text.slice(position, equals).trim();
    if (!rawKey) throw new ConnectionStringError(`Connection string part ${segmentNumber} has no key`);
    position = equals + 1;
    while (position < text.length && /\s/.test(text[position])) position++;

    let value: string;
    const quote = text[position];
    if (quote === '"' || quote === "'") {
      value = '';
      position++;
      for (;;) {
        if (position >= text.length) throw new ConnectionStringError(`Connection string value of '${rawKey}' has no closing quote`);
        if (text[position] === quote) {
          if (text[position + 1] === quote) {
            value += quote;
            position += 2;
            continue;
          }
          position++;
          break;
        }
        value += text[position++];
      }
      while (position < text.length && /\s/.test(text[position])) position++;
      if (position < text.length && text[position] !== ';') {
        throw new ConnectionStringError(`Connection string value of '${rawKey}' has text after its closing quote`);
      }
    } else {
      const end = text.indexOf(';', position);
      value = text.slice(position, end === -1 ? text.length : end).trim();
      position = end === -1 ? text.length : end;
    }
    pairs.push({ rawKey, key: normaliseKey(rawKey), value, segment: text.slice(segmentStart, position).trim() });
    position++;
  }
  return pairs;
}
