import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/** Used only when no key is configured outside production, so development data is still not in clear text. */
const DEVELOPMENT_KEY = createHash('sha256').update('jim-schedules development key: not for production').digest();

/** AES-256-GCM for secrets at rest: `v1:<iv>:<tag>:<ciphertext>`, each part base64. */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(key: Buffer | null) {
    this.key = key ?? DEVELOPMENT_KEY;
    if (this.key.length !== 32) throw new Error('The encryption key must be 32 bytes');
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('Not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }

  encryptNullable(plain: string | null): string | null {
    return plain === null ? null : this.encrypt(plain);
  }

  decryptNullable(sealed: string | null): string | null {
    return sealed === null ? null : this.decrypt(sealed);
  }
}
