// Recognises a database that cannot serve now (down, restarting, failing over, the pool
// exhausted) among the errors Prisma, its pg adapter and pg raise, so that clients get a
// typed, retryable SERVICE_UNAVAILABLE instead of an unexpected error (src/http/yoga.ts).

/** Prisma's codes for: cannot reach, timed out, connection closed, pool timeout, transaction not started in time, too many connections. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P1037']);
/** The pg adapter's kinds for the same (driverAdapterError.cause.kind). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** Socket errors, and SQLSTATEs: 08 connection exceptions, 57P01-57P03 shutdown / cannot connect now, 53300 too many connections. */
const CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|08\w{3}|57P0[123]|53300)$/;
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  "Can't reach database server",
  'Unable to start a transaction in the given time',
  'the database system is shutting down',
  'the database system is starting up',
  'terminating connection due to administrator command',
];

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const candidate = error as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof candidate.code === 'string' && (PRISMA_CODES.has(candidate.code) || CODES.test(candidate.code))) return true;
  if (typeof candidate.kind === 'string' && ADAPTER_KINDS.has(candidate.kind)) return true;
  if (candidate.kind === 'postgres' && typeof candidate.code === 'string' && CODES.test(candidate.code)) return true;
  if (typeof candidate.message === 'string' && MESSAGES.some((text) => (candidate.message as string).includes(text))) return true;
  return isDatabaseUnavailable(candidate.cause, depth + 1) || isDatabaseUnavailable(candidate.meta?.driverAdapterError, depth + 1);
}
