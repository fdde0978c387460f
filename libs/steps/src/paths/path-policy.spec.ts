import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPathAllowed, isRealPathAllowed, refusePathOutsideRoots } from './path-policy';

describe('isPathAllowed', () => {
  it('allows everything when no roots are configured', () => {
    expect(isPathAllowed('/anything/at/all', undefined)).toBe(true);
    expect(isPathAllowed('/anything/at/all', [])).toBe(true);
  });

  it.each<[string, boolean]>([
    ['/opt/scripts/a.ps1', true],
    ['/opt/scripts/sub/dir/a.ps1', true],
    ['/opt/scripts', true],
    ['/opt/scripts-old/a.ps1', false],
    ['/opt/scriptsa.ps1', false],
    ['/opt/scripts/../secrets/a.ps1', false],
    ['/opt/other/../scripts/a.ps1', true],
    ['/srv/sql/./x.sql', true],
    ['/etc/passwd', false],
  ])('%s → %s', (path, allowed) => {
    expect(isPathAllowed(path, ['/opt/scripts', '/srv/sql/'])).toBe(allowed);
  });

  it('accepts the filesystem root as a root', () => {
    expect(isPathAllowed('/etc/passwd', ['/'])).toBe(true);
  });
});

describe('isRealPathAllowed', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jim-steps-paths-'));
    mkdirSync(join(dir, 'root'));
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'evil.sh'), 'echo evil');
    writeFileSync(join(dir, 'root', 'good.sh'), 'echo good');
    symlinkSync(join(dir, 'outside', 'evil.sh'), join(dir, 'root', 'link.sh'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a symbolic link inside a root that points outside it', async () => {
    const roots = [join(dir, 'root')];
    expect(isPathAllowed(join(dir, 'root', 'link.sh'), roots)).toBe(true);
    expect(await isRealPathAllowed(join(dir, 'root', 'link.sh'), roots)).toBe(false);
    expect(await isRealPathAllowed(join(dir, 'root', 'good.sh'), roots)).toBe(true);
    expect(await refusePathOutsideRoots(join(dir, 'root', 'link.sh'), roots)).toBe(
      `Path '${join(dir, 'root', 'link.sh')}' is outside the allowed script roots`,
    );
    expect(await refusePathOutsideRoots(join(dir, 'root', 'missing.sh'), roots)).toBeNull();
  });
});
