// Starting and stopping: an instance stopped right after it started stops at once, whatever
// its relay session was doing (pg never settles a connect() that end() interrupts).
import { describe, expect, it } from 'vitest';
import { startCluster } from '../support/realtime.js';

describe('instance lifecycle', () => {
  it.each([
    ['with Redis (leader election)', {}],
    ['without Redis (every instance relays)', { REDIS_URL: '' }],
  ])('stops promptly right after starting, %s', async (_label, env: Record<string, string>) => {
    const cluster = await startCluster('realtime_lifecycle', { env, instances: 1 });
    try {
      for (let i = 0; i < 3; i += 1) {
        const instance = await cluster.addInstance();
        const started = Date.now();
        await instance.stop();
        expect(Date.now() - started).toBeLessThan(5000);
      }
    } finally {
      await cluster.stop();
    }
  });
});
