// Structured logs (pino). What may be logged: request id, staff id, operation name and type,
// error names and codes, stack frames, counts and timings. Never query text, variables, a
// client's name, contact, identifier or free text, nor an error's message (src/http/yoga.ts,
// docs/CONVENTIONS.md): messages quote what they failed on (a GraphQL syntax error quotes the
// document, a database error the values, a pg error's `detail` the key).
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export type LogFormat = 'json' | 'pretty';

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

/** `output`: JSON lines on stdout, plain lines for a developer (LOG_FORMAT), or a stream of JSON lines (tests). */
export function createLogger(level: string, output: LogFormat | DestinationStream = 'json'): Logger {
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
  if (output === 'json') return pino(options);
  return pino(options, output === 'pretty' ? prettyDestination() : output);
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'err']);

/**
 * Development: `12:04:05.123 INFO  message key=value ...`, one line per event (an error's stack
 * indented below it), from the JSON line pino writes. Production stays JSON.
 */
function prettyDestination(out: NodeJS.WritableStream = process.stdout): DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const time = new Date(entry.time as number).toISOString().slice(11, 23);
      const fields = Object.entries(entry)
        // A value the message already says is not repeated.
        .filter(([key, value]) => !OMIT.has(key) && value !== undefined && !(typeof value === 'string' && String(entry.msg).includes(value)))
        .map(([key, value]) => `${key}=${formatValue(value)}`);
      const err = entry.err as { type?: string; message?: string; stack?: string } | undefined;
      const head = [time, LEVELS[entry.level as number] ?? String(entry.level), entry.msg ?? '', ...fields].join(' ');
      const stack = err ? `\n    ${(err.stack ?? `${err.type}: ${err.message}`).split('\n').join('\n    ')}` : '';
      out.write(`${head}${stack}\n`);
    },
  };
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}
