// The rate-limit budgets (rate-limiter-flexible). With REDIS_URL every instance counts in the
// same Redis keys (prefixed by the database's name, as the pub/sub channels are); should Redis
// stop answering, each instance falls back to counting in its own memory (the insurance
// limiter): limits hold per instance instead of failing open or refusing everything.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../../env.js';
import type { Logger } from '../../logger.js';
import { Reservations } from './reservations.js';

export type LimitKind = 'ip' | 'auth' | 'mutation' | 'expensive';

/** A refusal: which budget is spent, and when to try again. */
export class RateLimited {
  constructor(
    readonly kind: LimitKind,
    readonly retryAfterS: number,
  ) {}
}

export interface RateLimits {
  readonly mode: 'redis' | 'in-process';
  /** Counts a request (or websocket upgrade) of an address against the coarse per-IP ceiling. */
  request(ip: string): Promise<RateLimited | null>;
  /** Whether an address has spent its failed authentications (it is then not verified). */
  authBlocked(ip: string): Promise<RateLimited | null>;
  authFailed(ip: string): Promise<void>;
  /** Counts `points` of a staff member's mutation or expensive-query budget. */
  consume(kind: 'mutation' | 'expensive', staffId: string, points: number): Promise<RateLimited | null>;
  close(): Promise<void>;
}

/** Redis that does not answer within this long counts as down: the instance counts alone. */
const REDIS_COMMAND_TIMEOUT_MS = 500;

export function createRateLimits(config: RateLimitConfig, options: { redisUrl?: string; namespace: string; log: Logger }): RateLimits {
  const { log } = options;
  // Its own connection: no offline queue, so a command during an outage fails at once (and the
  // insurance limiter answers) instead of waiting for a reconnection.
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: REDIS_COMMAND_TIMEOUT_MS })
    : undefined;
  redis?.on('error', (error) => log.debug({ err: error }, 'rate-limit redis connection error'));

  const duration = config.windowS;
  function limiter(kind: LimitKind, points: number): RateLimiterAbstract | undefined {
    if (points <= 0) return undefined;
    const memory = new RateLimiterMemory({ points, duration, keyPrefix: kind });
    if (!redis) return memory;
    return new RateLimiterRedis({
      storeClient: redis,
      points,
      duration,
      keyPrefix: `casegraph:${options.namespace}:rl:${kind}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }
  const limiters = {
    ip: limiter('ip', config.ipRequests),
    auth: limiter('auth', config.authFailures),
    mutation: limiter('mutation', config.mutations),
    expensive: limiter('expensive', config.expensiveQueries),
  };

  // With Redis, the budgets counted on every request (or every mutation, every search) take
  // their points a block at a time (reservations.ts); failed authentications are counted as they
  // happen.
  const reserve = (limiter: RateLimiterAbstract | undefined, points: number) => (redis && limiter ? new Reservations(limiter, points) : undefined);
  const reserved: Partial<Record<LimitKind, Reservations>> = {
    ip: reserve(limiters.ip, config.ipRequests),
    mutation: reserve(limiters.mutation, config.mutations),
    expensive: reserve(limiters.expensive, config.expensiveQueries),
  };

  async function consume(kind: LimitKind, key: string, points = 1): Promise<RateLimited | null> {
    const budget = limiters[kind];
    if (!budget || points <= 0) return null;
    try {
      const reservations = reserved[kind];
      if (reservations) {
        const refused = await reservations.spend(key, points);
        return refused && new RateLimited(kind, retryAfter(refused));
      }
      await budget.consume(key, points);
      return null;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return new RateLimited(kind, retryAfter(outcome));
      // Not reachable with an insurance limiter in memory; should it happen, serve.
      log.warn({ err: outcome, kind }, 'rate limit could not be counted');
      return null;
    }
  }

  return {
    mode: redis ? 'redis' : 'in-process',
    request: (ip) => consume('ip', ip),
    async authBlocked(ip) {
      const budget = limiters.auth;
      if (!budget) return null;
      const state = await budget.get(ip).catch(() => null);
      return state && state.consumedPoints >= budget.points ? new RateLimited('auth', retryAfter(state)) : null;
    },
    async authFailed(ip) {
      await limiters.auth?.penalty(ip, 1).catch((error: unknown) => log.warn({ err: error }, 'failed authentication could not be counted'));
    },
    consume: (kind, staffId, points) => consume(kind, staffId, points),
    async close() {
      if (!redis) return;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function retryAfter(state: RateLimiterRes): number {
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}
