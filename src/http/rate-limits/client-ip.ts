// The client's address, for per-IP limits. Without TRUST_PROXY the socket's peer; behind N
// trusted proxies, the address the outermost of them received from: each proxy appends its
// peer to X-Forwarded-For, so that is the N-th entry from the right (entries further left are
// whatever the client wrote, and cannot be trusted).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';

export function clientIpOf(req: IncomingMessage, trustedProxies: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedProxies <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  if (hops.length === 0) return peer;
  return hops[Math.max(0, hops.length - trustedProxies)]!;
}

// The address of the request (or socket) being served, for code that runs inside it without a
// handle on the request: the token verifier counts failed authentications by it.
const scope = new AsyncLocalStorage<string>();

export function withClientIp<T>(ip: string, run: () => T): T {
  return scope.run(ip, run);
}

export function currentClientIp(): string | undefined {
  return scope.getStore();
}
