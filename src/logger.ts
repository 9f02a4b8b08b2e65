import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export type LogFormat = 'json' | 'pretty';

export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  return pino(
    {
      level,
      base: { service: 'casegraph' },
      // Never log credentials that may ride along in a logged object.
      redact: ['req.headers.authorization', '*.authorization', '*.password', '*.token'],
    },
    format === 'pretty' ? prettyDestination() : undefined,
  );
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'err']);

/**
 * Development: `12:04:05.123 INFO  message key=value ...`, one line per event (an error's stack
 * indented below it), from the JSON line pino writes. Production stays JSON.
 */
function prettyDestination(out: NodeJS.WritableStream = process.stdout): DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const time = new Date(entry.time as number).toISOString().slice(11, 23);
      const fields = Object.entries(entry)
        // A value the message already says is not repeated.
        .filter(([key, value]) => !OMIT.has(key) && value !== undefined && !(typeof value === 'string' && String(entry.msg).includes(value)))
        .map(([key, value]) => `${key}=${formatValue(value)}`);
      const err = entry.err as { type?: string; message?: string; stack?: string } | undefined;
      const head = [time, LEVELS[entry.level as number] ?? String(entry.level), entry.msg ?? '', ...fields].join(' ');
      const stack = err ? `\n    ${(err.stack ?? `${err.type}: ${err.message}`).split('\n').join('\n    ')}` : '';
      out.write(`${head}${stack}\n`);
    },
  };
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}
