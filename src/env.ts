// Configuration from the environment, validated once at boot. A bad variable stops the
// process with one line per problem that names the variable.
import { z } from 'zod';

const DEV_JWT_SECRET = 'casegraph-development-secret-change-me';

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalUrl = (protocols: string[]) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
        message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
      })
      .optional(),
  );

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce
      .number({ message: 'must be a port number' })
      .int('must be a whole number')
      .min(0, 'must be 0 (any free port) to 65535')
      .max(65535, 'must be 0 (any free port) to 65535')
      .default(4000),
    DATABASE_URL: optionalUrl(['postgresql', 'postgres']),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    /** How long a request waits for a pooled connection before SERVICE_UNAVAILABLE. */
    DATABASE_POOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
    REDIS_URL: optionalUrl(['redis', 'rediss']),
    /** Where the embedded database lives when DATABASE_URL is unset. */
    DATA_DIR: z.string().min(1).default('.data'),
    JWT_SECRET: z.preprocess(
      emptyAsUndefined,
      z.string().min(32, 'must be at least 32 characters').optional(),
    ),
    JWT_JWKS_URL: optionalUrl(['https', 'http']),
    JWT_ISSUER: z.preprocess(emptyAsUndefined, z.string().optional()),
    JWT_AUDIENCE: z.preprocess(emptyAsUndefined, z.string().optional()),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Real-time delivery (src/realtime/): outbox relay, escalation, retention, sockets. */
    RELAY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
    RELAY_GAP_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(200),
    RELAY_GAP_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
    RELAY_LEADER_RETRY_MS: z.coerce.number().int().min(50).max(600_000).default(2000),
    OUTBOX_RETENTION_DAYS: z.coerce.number().min(0.0001).max(3650).default(30),
    OUTBOX_PRUNE_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000),
    ESCALATION_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(5000),
    OVERDUE_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(60_000),
    NO_CONTACT_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    WS_KEEPALIVE_MS: z.coerce.number().int().min(0).max(600_000).default(12_000),
    WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
    WS_MAX_QUEUED_EVENTS: z.coerce.number().int().min(1).default(1000),
    WS_STAFF_RECHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120_000).default(5000),
    /** Seed a small demo data set into an empty embedded database. */
    SEED_DEMO: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET && !env.JWT_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'is required in production (or set JWT_JWKS_URL)',
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  databasePoolTimeoutMs: number;
  redisUrl: string | undefined;
  dataDir: string;
  jwt: { secret: string | undefined; jwksUrl: string | undefined; issuer?: string; audience?: string };
  logLevel: Env['LOG_LEVEL'];
  seedDemo: boolean;
  realtime: RealtimeConfig;
}

export interface RealtimeConfig {
  /** Fallback outbox poll when no NOTIFY wakes the relay. */
  relayPollMs: number;
  /** How long an id gap must stay open before the relay looks at who could still fill it. */
  relayGapGraceMs: number;
  /** Longest an outbox id may stay uncommitted; also the relay's restart look-back. */
  relayGapTimeoutMs: number;
  relayLeaderRetryMs: number;
  outboxRetentionDays: number;
  outboxPruneIntervalMs: number;
  escalationPollMs: number;
  /** How often overdue work (no contact, referrals, follow-ups, reviews, tasks) is announced. */
  overduePollMs: number;
  /** Days without an interaction before an open case is announced as NO_CONTACT. */
  noContactDays: number;
  wsKeepAliveMs: number;
  wsMaxBufferedBytes: number;
  wsMaxQueuedEvents: number;
  wsStaffRecheckMs: number;
  shutdownDrainMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || 'environment';
        const value = source[name];
        return `${name}: ${issue.message}${value !== undefined ? ` (got "${value}")` : ''}`;
      }),
    );
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    databasePoolMax: env.DATABASE_POOL_MAX,
    databasePoolTimeoutMs: env.DATABASE_POOL_TIMEOUT_MS,
    redisUrl: env.REDIS_URL,
    dataDir: env.DATA_DIR,
    jwt: {
      // Development and test fall back to a well-known secret so tokens work out of the box.
      secret: env.JWT_SECRET ?? (env.NODE_ENV === 'production' ? undefined : DEV_JWT_SECRET),
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    logLevel: env.LOG_LEVEL,
    seedDemo: env.SEED_DEMO,
    realtime: {
      relayPollMs: env.RELAY_POLL_MS,
      relayGapGraceMs: env.RELAY_GAP_GRACE_MS,
      relayGapTimeoutMs: env.RELAY_GAP_TIMEOUT_MS,
      relayLeaderRetryMs: env.RELAY_LEADER_RETRY_MS,
      outboxRetentionDays: env.OUTBOX_RETENTION_DAYS,
      outboxPruneIntervalMs: env.OUTBOX_PRUNE_INTERVAL_MS,
      escalationPollMs: env.ESCALATION_POLL_MS,
      overduePollMs: env.OVERDUE_POLL_MS,
      noContactDays: env.NO_CONTACT_DAYS,
      wsKeepAliveMs: env.WS_KEEPALIVE_MS,
      wsMaxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      wsMaxQueuedEvents: env.WS_MAX_QUEUED_EVENTS,
      wsStaffRecheckMs: env.WS_STAFF_RECHECK_MS,
      shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    },
  };
}
