// What bench:subscriptions reads of its server: CPU time and memory from /proc, a DevTools
// protocol session (CPU profiles), and heap snapshots compared per idle subscriber.
import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system) the process has used, in ms. */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** A Chrome DevTools protocol session with a process started with --inspect. */
export async function inspect(port: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const socket = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  let last = 0;
  return {
    send<T = unknown>(method: string, params: object = {}): Promise<T> {
      const id = ++last;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, (message) => (message.error ? reject(new Error(message.error.message)) : resolve(message.result as T)));
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}

export async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** Asks the server (started with --heapsnapshot-signal) for a heap snapshot; resolves with its path. */
export async function heapSnapshot(pid: number, dir: string, ready: () => Promise<boolean>): Promise<string> {
  const before = new Set(await readdir(dir));
  process.kill(pid, 'SIGUSR2');
  let file: string | undefined;
  let size = -1;
  await until(async () => {
    file ??= (await readdir(dir)).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (!file || !(await ready())) return false;
    // The server answers again once the snapshot is written; the size settles with it.
    const now = (await stat(join(dir, file))).size;
    const settled = now === size;
    size = now;
    return settled;
  }, 'the heap snapshot', 300_000);
  return join(dir, file!);
}

/** Self size and count by node type and name (constructor, closure name) in a heap snapshot. */
async function heapByKind(path: string): Promise<Map<string, { bytes: number; count: number }>> {
  const snapshot = JSON.parse(await readFile(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const kinds = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    // Strings and numbers differ by content: one entry each.
    const name = type === 'object' || type === 'closure' || type === 'native' ? snapshot.strings[snapshot.nodes[i + nameAt]!]! : '';
    const key = `${type}${name ? ` ${name.slice(0, 60)}` : ''}`;
    const kind = kinds.get(key) ?? { bytes: 0, count: 0 };
    kind.bytes += snapshot.nodes[i + sizeAt]!;
    kind.count += 1;
    kinds.set(key, kind);
  }
  return kinds;
}

/** What one idle subscriber adds to the heap, largest first. */
export async function heapPerSubscriber(beforePath: string, afterPath: string, subscribers: number) {
  const [before, after] = [await heapByKind(beforePath), await heapByKind(afterPath)];
  const rows = [...after].map(([kind, { bytes, count }]) => ({
    kind,
    bytes: (bytes - (before.get(kind)?.bytes ?? 0)) / subscribers,
    count: (count - (before.get(kind)?.count ?? 0)) / subscribers,
  }));
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  return {
    heapBytesPerSubscriber: Math.round(total),
    largest: rows.slice(0, 25).map((row) => ({ kind: row.kind, bytes: Math.round(row.bytes), count: Math.round(row.count * 10) / 10 })),
  };
}
