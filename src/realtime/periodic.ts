// Runs a job every `intervalMs`, never two runs of it at once; stop() waits for a running one.
import type { Logger } from '../logger.js';

export function every(intervalMs: number, name: string, log: Logger, job: () => Promise<unknown>) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const run = () => {
    running = job()
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error, job: name }, `${name} failed; will try again`))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  timer = setTimeout(run, intervalMs);

  return {
    /** Runs the job now (tests; an operator nudge), after a run in progress. */
    async runNow(): Promise<void> {
      await running;
      if (timer) clearTimeout(timer);
      run();
      await running;
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
