// `prisma generate` offline: the CLI insists on locating a schema-engine binary (and would
// download one) although generate never runs it, so point it at any existing file.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath };
const result = spawnSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env, shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
