import { GraphQLError } from 'graphql';
import { extractBearer, TokenError, type Identity, type TokenVerifier } from './tokens.js';
import type { Viewer } from './viewer.js';
import { viewerCache } from './viewer-cache.js';

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/**
 * The viewer for an Authorization value: null when none was sent (root fields then answer
 * UNAUTHENTICATED, introspection still works); a 401 error for a bad, expired or unknown one.
 * HTTP, server-sent events, statistics exports and websockets' connection_init all come here.
 */
export async function authenticate(authorization: unknown, verify: TokenVerifier): Promise<Viewer | null> {
  return (await authenticateIdentity(authorization, verify))?.viewer ?? null;
}

/** As authenticate, with the identity the token named (a websocket rechecks it, staff-recheck.ts). */
export async function authenticateIdentity(authorization: unknown, verify: TokenVerifier): Promise<{ viewer: Viewer; identity: Identity } | null> {
  if (authorization === undefined || authorization === null || authorization === '') return null;
  const token = extractBearer(authorization);
  if (!token) throw unauthenticated('The Authorization header must be "Bearer <token>"');
  let claims;
  try {
    claims = await verify(token);
  } catch (error) {
    if (error instanceof TokenError) throw unauthenticated(error.message);
    throw error;
  }
  // Whom the token's identity names (src/auth/identity.ts); nobody, or someone inactive, is
  // refused alike. A genuine token of someone without an account is no attack: not counted.
  const viewer = await viewerCache.get(claims.identity, claims.expiresAt);
  if (!viewer) throw unauthenticated('The access token names no active staff member');
  return { viewer, identity: claims.identity };
}
