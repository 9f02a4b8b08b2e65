# syntax=docker/dockerfile:1
# Casegraph's production image.
#   docker build -t casegraph .
#   docker run --rm -p 4000:4000 -e DATABASE_URL=... -e REDIS_URL=... -e JWT_SECRET=... casegraph
# The build stage installs everything, generates the Prisma client and compiles src/ to dist/;
# the runtime stage keeps production dependencies only and runs `node dist/index.js` directly
# as PID 1 (no npm, no tsx in between): SIGTERM/SIGINT reach the server, which drains its
# websockets and requests and exits 0. Migrations are a separate one-shot step:
#   docker run --rm -e DATABASE_URL=... casegraph npm run db:migrate
# and the server refuses to start (one clear line) on a database that lacks one.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# What `npm ci`'s postinstall (prisma generate, offline) needs, before the rest: the dependency
# layer is rebuilt only when these change.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/generate.mjs ./scripts/generate.mjs
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Then production dependencies only. The `node` package brings Node 24 to machines without it;
# this image has Node 24 already.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/node node_modules/node-linux-* node_modules/.bin/node

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=16" \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# For the CLIs run through tsx (npm run db:migrate, admin:create, token): their TypeScript
# sources, the generated client among them, and the migrations.
COPY --from=build --chown=node:node /app/src ./src
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --chown=node:node scripts ./scripts
COPY --chown=node:node tsconfig.json prisma.config.ts ./
USER node
EXPOSE 4000
# Ready = the database and pub/sub answer (GET /ready); /health only says the process is up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/index.js"]
