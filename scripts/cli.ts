// Shared by the database CLIs: short, credential-free messages for the terminal.

/** One line for the terminal; the whole error (engine trace, cause) with DEBUG set. */
export function oneLine(error: unknown): string {
  if (process.env.DEBUG) return error instanceof Error ? (error.stack ?? error.message) : String(error);
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const line = (message.split('\n').find((l) => l.trim()) ?? 'unknown error').trim();
  return `${typeof code === 'string' && !line.includes(code) ? `${code} ` : ''}${line} (DEBUG=1 for details)`;
}

/** host:port/database, without credentials. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}
