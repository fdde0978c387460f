import {
  ConnectionStringError,
  connectionStringPassword,
  isMaskedConnectionString,
  maskConnectionString,
  parseSqlConnectionString,
  restoreMaskedPassword,
} from './connection-string';

describe('parseSqlConnectionString', () => {
  it('parses a postgres URL with an encoded password and sslmode', () => {
    expect(parseSqlConnectionString('postgres://jim:p%40ss%3Bw0rd@db.example:6543/idm?sslmode=require&application_name=x')).toEqual({
      dialect: 'postgres',
      host: 'db.example',
      port: 6543,
      database: 'idm',
      user: 'jim',
      password: 'p@ss;w0rd',
      sslMode: 'require',
      form: 'url',
      options: { application_name: 'x' },
    });
  });

  it('defaults the port for each URL scheme', () => {
    expect(parseSqlConnectionString('postgresql://u@h/d')).toMatchObject({ dialect: 'postgres', port: 5432, password: '' });
    expect(parseSqlConnectionString('mysql://u:p@h/d')).toMatchObject({ dialect: 'mysql', port: 3306, password: 'p' });
    expect(parseSqlConnectionString('mariadb://u:p@h:3307/d')).toMatchObject({ dialect: 'mysql', port: 3307 });
  });

  it('parses the key/value form with case-insensitive keys and aliases', () => {
    expect(parseSqlConnectionString('host=db;PORT=5433;Database=idm;User Id=jim;Password=secret;SSL Mode=Disable;Timeout=15')).toEqual({
      dialect: 'postgres',
      host: 'db',
      port: 5433,
      database: 'idm',
      user: 'jim',
      password: 'secret',
      sslMode: 'disable',
      form: 'keyValue',
      options: { timeout: '15' },
    });
    expect(parseSqlConnectionString('Server=db;Database=idm;User=jim;Pwd=x')).toMatchObject({ host: 'db', user: 'jim', password: 'x' });
    expect(parseSqlConnectionString('Server=db;Initial Catalog=idm;Uid=jim')).toMatchObject({ database: 'idm', user: 'jim' });
  });

  it('selects MySQL with Provider=', () => {
    expect(parseSqlConnectionString('Provider=MySQL;Server=db;Database=idm;Uid=root;Pwd=')).toMatchObject({
      dialect: 'mysql',
      port: 3306,
      password: '',
    });
    expect(parseSqlConnectionString('Provider=MariaDB;Server=db;Database=idm;Uid=root')).toMatchObject({ dialect: 'mysql' });
    expect(parseSqlConnectionString('Provider=Npgsql;Server=db;Database=idm;Uid=root')).toMatchObject({ dialect: 'postgres' });
  });

  it('accepts quoted values containing separators and doubled quotes', () => {
    expect(parseSqlConnectionString(`Host=db;Database=idm;Username=jim;Password="a;b=c""d"`).password).toBe('a;b=c"d');
    expect(parseSqlConnectionString(`Host=db;Database=idm;Username=jim;Password='it''s'  ;`).password).toBe("it's");
  });

  it.each<[string, string]>([
    ['', 'Connection string is empty'],
    ['just some text', 'neither a URL'],
    ['sqlserver://u:p@h/d', "Unsupported connection string scheme 'sqlserver'"],
    ['Host=db;Username=jim;Password=pw', 'has no database'],
    ['Database=idm;Username=jim;Password=pw', 'has no host'],
    ['Host=db;Database=idm;Password=pw', 'has no user'],
    ['Host=db;Port=99999;Database=idm;Username=jim', "Port '99999' is not a number between 1 and 65535"],
    ['Host=db;Port=abc;Database=idm;Username=jim', "Port 'abc'"],
    ['Provider=Oracle;Host=db;Database=idm;Username=jim', "Unsupported provider 'Oracle'"],
    ['Host=db;Database=idm;Username=jim;SSL Mode=sometimes', "Unsupported SSL mode 'sometimes'"],
    ['Host=db;Database=idm;Username=jim;Password="unterminated', "value of 'Password' has no closing quote"],
    ['Host=db;garbage;Database=idm', 'part 2 is not Key=Value'],
    ['postgres:///idm', 'has no host'],
    ['postgres://jim:pw@/idm', 'not a valid URL'],
  ])('rejects %j with a clear message', (input, message) => {
    let thrown: unknown;
    try {
      parseSqlConnectionString(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConnectionStringError);
    expect((thrown as Error).message).toContain(message);
  });

  it('never puts the password in an error message', () => {
    for (const input of ['Host=db;Username=jim;Password=hunter2', 'postgres://jim:hunter2@db', 'Host=db;hunter2;Password=hunter2']) {
      expect(() => parseSqlConnectionString(input)).toThrow(ConnectionStringError);
      try {
        parseSqlConnectionString(input);
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });
});

describe('maskConnectionString', () => {
  it.each<[string, string]>([
    ['postgres://user:secret@host/db', 'postgres://user:***@host/db'],
    ['postgresql://user:s%40cret@host:5433/db?sslmode=require', 'postgresql://user:***@host:5433/db?sslmode=require'],
    ['mysql://root@host/db', 'mysql://root@host/db'],
    ['postgres://user@host/db?password=secret', 'postgres://user@host/db?password=***'],
    ['Host=h;Port=5432;Database=db;Username=u;Password=secret', 'Host=h;Port=5432;Database=db;Username=u;Password=***'],
    ['Server=h; Database=db; Uid=u; Pwd="se;cret"', 'Server=h;Database=db;Uid=u;Pwd=***'],
    ['Host=h;Database=db;Username=u', 'Host=h;Database=db;Username=u'],
    ['not a connection string', '***'],
    ['Host=h;Password="unterminated', '***'],
  ])('masks %j', (input, expected) => {
    expect(maskConnectionString(input)).toBe(expected);
  });

  it('produces strings recognised as masked', () => {
    for (const input of ['postgres://user:secret@host/db', 'Host=h;Database=db;Username=u;Password=secret', 'garbage']) {
      expect(isMaskedConnectionString(maskConnectionString(input))).toBe(true);
      expect(isMaskedConnectionString(input)).toBe(false);
    }
  });
});

describe('isMaskedConnectionString', () => {
  it.each<[string, boolean]>([
    ['***', true],
    ['postgres://u:***@h/d', true],
    ['Host=h;Database=d;Username=u;Password=***', true],
    ['Host=h;Database=d;Username=u;PWD=***', true],
    ['postgres://u:real@h/d', false],
    ['Host=h;Database=d;Username=u;Password=real', false],
    ['Host=h;Database=d;Username=u', false],
  ])('%j → %s', (input, expected) => {
    expect(isMaskedConnectionString(input)).toBe(expected);
  });
});

describe('connectionStringPassword', () => {
  it('finds the password even when the string is incomplete', () => {
    expect(connectionStringPassword('Host=h;Password=pw')).toBe('pw');
    expect(connectionStringPassword('postgres://u:p%20w@h')).toBe('p w');
    expect(connectionStringPassword('garbage')).toBe('');
  });
});

describe('restoreMaskedPassword', () => {
  const stored = 'Host=db;Port=5432;Database=hr;Username=jim;Password=se;cret';
  const storedQuoted = 'Host=db;Port=5432;Database=hr;Username=jim;Password="se;cret"';

  it('puts the stored password back, keeping the other parts of the edited string', () => {
    const restored = restoreMaskedPassword('Host=DB;Database=hr;User Id=jim;Pwd=***;Timeout=30', storedQuoted)!;
    expect(parseSqlConnectionString(restored)).toMatchObject({ host: 'DB', port: 5432, password: 'se;cret', options: { timeout: '30' } });
    const url = restoreMaskedPassword('postgres://jim:***@db/hr?sslmode=require', storedQuoted)!;
    expect(parseSqlConnectionString(url)).toMatchObject({ form: 'url', password: 'se;cret', sslMode: 'require' });
  });

  it.each([
    ['another host', 'Host=db2;Database=hr;Username=jim;Password=***'],
    ['another port', 'Host=db;Port=5433;Database=hr;Username=jim;Password=***'],
    ['another database', 'Host=db;Database=crm;Username=jim;Password=***'],
    ['another user', 'Host=db;Database=hr;Username=bob;Password=***'],
    ['another provider', 'Provider=MySQL;Host=db;Port=5432;Database=hr;Username=jim;Password=***'],
    ['a whole masked string', '***'],
    ['another masked part', 'Host=db;Database=hr;Username=jim;Password=***;Timeout=***'],
    ['a password that is not masked', 'Host=db;Database=hr;Username=jim;Password=x'],
  ])('refuses %s', (_label, edited) => {
    expect(restoreMaskedPassword(edited, storedQuoted)).toBeNull();
  });

  it('refuses when the stored string cannot be read', () => {
    expect(restoreMaskedPassword('Host=db;Database=hr;Username=jim;Password=***', stored.replace('Host=db;', ''))).toBeNull();
  });
});
