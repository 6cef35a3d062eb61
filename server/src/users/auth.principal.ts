import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { unauthenticated } from '../errors';
import { logger } from '../logger';
import { authenticateApiKey, looksLikeApiKey } from '../apikeys/apikey.service';
import { verifyToken } from './auth.token';
import type { AuthUser } from './auth.token';
import { UserModel } from './user.model';
import { parseObjectId } from '../object-id';

/**
 * Turns a bearer credential (a login JWT or a `dw_live_` API key) into the caller. The one
 * place HTTP GraphQL, both WebSocket protocols and the REST routes authenticate, so a key,
 * a removed user or a changed role means the same everywhere.
 *
 * A JWT's user is looked up on every call (one indexed read): the token alone cannot tell
 * that its user was removed or demoted since it was issued, and both must apply on the next request.
 * Throws an UNAUTHENTICATED AppError saying what is wrong.
 */
export async function authenticateBearer(config: Config, credential: string): Promise<AuthUser> {
  if (looksLikeApiKey(credential)) {
    const key = await authenticateApiKey(credential);
    return {
      userId: `apikey:${String(key._id)}`,
      organizationId: String(key.organizationId),
      role: key.role,
      // Keys do not expire; they are revoked.
      expiresAt: Number.POSITIVE_INFINITY,
      apiKeyId: String(key._id),
    };
  }
  const claims = await verifyToken(config.jwt, credential);
  const user = await UserModel.findOne({
    _id: parseObjectId(claims.userId),
    organizationId: parseObjectId(claims.organizationId),
  })
    .select({ role: 1 })
    .lean()
    .exec();
  if (!user) throw unauthenticated('This account no longer exists: sign in again');
  return { ...claims, role: user.role };
}

/** Identifies what a WebSocket was authenticated as, for closing it on revocation. */
export const principalKey = (user: Pick<AuthUser, 'userId' | 'apiKeyId'>): string =>
  user.apiKeyId ? `apikey:${user.apiKeyId}` : `user:${user.userId}`;

/** The Redis channel on which every API instance hears that a principal lost its access. */
export const revocationChannel = (prefix: string): string => `${prefix}:auth-revoked`;

/**
 * Tells every API instance to close the sockets of a principal (a revoked key, a removed user).
 * Redis pub/sub is at most once: an instance that misses the message still refuses the
 * principal's next connection and next HTTP request, which read MongoDB.
 */
export async function announceRevocation(redis: Redis, prefix: string, key: string): Promise<void> {
  try {
    await redis.publish(revocationChannel(prefix), key);
  } catch (error) {
    logger.warn(
      { err: error, principal: key },
      'could not announce a revocation; open sockets stay until they reconnect',
    );
  }
}
