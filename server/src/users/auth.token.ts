import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Config } from '../config';
import type { Role } from './user.model';
import { unauthenticated } from '../errors';

/** Who is calling: decoded from a verified bearer token. */
export interface AuthUser {
  userId: string;
  organizationId: string;
  role: Role;
  /** Token expiry, epoch seconds (WebSockets close when it passes); Infinity for an API key. */
  expiresAt: number;
  /** Set when the caller authenticated with an API key (then `userId` is `apikey:<id>`). */
  apiKeyId?: string;
}

/** Issues an HS256 JWT with issuer, audience and expiry from config. */
export async function signToken(
  jwt: Config['jwt'],
  user: { userId: string; organizationId: string; role: Role },
  ttlSeconds = jwt.ttlSeconds,
): Promise<string> {
  return new SignJWT({ org: user.organizationId, role: user.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.userId)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(jwt.secret);
}

/**
 * Verifies a token (signature, issuer, audience, expiry) and returns the caller.
 * Throws an UNAUTHENTICATED AppError with a message saying what is wrong.
 */
export async function verifyToken(jwt: Config['jwt'], token: string): Promise<AuthUser> {
  try {
    const { payload } = await jwtVerify(token, jwt.secret, {
      issuer: jwt.issuer,
      audience: jwt.audience,
      algorithms: ['HS256'],
    });
    const role = payload['role'];
    const org = payload['org'];
    if (typeof payload.sub !== 'string' || typeof org !== 'string' || typeof payload.exp !== 'number') {
      throw unauthenticated('Invalid token: missing claims');
    }
    if (role !== 'ADMIN' && role !== 'OPERATOR' && role !== 'VIEWER') throw unauthenticated('Invalid token: bad role');
    return { userId: payload.sub, organizationId: org, role, expiresAt: payload.exp };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Token expired: sign in again');
    if (error instanceof joseErrors.JOSEError) throw unauthenticated('Invalid token');
    throw error;
  }
}

/** Extracts the token from an `Authorization: Bearer …` header value; null when absent. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
