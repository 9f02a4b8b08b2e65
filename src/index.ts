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
    for (const { email, token } of await demoTokens(config.jwt.secret, config.jwt.maxLifetimeS)) {
      app.log.info({ email }, `development token for ${email} (${config.jwt.maxLifetimeS / 3600} h): ${token}`);
    }
    app.log.info(`try: curl -s ${running.url} -H "authorization: Bearer <token>" -H 'content-type: application/json' -d '{"query":"{ me { name } clients(first: 3) { edges { node { name } } } }"}'`);
  }
} catch (error) {
  app.log.fatal({ err: error }, 'Casegraph could not start');
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info(`${signal} received, shutting down`);
    void app.stop().then(() => process.exit(0));
  });
}
