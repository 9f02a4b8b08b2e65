// The real server as an operator runs it: `node --import tsx src/index.ts` in a process group
// of its own (signals reach it alone, `kill -- -PGID` stops all of it), its output kept for
// the test to read. Shared by the reliability tests and the soak (bench/soak/run.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/realtime.js';

export { freePort };

export interface ServerProcess {
  pid: number;
  port: number;
  url: string;
  /** Everything it wrote so far (pino JSON lines). */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  exited: Promise<number | string>;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM to the group; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) if (child.pid && child.exitCode === null) killGroup(child.pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
}

/** Starts the server with `env` on a free port and waits until /ready answers 200. */
export async function startServer(env: Record<string, string>, options: { readyTimeoutMs?: number; cwd?: string } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      started.delete(child);
      resolve(signal ?? code ?? -1);
    }),
  );
  const pid = child.pid!;
  const server: ServerProcess = {
    pid,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    signal: (signal) => killGroup(pid, signal),
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`the server exited before it was ready:\n${output.slice(-3000)}`);
    if (Date.now() > deadline) {
      await server.stop(1000);
      throw new Error(`the server was not ready in time:\n${output.slice(-3000)}`);
    }
    try {
      const response = await fetch(`${server.url}/ready`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** pino's JSON lines of `output`, parsed (other lines skipped). */
export function logLines(output: string): Array<Record<string, unknown> & { level: number; msg?: string }> {
  const lines = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line));
    } catch {
      // a partial line
    }
  }
  return lines;
}
