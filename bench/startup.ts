// Cold start: `npm start` on an empty data directory (embedded PGlite created, migrated and
// seeded with the demo set) until the first GraphQL answer; then a warm restart on the same
// directory. Figures go to bench/results/startup.json.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function timeToFirstAnswer(dataDir: string): Promise<{ ms: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the server did not answer within 3 minutes');
    try {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ms = Math.round(performance.now() - started);
  return {
    ms,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const dataDir = await mkdtemp(join(tmpdir(), 'casegraph-bench-'));
try {
  const cold = await timeToFirstAnswer(dataDir);
  await cold.stop();
  const warm = await timeToFirstAnswer(dataDir);
  await warm.stop();
  const figures = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    coldStartToFirstAnswerMs: cold.ms,
    warmRestartToFirstAnswerMs: warm.ms,
    note: 'cold = empty data dir: PGlite init + migrations + demo seed; warm = same dir again',
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/startup.json', `${JSON.stringify(figures, null, 2)}\n`);
  console.log(figures);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
