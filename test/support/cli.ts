// The project's entry points (server, CLIs) run as `npm start` / `npm run` would (tsx), each in
// its own process group, which is killed when it ends: nothing is left running.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

export interface Outcome {
  code: number | null;
  output: string;
}

export function run(entry: string, args: string[], env: Record<string, string>): Promise<Outcome> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? tmpdir(), NODE_ENV: 'test', LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  // A safety net only: every case ends on its own within seconds.
  const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 90_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(guard);
      try {
        process.kill(-child.pid!, 'SIGKILL'); // anything it left in its group
      } catch {
        /* none */
      }
      resolve({ code, output });
    });
  });
}
