// Structured logs (pino). What may be logged: request id, staff id, operation name and type,
// error names and codes, stack frames, counts and timings. Never query text, variables, a
// client's name, contact, identifier or free text, nor an error's message (src/http/yoga.ts,
// docs/CONVENTIONS.md): messages quote what they failed on (a GraphQL syntax error quotes the
// document, a database error the values, a pg error's `detail` the key).
import { pino, type Logger } from 'pino';

export type { Logger };

/** Fields of an error that name code or schema, never data. */
const SAFE_FIELDS = ['code', 'errno', 'syscall', 'severity', 'routine', 'table', 'column', 'constraint', 'schema'] as const;

interface LoggedError {
  type: string;
  message?: string;
  stack?: string;
  cause?: LoggedError;
  errors?: LoggedError[];
  [field: string]: unknown;
}

/**
 * An error as it may be logged: its name, codes, and the frames of its stack. The message is
 * kept only for a Node system error (it has a `syscall`: "connect ECONNREFUSED 127.0.0.1:6379"),
 * which is about the machine, not a request. The stack's first lines repeat the message: only
 * its "at ..." frames are kept.
 */
export function serializeError(value: unknown, depth = 0): LoggedError | unknown {
  if (!(value instanceof Error)) {
    return value === null || typeof value !== 'object' ? { type: typeof value } : { type: 'non-error object' };
  }
  const error = value as Error & Record<string, unknown>;
  const logged: LoggedError = { type: error.name || error.constructor?.name || 'Error' };
  for (const field of SAFE_FIELDS) {
    const v = error[field];
    if (typeof v === 'string' || typeof v === 'number') logged[field] = typeof v === 'string' ? v.slice(0, 100) : v;
  }
  if (typeof error.syscall === 'string') logged.message = error.message;
  // Prisma wraps the database's error: its kind and SQLSTATE (e.g. 23514), never its message.
  const adapterCause = (error.meta as { driverAdapterError?: { cause?: Record<string, unknown> } } | undefined)?.driverAdapterError?.cause;
  if (adapterCause) {
    logged.dbErrorKind = typeof adapterCause.kind === 'string' ? adapterCause.kind : undefined;
    logged.dbErrorCode = typeof adapterCause.originalCode === 'string' ? adapterCause.originalCode : undefined;
  }
  if (typeof error.stack === 'string') {
    logged.stack = error.stack
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .join('\n');
  }
  if (depth < 3) {
    if (error.cause !== undefined) logged.cause = serializeError(error.cause, depth + 1) as LoggedError;
    if (Array.isArray(error.errors)) logged.errors = error.errors.slice(0, 5).map((e) => serializeError(e, depth + 1) as LoggedError);
  }
  return logged;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'casegraph' },
    // Never log credentials that may ride along in a logged object.
    redact: ['req.headers.authorization', '*.authorization', '*.password', '*.token'],
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      // `log.error(error)` would make the error's message the line's message: log it as `err`.
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        if (first instanceof Error) {
          const message = rest.find((arg) => typeof arg === 'string') ?? 'error';
          return method.apply(this, [{ err: first }, message] as never);
        }
        return method.apply(this, args);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
