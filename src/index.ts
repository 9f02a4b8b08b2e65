// Entry point: read the configuration, start the app, stop it cleanly on a signal.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './env.js';

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
  await app.start();
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
