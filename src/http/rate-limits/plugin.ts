// Where the budgets are spent and refusals answered: HTTP 429 with Retry-After and a GraphQL
// error `extensions: { code: 'RATE_LIMITED', retryAfter }` (seconds).
//   - onRequest (HTTP and server-sent events, before parsing): the per-IP ceiling, and an
//     address that spent its failed authentications sending a token not already verified;
//   - the token verifier: each refused token (not an expired one) counts against its address;
//   - onExecute: a staff member's mutations and expensive queries (websockets: websocket.ts
//     checks the same at subscribe, answering with an `error` message).
import { GraphQLError, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { extractBearer, TokenError, type TokenVerifier } from '../../auth/tokens.js';
import type { Viewer } from '../../auth/viewer.js';
import { currentClientIp } from './client-ip.js';
import type { LimitKind, RateLimited, RateLimits } from './limits.js';
import { operationWeight } from './weight.js';

const REFUSALS: Record<LimitKind, string> = {
  ip: 'Too many requests from this address',
  auth: 'Too many failed authentications from this address',
  mutation: 'Too many mutations',
  expensive: 'Too many expensive queries (search, network, reports, matching)',
};

export function rateLimitMessage(limited: RateLimited): string {
  return `${REFUSALS[limited.kind]}: retry in ${limited.retryAfterS} s`;
}

/** The error of a refusal; `http` adds the 429 status and Retry-After header (yoga applies them). */
export function rateLimitedError(limited: RateLimited, options: { http: boolean }): GraphQLError {
  const extensions: Record<string, unknown> = { code: 'RATE_LIMITED', retryAfter: limited.retryAfterS };
  if (options.http) extensions.http = { status: 429, headers: { 'Retry-After': String(limited.retryAfterS) } };
  return new GraphQLError(rateLimitMessage(limited), { extensions });
}

function rateLimitedResponse(limited: RateLimited): Response {
  const body = { errors: [{ message: rateLimitMessage(limited), extensions: { code: 'RATE_LIMITED', retryAfter: limited.retryAfterS } }] };
  return new Response(JSON.stringify(body), {
    status: 429,
    headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(limited.retryAfterS) },
  });
}

/** The budget an operation spends, if any: mutations one point, queries their expensive fields. */
export function spendOperation(
  limits: RateLimits,
  staffId: string,
  operation: { document: DocumentNode; operationName?: string | null; variables?: Record<string, unknown> | null },
): Promise<RateLimited | null> {
  const weight = operationWeight(operation.document, operation.operationName, operation.variables);
  if (weight.kind === 'mutation') return limits.consume('mutation', staffId, 1);
  if (weight.expensive > 0) return limits.consume('expensive', staffId, weight.expensive);
  return Promise.resolve(null);
}

/** Refused before verifying: an address out of failed authentications, with an unknown token. */
export async function refuseUnverified(limits: RateLimits, verifyToken: TokenVerifier, ip: string, authorization: unknown): Promise<RateLimited | null> {
  if (authorization === undefined || authorization === null || authorization === '') return null;
  const token = extractBearer(authorization);
  if (token && verifyToken.isVerified?.(token)) return null;
  return limits.authBlocked(ip);
}

/** Counts each refused token against the address being served (an expired one is no attack). */
export function countAuthFailures(verify: TokenVerifier, limits: RateLimits): TokenVerifier {
  const counted: TokenVerifier = async (token) => {
    try {
      return await verify(token);
    } catch (error) {
      const ip = currentClientIp();
      if (ip && error instanceof TokenError && !error.expired) await limits.authFailed(ip);
      throw error;
    }
  };
  counted.isVerified = verify.isVerified;
  return counted;
}

export function useRateLimits(limits: RateLimits, verifyToken: TokenVerifier): Plugin {
  return {
    async onRequest({ request, endResponse }) {
      const ip = currentClientIp();
      if (!ip) return;
      const limited = (await limits.request(ip)) ?? (await refuseUnverified(limits, verifyToken, ip, request.headers.get('authorization')));
      if (limited) endResponse(rateLimitedResponse(limited));
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as { viewer?: Viewer | null; socketViewer?: Viewer };
      // Over a websocket the check ran at subscribe (websocket.ts); no viewer: nothing to spend.
      if (context.socketViewer || !context.viewer) return;
      const limited = await spendOperation(limits, context.viewer.id, {
        document: args.document,
        operationName: args.operationName,
        variables: args.variableValues as Record<string, unknown> | null | undefined,
      });
      if (limited) setResultAndStopExecution({ errors: [rateLimitedError(limited, { http: true })] });
    },
  };
}
