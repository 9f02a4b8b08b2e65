import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'casegraph' },
    // Never log credentials that may ride along in a logged object.
    redact: ['req.headers.authorization', '*.authorization', '*.password', '*.token'],
  });
}
