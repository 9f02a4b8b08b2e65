// Bearer tokens: HS256 with JWT_SECRET in development and test, or an OIDC provider's keys
// (JWT_JWKS_URL) in production. A token names an identity (`iss`, `sub`, and with JWT_MATCH_EMAIL
// a verified `email`), which src/auth/identity.ts resolves to a staff member; roles come from the
// database.
// Either way a token must carry `exp` and `iat`, live at most JWT_MAX_LIFETIME (exp - iat) and
// not be issued in the future beyond JWT_CLOCK_SKEW: a stolen token is useful for hours, not
// years, and a socket opened with it closes at its exp. `exp` itself is strict (no skew).
import { createSecretKey } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../env.js';

export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    message: string,
    /** Expired tokens were genuine once: they do not count as failed authentications. */
    readonly expired = false,
  ) {
    super(message);
  }
}

/** Who a verified token says its bearer is; identity.ts finds the staff member. */
export interface Identity {
  /** `iss`, null when the token has none. */
  issuer: string | null;
  /** `sub`. */
  subject: string;
  /** `email` (trimmed, lowercase) when JWT_MATCH_EMAIL is on and the token says `email_verified: true`; else null. */
  email: string | null;
  /** The three, unambiguously: the viewer cache's key. */
  key: string;
}

export interface VerifiedToken {
  identity: Identity;
  /** Seconds since the epoch (`exp`). */
  expiresAt: number;
}

/** The longest email address (RFC 5321's path limit) considered for matching. */
const MAX_EMAIL = 320;

export function identityOf(payload: JWTPayload, options: { matchEmail?: boolean } = {}): Identity {
  const issuer = typeof payload.iss === 'string' && payload.iss !== '' ? payload.iss : null;
  const subject = payload.sub!;
  const claimed = payload.email;
  const email =
    options.matchEmail && payload.email_verified === true && typeof claimed === 'string' && claimed.length <= MAX_EMAIL && claimed.trim() !== ''
      ? claimed.trim().toLowerCase()
      : null;
  return { issuer, subject, email, key: JSON.stringify([issuer, subject, email]) };
}

export interface TokenVerifier {
  (token: string): Promise<VerifiedToken>;
  /** True when `token` was verified recently and has not expired: no signature to check. */
  isVerified?(token: string): boolean;
}


/** Verified tokens are remembered this long at most (and never past their `exp`). */
const VERIFIED_TTL_MS = 60_000;
const MAX_VERIFIED = 10_000;

export function createTokenVerifier(jwt: Config['jwt']): TokenVerifier {
  const remote = jwt.jwksUrl ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : undefined;
  // A KeyObject: jose then signs with node:crypto directly instead of importing a WebCrypto key per call.
  const secret = jwt.secret ? createSecretKey(Buffer.from(jwt.secret)) : undefined;
  const { maxLifetimeS, clockSkewS } = jwt;
  // The skew covers nbf (and iat below); exp is checked strictly after jose.
  const options = { issuer: jwt.issuer, audience: jwt.audience, requiredClaims: ['exp', 'iat'], clockTolerance: clockSkewS };
  // A client sends the same token with every request: its signature is checked once a minute.
  const verified = new Map<string, { identity: Identity; expiresAt: number; until: number }>();
  const known = (token: string, now: number) => {
    const entry = verified.get(token);
    // `until` is never past exp: an expired token is verified again, and refused.
    return entry && now < entry.until ? entry : undefined;
  };
  const verify: TokenVerifier = async (token) => {
    const now = Date.now();
    const entry = known(token, now);
    if (entry) return { identity: entry.identity, expiresAt: entry.expiresAt };
    const claims = await verifySignature(token);
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
    verified.set(token, { ...claims, until: Math.min(now + VERIFIED_TTL_MS, claims.expiresAt * 1000) });
    return claims;
  };
  verify.isVerified = (token) => known(token, Date.now()) !== undefined;
  const verifySignature = async (token: string): Promise<VerifiedToken> => {
    let payload: JWTPayload;
    try {
      payload = remote
        ? (await jwtVerify(token, remote, options)).payload
        : (await jwtVerify(token, secret!, { ...options, algorithms: ['HS256'] })).payload;
    } catch (error) {
      throw new TokenError(...refusal(error as { code?: string; claim?: string; reason?: string }));
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new TokenError('The access token names no subject (sub)');
    }
    // jose made sure both are numbers.
    const exp = payload.exp!;
    const iat = payload.iat!;
    const nowS = Date.now() / 1000;
    if (exp <= nowS) throw new TokenError('The access token has expired', true);
    if (iat > nowS + clockSkewS) throw new TokenError('The access token was issued in the future (iat)');
    if (exp - iat > maxLifetimeS) {
      throw new TokenError(`The access token lives longer (exp - iat) than the maximum of ${describeSeconds(maxLifetimeS)}`);
    }
    return { identity: identityOf(payload, jwt), expiresAt: exp };
  };
  return verify;
}

function refusal(error: { code?: string; claim?: string; reason?: string }): [string, boolean?] {
  if (error.code === 'ERR_JWT_EXPIRED') return ['The access token has expired', true];
  if (error.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && error.reason === 'missing') {
    if (error.claim === 'exp') return ['The access token has no expiry (exp)'];
    if (error.claim === 'iat') return ['The access token has no issue time (iat)'];
  }
  if (error.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && error.claim === 'nbf') return ['The access token is not valid yet (nbf)'];
  return ['The access token is not valid'];
}

function describeSeconds(s: number): string {
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/**
 * A development/test token for a staff member (HS256), issued now. `subject` is their id, or the
 * subject of their stored external identity (then pass its `issuer`). `expiresIn` as jose reads it: a
 * span ("90s", "2h") or an absolute `exp` (epoch seconds or a Date); default 12 h, the default
 * JWT_MAX_LIFETIME (pass the configured `jwt.maxLifetimeS` where it may be shorter).
 */
export async function signStaffToken(
  subject: string,
  secret: string,
  options: { expiresIn?: string | number | Date; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
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
