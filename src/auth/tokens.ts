// Bearer tokens: HS256 with JWT_SECRET in development and test, or an OIDC provider's keys
// (JWT_JWKS_URL) in production. `sub` is the StaffMember id; roles come from the database.
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../env.js';

export class TokenError extends Error {
  override name = 'TokenError';
}

export type TokenVerifier = (token: string) => Promise<{ staffId: string; expiresAt: number | null }>;

export function createTokenVerifier(jwt: Config['jwt']): TokenVerifier {
  const remote = jwt.jwksUrl ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : undefined;
  const secret = jwt.secret ? new TextEncoder().encode(jwt.secret) : undefined;
  const options = { issuer: jwt.issuer, audience: jwt.audience };
  return async (token) => {
    let payload: JWTPayload;
    try {
      payload = remote
        ? (await jwtVerify(token, remote, options)).payload
        : (await jwtVerify(token, secret!, { ...options, algorithms: ['HS256'] })).payload;
    } catch (error) {
      const reason = (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'has expired' : 'is not valid';
      throw new TokenError(`The access token ${reason}`);
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new TokenError('The access token names no staff member (sub)');
    }
    return { staffId: payload.sub, expiresAt: payload.exp ?? null };
  };
}

/** A development/test token for a staff member (HS256). */
export async function signStaffToken(
  staffId: string,
  secret: string,
  options: { expiresIn?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(staffId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** `Bearer <token>` (any case) or a bare token, as graphql-ws connectionParams often carry it. */
export function extractBearer(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^\s*(?:bearer\s+)?(\S+)\s*$/i.exec(value);
  return match ? match[1]! : null;
}
