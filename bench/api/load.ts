// One load run: autocannon against one target at one concurrency, with the server process's
// CPU time (/proc/<pid>/stat before and after) and resident memory (VmRSS sampled) meanwhile,
// and the CPU time of the machine's PostgreSQL processes.
import autocannon from 'autocannon';
import { cpuMs, databaseCpuMs, sampleRss } from './processes.js';

/** Requests per second the server got through, answered or not, drain included. */
export function throughput(figures: RunFigures): number {
  return figures.sent / Math.max(0.001, figures.seconds + figures.drainMs / 1000);
}

export interface Target {
  /** Row label: an operation or a floor. */
  name: string;
  url: string;
  /** The process that answers (CPU and memory are read from it). */
  pid: number;
  headers: Record<string, string>;
  /** The request body; called per request when the input varies (mutations). */
  body: string | (() => string);
  /** false: the answer is not a success (GraphQL errors, typed mutation error). */
  verify: (body: string) => boolean;
}

export interface RunFigures {
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests written: the completed ones and those still in flight when the run ended. */
  sent: number;
  /** How long the server took to finish those after the run. */
  drainMs: number;
  /** Server CPU time from the start of the run until the server finished what it was sent. */
  cpuMs: number;
  /** cpuMs over requests sent. */
  cpuMsPerRequest: number;
  /** PostgreSQL's CPU time over the same span (processes.ts: null with no local PostgreSQL). */
  databaseCpuMs: number | null;
  /** databaseCpuMs over requests sent. */
  databaseCpuMsPerRequest: number | null;
  peakRssMiB: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx answers that failed `verify` (GraphQL errors, typed mutation errors). */
  badAnswers: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the process has finished what the run left in flight (autocannon stops on time
 * and drops unanswered requests, which the server still executes): its CPU quiet and, when
 * given, the database idle, twice in a row. Returns the ms waited (capped at `maxMs`).
 */
async function drain(pid: number, databaseIdle: (() => Promise<boolean>) | undefined, maxMs = 60_000): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  while (quiet < 2 && performance.now() - started < maxMs) {
    const before = cpuMs(pid);
    await sleep(150);
    const busy = cpuMs(pid) - before > 15 || (databaseIdle ? !(await databaseIdle()) : false);
    quiet = busy ? 0 : quiet + 1;
  }
  return Math.round(performance.now() - started);
}

/**
 * A run of `amount` requests (each connection sends its share and waits for every answer: nothing
 * is left in flight) or of `seconds` (autocannon stops on time and drops what is unanswered:
 * the warm-up). Then waits for the server to be idle again, so no run pays for the one before.
 */
export async function runLoad(
  target: Target,
  connections: number,
  length: { amount: number } | { seconds: number },
  databaseIdle?: () => Promise<boolean>,
): Promise<RunFigures> {
  const url = new URL(target.url);
  const body = target.body;
  const request: autocannon.Request = { method: 'POST', path: url.pathname, headers: target.headers };
  if (typeof body === 'string') request.body = body;
  else request.setupRequest = (req) => ({ ...req, body: body() });

  const stopSampling = sampleRss(target.pid);
  const cpuBefore = cpuMs(target.pid);
  const databaseBefore = databaseCpuMs();
  const result = await autocannon({
    url: url.origin,
    connections,
    ...('amount' in length ? { amount: Math.max(length.amount, connections) } : { duration: length.seconds }),
    // A burst of slow operations at 50 connections queues for long: a timeout is a failure.
    timeout: 180,
    requests: [request],
    verifyBody: target.verify,
  });
  const drainMs = await drain(target.pid, databaseIdle);
  // The CPU of every request sent, those still in flight at the end included (drained above).
  const cpuAfter = cpuMs(target.pid);
  const databaseAfter = databaseCpuMs();
  const database = databaseBefore === null || databaseAfter === null ? null : databaseAfter - databaseBefore;
  const peakRssMiB = stopSampling();
  const requests = result.requests.total;
  const sent = Math.max(result.requests.sent, requests);
  const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    connections,
    seconds: result.duration,
    requests,
    rps: round(requests / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMs: round(cpuAfter - cpuBefore),
    cpuMsPerRequest: sent > 0 ? round((cpuAfter - cpuBefore) / sent, 2) : NaN,
    databaseCpuMs: database === null ? null : round(database),
    databaseCpuMsPerRequest: database === null || sent === 0 ? null : round(database / sent, 2),
    sent,
    drainMs,
    peakRssMiB: round(peakRssMiB),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    badAnswers: result.mismatches,
  };
}
