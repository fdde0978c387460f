import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, normaliseUrl, resolveConnection, writeStoredConfig } from './config';

describe('config', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'jim-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/jim/config.json');
    expect(configPath({ HOME: '/h' })).toBe('/h/.config/jim/config.json');
  });

  it('is written for the owner only', () => {
    const path = join(dir, 'jim', 'config.json');
    writeStoredConfig(path, { url: 'http://a', apiKey: 'k' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ url: 'http://a', apiKey: 'k' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'jim')).mode & 0o777).toBe(0o700);
  });

  it('lets each environment variable override the file', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify({ url: 'http://file:3000/', apiKey: 'file-key' }));
    expect(resolveConnection({}, path)).toMatchObject({ url: 'http://file:3000', apiKey: 'file-key' });
    expect(resolveConnection({ JIM_URL: 'https://env' }, path)).toMatchObject({ url: 'https://env', apiKey: 'file-key', source: { url: 'env', apiKey: 'file' } });
    expect(resolveConnection({ JIM_API_KEY: 'env-key' }, path)).toMatchObject({ url: 'http://file:3000', apiKey: 'env-key' });
  });

  it('explains what is missing', () => {
    expect(() => resolveConnection({}, join(dir, 'none.json'))).toThrow('Not connected to JIM (no URL and no API key configured)');
    expect(() => resolveConnection({ JIM_URL: 'http://a' }, join(dir, 'none.json'))).toThrow('(no API key configured)');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{');
    expect(() => resolveConnection({}, broken)).toThrow(/broken\.json is not valid/);
  });

  it('accepts only http(s) base URLs', () => {
    expect(normaliseUrl(' https://jim.example.com/api-gw/ ')).toBe('https://jim.example.com/api-gw');
    expect(() => normaliseUrl('jim.example.com')).toThrow("Invalid URL: 'jim.example.com'");
    expect(() => normaliseUrl('ftp://jim')).toThrow('Only http:// and https://');
  });
});
