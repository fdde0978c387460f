import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]);
}

describe('the CLI talks to the API only over HTTP', () => {
  it('imports no other app and, of our libraries, only @jim/contracts (and the error body of @jim/common)', () => {
    const offending = sources(join(ROOT, 'apps', 'cli', 'src')).flatMap((file) =>
      imports(file)
        .filter((spec) => /(^|\/)(apps|api|worker|launcher)\/src\b/.test(spec) || (spec.startsWith('@jim/') && !['@jim/contracts', '@jim/common'].includes(spec)))
        .map((spec) => `${relative(ROOT, file)}: ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('@jim/contracts and @jim/trigger import nothing of ours but the contracts', () => {
    const offending = ['contracts', 'trigger'].flatMap((lib) =>
      sources(join(ROOT, 'libs', lib, 'src')).flatMap((file) =>
        imports(file)
          .filter((spec) => spec.startsWith('@jim/') && spec !== '@jim/contracts')
          .map((spec) => `${relative(ROOT, file)}: ${spec}`),
      ),
    );
    expect(offending).toEqual([]);
  });
});
