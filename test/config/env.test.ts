import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/env.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has working defaults for a newcomer: embedded database, in-process pub/sub, port 4000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', port: 4000, databaseUrl: undefined, redisUrl: undefined });
    expect(config.jwt.secret).toBeTruthy();
  });

  it('names each bad variable with what was wrong and what it got', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', REDIS_URL: 'localhost:6379' });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('PORT:'))).toContain('"eighty"');
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toContain('postgresql://');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('REDIS_URL:'))).toContain('redis://');
  });

  it('refuses an out-of-range port', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT: must be 0 \(any free port\) to 65535/);
  });

  it('requires a signing secret or a JWKS URL in production, and a long enough secret', () => {
    expect(problemsOf({ NODE_ENV: 'production' })[0]).toMatch(/^JWT_SECRET: is required in production/);
    expect(problemsOf({ JWT_SECRET: 'short' })[0]).toMatch(/^JWT_SECRET: must be at least 32 characters/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example/jwks' }).jwt.secret).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '' })).toMatchObject({ databaseUrl: undefined, redisUrl: undefined });
  });

  it('reads tracing from TRACING_ENABLED and the standard OTEL_* names, off by default', () => {
    expect(loadConfig({}).tracing).toEqual({
      enabled: false, endpoint: 'http://localhost:4318/v1/traces', serviceName: 'casegraph', sampler: 'parentbased_always_on', samplerRatio: 1,
    });
    const on = loadConfig({
      TRACING_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/', OTEL_SERVICE_NAME: 'casegraph-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing;
    expect(on).toEqual({ enabled: true, endpoint: 'https://collector.example:4318/v1/traces', serviceName: 'casegraph-eu', sampler: 'parentbased_traceidratio', samplerRatio: 0.25 });
    // The signal's own endpoint is used as it is.
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' }).tracing.endpoint).toBe('http://b:4318/traces');
  });

  it('names each bad tracing setting', () => {
    const problems = problemsOf({
      TRACING_ENABLED: 'yes', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_SAMPLER_ARG: '2',
    });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('TRACING_ENABLED:'))).toContain('true or false');
    expect(problems.find((p) => p.startsWith('OTEL_EXPORTER_OTLP_ENDPOINT:'))).toContain('http://');
    expect(problems.find((p) => p.startsWith('OTEL_TRACES_SAMPLER:'))).toContain('parentbased_always_on');
    expect(problems.find((p) => p.startsWith('OTEL_TRACES_SAMPLER_ARG:'))).toContain('from 0 to 1');
  });
});
