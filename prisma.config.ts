// Prisma CLI configuration. The CLI's own migrate/db commands need a native engine
// download that these networks block; `npm run db:migrate` uses the WebAssembly engine
// instead (src/db/migrations.ts). `prisma generate` never needs the URL.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
