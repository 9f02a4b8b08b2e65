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

/** "12h", "30m", "90s" or plain seconds, as whole seconds. */
const duration = (fallback: string, min = 0, max = 365 * 86_400) =>
  z.preprocess(
    (v) => emptyAsUndefined(v) ?? fallback,
    z
      .string()
      .regex(/^\d+\s*(s|m|h|d)?$/, 'must be a duration such as 12h, 30m, 90s or a number of seconds')
      .transform((v) => {
        const [, n, unit] = /^(\d+)\s*(s|m|h|d)?$/.exec(v)!;
        return Number(n) * { s: 1, m: 60, h: 3600, d: 86_400 }[(unit ?? 's') as 's' | 'm' | 'h' | 'd'];
      })
      .pipe(z.number().min(min, `must be at least ${min} s`).max(max, `must be at most ${max} s`)),
  );
/** OTEL_TRACES_SAMPLER's values that make sense for a server (the SDK's names). */
const TRACE_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
/** A rate-limit budget: points per window; 0 turns that limit off. */
const budget = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

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
    /** How long a request waits for a pooled connection, or for its turn to execute, before SERVICE_UNAVAILABLE. */
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
    /** Longest a token may live (exp - iat); `iat` in the future beyond the skew is refused too. */
    // At most 7 days: an access token, not a refresh token (and a socket's expiry timer fits).
    JWT_MAX_LIFETIME: duration('12h', 60, 7 * 86_400),
    JWT_CLOCK_SKEW: duration('60s', 0, 3600),
    /** A token no stored identity names may be matched by its verified email (src/auth/identity.ts). */
    JWT_MATCH_EMAIL: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    /** Client address behind proxies: false = the socket's; true or N = N hops from the right of X-Forwarded-For. */
    TRUST_PROXY: z
      .string()
      .regex(/^(true|false|\d{1,2})$/, 'must be true, false or a number of proxies')
      .default('false')
      .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
    /** Rate limits (src/http/rate-limits/), shared through Redis when REDIS_URL is set. */
    RATE_LIMIT_WINDOW: duration('60s', 1),
    RATE_LIMIT_AUTH_FAILURES: budget(20),
    RATE_LIMIT_MUTATIONS: budget(300),
    RATE_LIMIT_EXPENSIVE_QUERIES: budget(300),
    RATE_LIMIT_IP_REQUESTS: budget(60_000),
    WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
    WS_MAX_PENDING_SOCKETS: z.coerce.number().int().min(1).default(200),
    WS_MAX_SOCKETS_PER_STAFF: z.coerce.number().int().min(1).default(20),
    WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Default: pretty lines in development, JSON otherwise. */
    LOG_FORMAT: z.preprocess(emptyAsUndefined, z.enum(['json', 'pretty']).optional()),
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
    /** Query limits, checked before any work (src/http/limits.ts); README "Limits and production settings". */
    GRAPHQL_MAX_BODY_BYTES: z.coerce.number().int().min(10_000).default(1024 * 1024),
    GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).default(2000),
    GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(10),
    GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(15),
    GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
    GRAPHQL_MAX_COST: z.coerce.number().int().min(100).default(50_000),
    /** Operations executing at once (src/http/execution-limit.ts); default DATABASE_POOL_MAX. */
    GRAPHQL_MAX_CONCURRENT_EXECUTIONS: z.coerce.number().int().min(1).max(1000).optional(),
    /** Introspection and "Did you mean" suggestions; default: on outside production. */
    GRAPHQL_INTROSPECTION: z.preprocess(emptyAsUndefined, z.enum(['true', 'false'], { message: 'must be true or false' }).optional()),
    /** Origins given CORS headers, comma-separated (e.g. https://care.example.org); default none. */
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
      .refine((origins) => origins.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), { message: 'must be origins such as https://care.example.org, comma-separated' }),
    /** Longest a single SQL statement may run (PostgreSQL statement_timeout); 0 = no limit. */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
    /** Disclosure control of `statistics`: counts from 1 to this minus 1 are suppressed (CMS: 1-10). */
    STATISTICS_MIN_CELL: z.coerce.number().int().min(1).max(1000).default(11),
    /** A manifest of sha256 -> document (npm run operations:register): those ids are accepted. */
    PERSISTED_OPERATIONS: z.preprocess(emptyAsUndefined, z.string().optional()),
    /** Only persisted operations run: documents are refused (PERSISTED_QUERY_ONLY). */
    PERSISTED_OPERATIONS_ONLY: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    /** Prometheus metrics at GET /metrics (src/http/metrics.ts); METRICS_TOKEN: only for that bearer. */
    METRICS_ENABLED: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true'),
    METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    /** OpenTelemetry traces over OTLP/HTTP (src/tracing/); off: the SDK is never loaded. The rest are the standard OTEL_* names. */
    TRACING_ENABLED: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http', 'https']),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl(['http', 'https']),
    OTEL_SERVICE_NAME: z.preprocess(emptyAsUndefined, z.string().max(100, 'must be at most 100 characters').default('casegraph')),
    OTEL_TRACES_SAMPLER: z.preprocess(
      emptyAsUndefined,
      z
        .enum(TRACE_SAMPLERS, { message: `must be one of ${TRACE_SAMPLERS.join(', ')}` })
        .default('parentbased_always_on'),
    ),
    OTEL_TRACES_SAMPLER_ARG: z.preprocess(
      emptyAsUndefined,
      z.coerce.number({ message: 'must be a number from 0 to 1' }).min(0, 'must be a number from 0 to 1').max(1, 'must be a number from 0 to 1').optional(),
    ),
    /** Seed a small demo data set into an empty embedded database. */
    SEED_DEMO: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true'),
  })
  .superRefine((env, ctx) => {
    if (env.PERSISTED_OPERATIONS_ONLY && !env.PERSISTED_OPERATIONS) {
      ctx.addIssue({ code: 'custom', path: ['PERSISTED_OPERATIONS'], message: 'must name the manifest when PERSISTED_OPERATIONS_ONLY=true' });
    }
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
  jwt: {
    secret: string | undefined;
    jwksUrl: string | undefined;
    issuer?: string;
    audience?: string;
    /** Seconds: exp - iat at most this. */
    maxLifetimeS: number;
    /** Seconds of clock difference tolerated for iat and nbf (exp is strict). */
    clockSkewS: number;
    /** A token no stored identity names is matched to an unlinked staff member by its verified email, then linked. */
    matchEmail?: boolean;
  };
  /** Hops of X-Forwarded-For to trust (0: the socket's address). */
  trustProxy: number;
  rateLimits: RateLimitConfig;
  logLevel: Env['LOG_LEVEL'];
  logFormat: 'json' | 'pretty';
  seedDemo: boolean;
  metrics: { enabled: boolean; token: string | undefined };
  tracing: TracingConfig;
  realtime: RealtimeConfig;
  graphql: GraphQLConfig;
  databaseStatementTimeoutMs: number;
  statisticsMinCell: number;
  persistedOperations: { manifest: string | undefined; only: boolean };
}

export interface TracingConfig {
  enabled: boolean;
  /** Where spans are POSTed (OTLP/HTTP JSON): the traces endpoint, or the base endpoint + /v1/traces. */
  endpoint: string;
  serviceName: string;
  sampler: (typeof TRACE_SAMPLERS)[number];
  /** The ratio of the traceidratio samplers (OTEL_TRACES_SAMPLER_ARG), 0 to 1. */
  samplerRatio: number;
}

export interface GraphQLConfig {
  /** A request body past this is cut off while it is read (413). */
  maxBodyBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  execution: { concurrency: number; queueTimeoutMs: number };
  /** Introspection and "Did you mean" suggestions. */
  introspection: boolean;
  corsOrigins: string[];
}

/** Points per window; 0 turns a limit off. */
export interface RateLimitConfig {
  windowS: number;
  /** Per IP: refused (not verified) tokens; past it, tokens not already verified are refused. */
  authFailures: number;
  /** Per staff member. */
  mutations: number;
  /** Per staff member: points of expensive fields (src/http/rate-limits/weight.ts). */
  expensiveQueries: number;
  /** Per IP: every HTTP request and websocket upgrade, a coarse ceiling. */
  ipRequests: number;
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
  wsMaxPayloadBytes: number;
  /** Sockets that have not completed connection_init, per instance. */
  wsMaxPendingSockets: number;
  /** Authenticated sockets of one staff member, per instance. */
  wsMaxSocketsPerStaff: number;
  wsConnectionInitTimeoutMs: number;
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
      maxLifetimeS: env.JWT_MAX_LIFETIME,
      clockSkewS: env.JWT_CLOCK_SKEW,
      matchEmail: env.JWT_MATCH_EMAIL,
    },
    trustProxy: env.TRUST_PROXY,
    rateLimits: {
      windowS: env.RATE_LIMIT_WINDOW,
      authFailures: env.RATE_LIMIT_AUTH_FAILURES,
      mutations: env.RATE_LIMIT_MUTATIONS,
      expensiveQueries: env.RATE_LIMIT_EXPENSIVE_QUERIES,
      ipRequests: env.RATE_LIMIT_IP_REQUESTS,
    },
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
    seedDemo: env.SEED_DEMO,
    metrics: { enabled: env.METRICS_ENABLED, token: env.METRICS_TOKEN },
    tracing: {
      enabled: env.TRACING_ENABLED,
      // As the OTLP exporters read these: the signal's own endpoint as given, the base one + /v1/traces.
      endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`,
      serviceName: env.OTEL_SERVICE_NAME,
      sampler: env.OTEL_TRACES_SAMPLER,
      samplerRatio: env.OTEL_TRACES_SAMPLER_ARG ?? 1,
    },
    graphql: {
      maxBodyBytes: env.GRAPHQL_MAX_BODY_BYTES,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
      maxCost: env.GRAPHQL_MAX_COST,
      execution: { concurrency: env.GRAPHQL_MAX_CONCURRENT_EXECUTIONS ?? env.DATABASE_POOL_MAX, queueTimeoutMs: env.DATABASE_POOL_TIMEOUT_MS },
      introspection: env.GRAPHQL_INTROSPECTION ? env.GRAPHQL_INTROSPECTION === 'true' : env.NODE_ENV !== 'production',
      corsOrigins: env.CORS_ORIGINS,
    },
    databaseStatementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    statisticsMinCell: env.STATISTICS_MIN_CELL,
    persistedOperations: { manifest: env.PERSISTED_OPERATIONS, only: env.PERSISTED_OPERATIONS_ONLY },
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
      wsMaxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
      wsMaxPendingSockets: env.WS_MAX_PENDING_SOCKETS,
      wsMaxSocketsPerStaff: env.WS_MAX_SOCKETS_PER_STAFF,
      wsConnectionInitTimeoutMs: env.WS_CONNECTION_INIT_TIMEOUT_MS,
    },
  };
}
