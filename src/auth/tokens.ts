// Bearer tokens: HS256 with JWT_SECRET in development and test, or an OIDC provider's keys
// (JWT_JWKS_URL) in production. `sub` is the StaffMember id; roles come from the database.
import { createSecretKey } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../env.js';

export class TokenError extends Error {
  override name = 'TokenError';
}

export type TokenVerifier = (token: string) => Promise<{ staffId: string; expiresAt: number | null }>;

/** Verified tokens are remembered this long at most (and never past their `exp`). */
const VERIFIED_TTL_MS = 60_000;
const MAX_VERIFIED = 10_000;

export function createTokenVerifier(jwt: Config['jwt']): TokenVerifier {
  const remote = jwt.jwksUrl ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : undefined;
  // A KeyObject: jose then signs with node:crypto directly instead of importing a WebCrypto key per call.
  const secret = jwt.secret ? createSecretKey(Buffer.from(jwt.secret)) : undefined;
  const options = { issuer: jwt.issuer, audience: jwt.audience };
  // A client sends the same token with every request: its signature is checked once a minute.
  const verified = new Map<string, { staffId: string; expiresAt: number | null; until: number }>();
  const verify: TokenVerifier = async (token) => {
    const known = verified.get(token);
    const now = Date.now();
    // `until` is never past exp: an expired token is verified again, and refused.
    if (known && now < known.until) return { staffId: known.staffId, expiresAt: known.expiresAt };
    const claims = await verifySignature(token);
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
    verified.set(token, { ...claims, until: Math.min(now + VERIFIED_TTL_MS, claims.expiresAt === null ? Infinity : claims.expiresAt * 1000) });
    return claims;
  };
  const verifySignature: TokenVerifier = async (token) => {
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
  return verify;
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
