// Entry point: read the configuration, start the app, stop it cleanly on a signal.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './env.js';
import { demoTokens } from './auth/dev-tokens.js';
import { assertPortFree, describeStartupError } from './startup.js';

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
// npm scripts run on Node 24 from node_modules/.bin (the `node` package); `node dist/index.js`
// on an older system Node still works, but that Node no longer gets security fixes.
if (Number(process.versions.node.split('.')[0]) < 24) {
  app.log.warn(`running on Node ${process.versions.node}, past its end of life: use npm start (Node 24 from node_modules) or install Node 24`);
}
try {
  await assertPortFree(config.host, config.port);
  const running = await app.start();
  if (config.env === 'development' && config.jwt.secret) {
    for (const { email, token } of await demoTokens(config.jwt.secret, config.jwt.maxLifetimeS)) {
      // The token last on its line, nothing after it: copied whole from a pretty line.
      app.log.info(`development token (${config.jwt.maxLifetimeS / 3600} h) for ${email}: ${token}`);
    }
    app.log.info(`try: curl -s ${running.url} -H "authorization: Bearer <token>" -H 'content-type: application/json' -d '{"query":"{ me { name } clients(first: 3) { edges { node { name } } } }"}'`);
  }
} catch (error) {
  // What an operator can fix is one sentence; anything else keeps its stack.
  const sentence = describeStartupError(error, config.host, config.port);
  if (sentence) app.log.fatal(`Casegraph could not start. ${sentence}`);
  else app.log.fatal({ err: error }, 'Casegraph could not start');
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
