// Websocket admission over real sockets (raw `ws` and graphql-ws's createClient): maxPayload,
// the cap on sockets awaiting connection_init, the cap on sockets per staff member, the
// connection-init timeout and failed authentications per address. Caps are set low so that the
// table's "500 sockets" and "64 MiB" cost a handful of sockets and a few MiB here.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';
import { createOrganization, createStaff } from '../support/factories.js';

// Two instances over one database (a process opens one): one with low caps, one with defaults.
let cluster: Cluster;
let capped: Instance;
let plain: Instance;
let orgId: string;
const tokenFor = (staffId: string, options?: { expiresIn?: string }) => cluster.tokenFor(staffId, options);

beforeAll(async () => {
  cluster = await startCluster('ws_limits', { instances: 0 });
  [capped, plain] = await Promise.all([
    cluster.addInstance({
      TRUST_PROXY: 'true',
      WS_MAX_PENDING_SOCKETS: '5',
      WS_MAX_SOCKETS_PER_STAFF: '2',
      // Pending sockets must outlive a slow test here; the timeout has its own instance below.
      WS_CONNECTION_INIT_TIMEOUT_MS: '60000',
      RATE_LIMIT_AUTH_FAILURES: '3',
      RATE_LIMIT_WINDOW: '1h',
    }),
    cluster.addInstance({ WS_CONNECTION_INIT_TIMEOUT_MS: '1000' }),
  ]);
  orgId = (await createOrganization()).id;
});
afterAll(() => cluster?.stop());

let lastIp = 0;
const freshIp = () => `192.0.2.${++lastIp}`;
const sockets: WebSocket[] = [];
afterAll(() => sockets.forEach((socket) => socket.terminate()));

/** A raw socket speaking graphql-transport-ws, open. */
async function rawSocket(t: Instance, ip = '192.0.2.200'): Promise<WebSocket> {
  const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws', { headers: { 'x-forwarded-for': ip } });
  sockets.push(socket);
  socket.on('error', () => {});
  await new Promise((resolve, reject) => socket.once('open', resolve).once('close', (code) => reject(new Error(`closed with ${code}`))));
  return socket;
}

function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

function nextMessage(socket: WebSocket): Promise<any> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
}

/** A graphql-ws client whose socket comes from `ip` (X-Forwarded-For). */
function wsFrom(t: Instance, ip: string, token: string, on: Record<string, (...args: any[]) => void> = {}): Client {
  class FromIp extends WebSocket {
    constructor(url: string, protocols: string | string[]) {
      super(url, protocols, { headers: { 'x-forwarded-for': ip } });
    }
  }
  return t.ws(token, { webSocketImpl: FromIp, on });
}

function connected(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event: any) => reject(new Error(`closed with ${event.code}: ${event.reason}`)));
  });
}

function closedEvent(client: Client): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => client.on('closed', (event: any) => resolve({ code: event.code, reason: event.reason })));
}

async function askMe(client: Client): Promise<string> {
  return new Promise((resolve, reject) => {
    client.subscribe({ query: '{ me { id } }' }, { next: (result: any) => resolve(result.data.me.id), error: reject, complete: () => {} });
  });
}

