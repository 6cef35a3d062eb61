import { createHash, randomBytes } from 'node:crypto';
import { ApiKeyModel } from './apikey.model';
import type { ApiKeyDoc } from './apikey.model';
import { ROLES } from '../users/user.model';
import type { Role } from '../users/user.model';
import { badInput, notFound, unauthenticated } from '../errors';
import { text } from '../validation';
import { parseObjectId } from '../object-id';
import { logger } from '../logger';

/**
 * Every key starts with this, so secret scanners (GitHub's, gitleaks) can match
 * `dw_live_[A-Za-z0-9_-]{32}` and a leaked key is recognised for what it is.
 */
export const API_KEY_PREFIX = 'dw_live_';
/** 24 random bytes = 32 base64url characters after the prefix. */
const RANDOM_BYTES = 24;
/** Characters of the random part kept in `prefix`: enough to tell keys apart, useless to guess. */
const PREFIX_CHARS = 6;
/** `lastUsedAt` is written at most this often per key, so a busy integration costs no write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const KEY_PATTERN = /^dw_live_[A-Za-z0-9_-]{32}$/;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Whether a bearer credential is shaped like an API key (and not a JWT). */
export const looksLikeApiKey = (credential: string): boolean => credential.startsWith(API_KEY_PREFIX);

export interface CreatedApiKey {
  apiKey: ApiKeyDoc;
  /** The whole key; only its hash is stored, so this is the one time it is seen. */
  secret: string;
}

/** Creates a key for the organization (ADMIN only, checked by the caller). */
export async function createApiKey(
  organizationId: string,
  input: { name: string; role: Role },
): Promise<CreatedApiKey> {
  const name = text('name', input.name, 1, 100);
  if (!(ROLES as readonly string[]).includes(input.role)) throw badInput('role', `must be one of ${ROLES.join(', ')}`);
  const secret = API_KEY_PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
  const apiKey = await ApiKeyModel.create({
    organizationId,
    name,
    role: input.role,
    prefix: secret.slice(0, API_KEY_PREFIX.length + PREFIX_CHARS),
    secretHash: hashSecret(secret),
  });
  return { apiKey, secret };
}

/** The organization's keys that still work, newest first. */
export function listApiKeys(organizationId: string): Promise<ApiKeyDoc[]> {
  return ApiKeyModel.find({ organizationId, revokedAt: null }).sort({ createdAt: -1, _id: -1 }).exec();
}

/** Revokes a key; NOT_FOUND when it is not the organization's or already revoked. */
export async function revokeApiKey(organizationId: string, id: string): Promise<ApiKeyDoc> {
  const _id = parseObjectId(id);
  const key = _id
    ? await ApiKeyModel.findOneAndUpdate(
        { _id, organizationId, revokedAt: null },
        { $set: { revokedAt: new Date() } },
        { returnDocument: 'after' },
      ).exec()
    : null;
  if (!key) throw notFound('API key');
  return key;
}

/**
 * The live key a secret belongs to. UNAUTHENTICATED for a malformed, unknown or revoked key
 * (one message for all three: the answer must not help guess keys).
 * Touches `lastUsedAt` when it is older than a minute, without waiting for the write.
 */
export async function authenticateApiKey(secret: string, now = new Date()): Promise<ApiKeyDoc> {
  const key = KEY_PATTERN.test(secret)
    ? await ApiKeyModel.findOne({ secretHash: hashSecret(secret), revokedAt: null }).exec()
    : null;
  if (!key) throw unauthenticated('Invalid or revoked API key');
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // Conditional, so concurrent requests in the same minute make one write between them.
    void ApiKeyModel.updateOne(
      { _id: key._id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lte: stale } }] },
      { $set: { lastUsedAt: now } },
    )
      .exec()
      .catch((error: unknown) => logger.warn({ err: error, apiKeyId: String(key._id) }, 'could not record lastUsedAt'));
    key.lastUsedAt = now;
  }
  return key;
}
