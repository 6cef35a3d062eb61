import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Provider credentials at rest: AES-256-GCM with `config.encryptionKey`, a random 96-bit IV
 * per value, and the phone's id as additional authenticated data, so a ciphertext copied
 * onto another phone document fails to decrypt instead of lending its credentials.
 * Format: `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export function encryptCredentials(key: Buffer, credentials: Record<string, unknown>, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
    '.',
  );
}

/** Decrypts what `encryptCredentials` made. Throws when the key, the aad or the data are wrong. */
export function decryptCredentials(key: Buffer, sealed: string, aad: string): Record<string, unknown> {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown credentials format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
}
