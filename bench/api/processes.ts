// Child processes of the benchmark: each in its own process group (killed as a group), all
// of them killed when the benchmark ends, fails or is interrupted. Also /proc readings.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * How a checkout's `npm start` runs node, for a benchmark to run it without npm in between (node
 * is then the process whose CPU and memory are read): leading `NAME=value` words are its
 * environment, `${NAME:-value}` is NAME from this process's environment or else the value, as
 * the shell would (CASEGRAPH_HEAP_MB=256 npm run bench:api). `node: false`: it does not run
 * node directly (an older checkout's `tsx src/index.ts`).
 */
export function npmStart(dir: string): { node: boolean; args: string[]; env: Record<string, string> } {
  const script: string = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts.start;
  const words = script.replace(/\$\{(\w+):-([^}]*)\}/g, (_, name: string, fallback: string) => process.env[name] || fallback).split(/\s+/);
  const env: Record<string, string> = {};
  while (/^\w+=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  return { node: words[0] === 'node', args: words.slice(1), env };
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

let cleanupInstalled = false;
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  // Last resort: whatever is still running when this process exits is killed outright.
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the servers`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}

export interface Spawned {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with a description once the process has exited. */
  exited: Promise<string>;
}

/** `node <args>` in its own process group, its output to `logFile`. */
export function spawnNode(name: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): Spawned {
  installCleanup();
  const fd = openSync(options.logFile, 'w');
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  running.add(child);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(signal ? `killed by ${signal}` : `exited with ${code}`);
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return { name, child, pid: child.pid, logFile: options.logFile, exited };
}

/** SIGTERM to the group, SIGKILL after `graceMs`. */
export async function stopProcess(spawned: Spawned, graceMs = 8000): Promise<void> {
  if (!running.has(spawned.child)) return;
  killGroup(spawned.child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(spawned.child, 'SIGKILL'), graceMs);
  await spawned.exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 8000);
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
      clearTimeout(timer);
    }),
  );
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Polls `url` until it answers 200, the process exits, or `timeoutMs` passes. */
export async function waitForOk(spawned: Spawned, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: string | undefined;
  void spawned.exited.then((how) => (gone = how));
  for (;;) {
    if (gone) throw new Error(`${spawned.name} ${gone} before ${url} answered. Its output (${spawned.logFile}):\n${tail(spawned.logFile)}`);
    if (Date.now() > deadline) throw new Error(`${spawned.name}: ${url} did not answer 200 within ${timeoutMs / 1000} s. Its output (${spawned.logFile}):\n${tail(spawned.logFile)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const taken = new Set<number>();

/** A free port of `from`..`to` (the benchmark's range is 4700-4799). */
export async function freePort(from = 4700, to = 4799): Promise<number> {
  const ports = Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((p) => !taken.has(p));
  for (let i = ports.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [ports[i], ports[j]] = [ports[j]!, ports[i]!];
  }
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${from}-${to}`);
}

// ------------------------------------------------------------------ /proc

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of the process so far, in ms (all its threads). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * CPU time so far of every PostgreSQL process on this machine, in ms: the live ones', and what
 * the postmaster holds of the backends it has reaped (a pool's closed connections), so a backend
 * that ends between two readings still counts. null when none is visible: a database elsewhere.
 * Every local cluster counts, so the figure means something while the benchmark is the only
 * thing using PostgreSQL.
 */
export function databaseCpuMs(): number | null {
  let ticks = 0;
  let found = false;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
    found = true;
    // utime, stime, cutime, cstime: fields 14 to 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return found ? (ticks * 1000) / CLOCK_TICKS : null;
}

/** A field of /proc/<pid>/status in MiB (VmRSS, VmHWM). */
export function memoryMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Samples VmRSS every `everyMs` until stopped; returns the highest seen. */
export function sampleRss(pid: number, everyMs = 100): () => number {
  let peak = memoryMiB(pid, 'VmRSS');
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, memoryMiB(pid, 'VmRSS'));
    } catch {
      // process gone: the run reports its errors
    }
  }, everyMs);
  return () => {
    clearInterval(timer);
    try {
      peak = Math.max(peak, memoryMiB(pid, 'VmRSS'));
    } catch {
      // gone
    }
    return peak;
  };
}
