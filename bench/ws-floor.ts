// The floor under subscription fan-out on this machine: a bare `ws` server (no GraphQL, no
// database, no Redis) sending one ready-made frame of an event's size to N open sockets, and the
// time until each socket has it. bench:subscriptions measures Casegraph's fan-out (commit to
// delivery); this is what the same number of sockets costs with nothing else in the way, so its
// figures read as a ratio to this floor.
//
//   BENCH_SUBSCRIBERS=10000 BENCH_EVENTS=10 npm run bench:ws-floor
//
// The server is a child process (its CPU is its own), in its own process group.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { cpuMs, freePort } from './api/processes.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10);
const FRAME_BYTES = 330; // a caseUpdates event as Casegraph sends it (graphql-ws "next" message)
const CONNECT_CONCURRENCY = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The server side: on "go" from the controlling socket, one frame to every other socket. */
function serve(port: number): void {
  const frame = JSON.stringify({ type: 'next', id: '1', payload: { data: { pad: 'x'.repeat(FRAME_BYTES - 60) } } });
  const server = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
  server.on('connection', (socket, request) => {
    if (request.url !== '/control') return;
    socket.on('message', () => {
      for (const client of server.clients) if (client !== socket) client.send(frame);
    });
  });
  server.on('listening', () => process.send?.('listening'));
}

async function main(): Promise<void> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', String(port)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('exit', stop);
  await new Promise<void>((resolve) => child.on('message', () => resolve()));

  const url = `ws://127.0.0.1:${port}`;
  const sockets: WebSocket[] = [];
  let received = 0;
  let sentAt = 0;
  const delays: number[] = [];
  let allReceived: () => void = () => {};
  const onFrame = () => {
    delays.push(performance.now() - sentAt);
    received += 1;
    if (received === SUBSCRIBERS) allReceived();
  };
  for (let i = 0; i < SUBSCRIBERS; i += CONNECT_CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(CONNECT_CONCURRENCY, SUBSCRIBERS - i) }, () =>
        new Promise<void>((resolve, reject) => {
          const socket = new WebSocket(url, { perMessageDeflate: false });
          socket.on('open', () => resolve());
          socket.on('error', reject);
          socket.on('message', onFrame);
          sockets.push(socket);
        }),
      ),
    );
  }
  const control = new WebSocket(`${url}/control`);
  await new Promise((resolve) => control.on('open', resolve));

  const lastPerEvent: number[] = [];
  const cpuBefore = cpuMs(child.pid!);
  for (let event = 0; event < EVENTS; event += 1) {
    received = 0;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    sentAt = performance.now();
    control.send('go');
    await done;
    lastPerEvent.push(performance.now() - sentAt);
  }
  const cpuPerEvent = (cpuMs(child.pid!) - cpuBefore) / EVENTS;
  delays.sort((a, b) => a - b);
  lastPerEvent.sort((a, b) => a - b);
  console.log(
    `bare ws fan-out floor: ${SUBSCRIBERS.toLocaleString('en-US')} sockets × ${EVENTS} events of ${FRAME_BYTES} bytes: ` +
      `delivery p50 ${percentile(delays, 50).toFixed(0)} ms, p99 ${percentile(delays, 99).toFixed(0)} ms, ` +
      `last socket per event median ${percentile(lastPerEvent, 50).toFixed(0)} ms; server CPU ${cpuPerEvent.toFixed(0)} ms per event ` +
      `(${((cpuPerEvent * 1000) / SUBSCRIBERS).toFixed(1)} µs per socket)`,
  );
  for (const socket of [...sockets, control]) socket.terminate();
  stop();
}

if (process.argv[2] === '--serve') serve(Number(process.argv[3]));
else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
