// Entry point: read the configuration, start the app, stop it cleanly on a signal.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './env.js';
import { demoTokens } from './auth/dev-tokens.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const app = buildApp(config);
try {
  const running = await app.start();
  if (config.env === 'development' && config.jwt.secret) {
    for (const { email, token } of await demoTokens(config.jwt.secret)) {
      app.log.info({ email }, `development token for ${email} (12 h): ${token}`);
    }
    app.log.info(`try: curl -s ${running.url} -H "authorization: Bearer <token>" -H 'content-type: application/json' -d '{"query":"{ me { name } clients(first: 3) { edges { node { name } } } }"}'`);
  }
} catch (error) {
  app.log.fatal({ err: error }, 'Casegraph could not start');
  process.exit(1);
}

// The first signal drains (src/app.ts, README "Stopping"); a second one exits at once.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      app.log.warn(`${signal} received again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    app.log.info(`${signal} received, shutting down`);
    // The drain is bounded by SHUTDOWN_DRAIN_MS; closing sessions and the pool by a little more.
    setTimeout(() => {
      app.log.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, config.realtime.shutdownDrainMs + 15_000).unref();
    void app.stop().then(() => process.exit(0));
  });
}