describe('maxPayload (WS_MAX_PAYLOAD_BYTES, 1 MiB by default)', () => {
  it('closes a socket sending a connection_init 2 MiB over the cap with 1009, and goes on serving', async () => {
    const socket = await rawSocket(plain);
    const closed = closeOf(socket);
    const padding = 'x'.repeat(3 * 1024 * 1024);
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer x', padding } }));
    expect((await closed).code).toBe(1009);
    const staff = await createStaff(orgId);
    const client = plain.ws(await tokenFor(staff.id));
    expect(await askMe(client)).toBeTruthy();
  });

  it('accepts a message under the cap', async () => {
    const staff = await createStaff(orgId);
    const socket = await rawSocket(plain);
    const answer = nextMessage(socket);
    const padding = 'x'.repeat(512 * 1024);
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${await tokenFor(staff.id)}`, padding } }));
    expect(await answer).toEqual({ type: 'connection_ack' });
    socket.close();
  });
});

describe('connection-init timeout (WS_CONNECTION_INIT_TIMEOUT_MS)', () => {
  it('closes a socket that never sends connection_init with 4408', async () => {
    const socket = await rawSocket(plain);
    expect(await closeOf(socket)).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
  });
});

describe('sockets awaiting connection_init (WS_MAX_PENDING_SOCKETS=5 here, 200 by default)', () => {
  it('closes the sixth with 1013, admits again once one has authenticated, and HTTP goes on', async () => {
    const waiting = await Promise.all(Array.from({ length: 5 }, () => rawSocket(capped)));
    const sixth = await rawSocket(capped);
    expect(await closeOf(sixth)).toEqual({ code: 1013, reason: 'Too many sockets awaiting connection_init: try again later' });
    expect(waiting.every((socket) => socket.readyState === WebSocket.OPEN)).toBe(true);
    const served = await fetch(capped.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await served.json()).toEqual({ data: { __typename: 'Query' } });

    // One of them authenticates: a place is free.
    const staff = await createStaff(orgId);
    const ack = nextMessage(waiting[0]!);
    waiting[0]!.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${await tokenFor(staff.id)}` } }));
    expect(await ack).toEqual({ type: 'connection_ack' });
    const next = await rawSocket(capped);
    const answer = nextMessage(next);
    next.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${await tokenFor(staff.id)}` } }));
    expect(await answer).toEqual({ type: 'connection_ack' });
    for (const socket of [...waiting, next]) socket.close();
  });
});

describe('sockets per staff member (WS_MAX_SOCKETS_PER_STAFF=2 here, 20 by default)', () => {
  it('closes a third socket of one staff member with 4429; others are not concerned; a closed one frees its place', async () => {
    const staff = await createStaff(orgId);
    const other = await createStaff(orgId);
    const token = await tokenFor(staff.id);
    const ip = freshIp();
    const first = wsFrom(capped, ip, token);
    const second = wsFrom(capped, ip, token);
    await Promise.all([connected(first), connected(second)]);
    const third = wsFrom(capped, ip, token);
    expect(await closedEvent(third)).toEqual({ code: 4429, reason: 'Too many sockets for this staff member (2)' });
    expect(await askMe(wsFrom(capped, ip, await tokenFor(other.id)))).toBeTruthy();
    expect(await askMe(second)).toBeTruthy();

    const open = capped.app.socketCount;
    await first.dispose();
    await waitFor(() => capped.app.socketCount < open, { what: 'the server to see the socket closed' });
    const fourth = await waitFor(async () => {
      const client = wsFrom(capped, ip, token);
      try {
        await connected(client);
        return client;
      } catch {
        return null;
      }
    });
    expect(await askMe(fourth)).toBeTruthy();
  });
});

describe('failed authentications per address over graphql-ws (RATE_LIMIT_AUTH_FAILURES=3 here)', () => {
  it('closes 3 badly signed connection_inits with 4401, then refuses with 4429 before verifying', async () => {
    const staff = await createStaff(orgId);
    const ip = freshIp();
    const bad = await new SignJWT({ sub: staff.id }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(40)));
    for (let i = 0; i < 3; i += 1) {
      const closed = await closedEvent(wsFrom(capped, ip, bad));
      expect(closed).toEqual({ code: 4401, reason: 'The access token is not valid' });
    }
    // A genuine token never verified: refused all the same from this address, not from another.
    const genuine = await tokenFor(staff.id, { expiresIn: '3h' });
    const refused = await closedEvent(wsFrom(capped, ip, genuine));
    expect(refused.code).toBe(4429);
    expect(refused.reason).toMatch(/^Too many failed authentications from this address: retry in \d+ s$/);
    expect(await askMe(wsFrom(capped, freshIp(), genuine))).toBeTruthy();
  });
});
