import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  encryptionKey: string;
  adminApiKey: string;
  /** True when this start created the administrator key (it is printed only then). */
  firstStart: boolean;
}

/** The secrets an evaluation install keeps in its data folder, created on first start, readable only by the owner. */
export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keyFile = join(dataDir, 'encryption-key');
  const adminFile = join(dataDir, 'admin-api-key');
  const firstStart = !existsSync(adminFile);
  return {
    encryptionKey: readOrCreate(keyFile, () => randomBytes(32).toString('hex')),
    adminApiKey: readOrCreate(adminFile, () => `jim_ak_${randomBytes(32).toString('hex')}`),
    firstStart,
  };
}

function readOrCreate(file: string, create: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}
