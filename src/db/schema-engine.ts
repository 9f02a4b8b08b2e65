// Prisma's migration engine, as WebAssembly, driven through the pg driver adapter.
//
// `prisma migrate` wants to download a native schema-engine binary, which these
// networks block. `@prisma/schema-engine-wasm` is the same engine compiled to wasm; it
// does its I/O through a driver adapter (here `@prisma/adapter-pg`) instead of its own
// sockets. Its version must match the installed `prisma` (7.10.0-7.561d… works with
// prisma 7.10.1).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as wasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine, SchemaContainer } from '@prisma/schema-engine-wasm/schema_engine_bg';

export type { SchemaEngine, SchemaContainer, MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';

// Node 20 cannot `import` a .wasm file as an ES module (the package's own entry does),
// so instantiate it by hand against the JS glue. The glue keeps the instance in module
// state, so do it once per loaded copy of the glue module (keyed by its namespace, in
// case a test runner loads the module twice).
const initialised: WeakMap<object, Promise<void>> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('casegraph.schemaEngineWasm')
] ??= new WeakMap()) as WeakMap<object, Promise<void>>;

function loadWasm(): Promise<void> {
  let ready = initialised.get(wasmBindings);
  if (!ready) {
    ready = (async () => {
      // The engine reports Rust panics through this global (the Prisma CLI installs one
      // too); without it a panic surfaces as "Cannot read properties of undefined".
      const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void } };
      g.PRISMA_WASM_PANIC_REGISTRY ??= panicRegistry;
      const glue = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
      const bytes = await readFile(join(dirname(glue), 'schema_engine_bg.wasm'));
      const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': engineImports() });
      wasmBindings.__wbg_set_wasm(instance.exports);
      (instance.exports.__wbindgen_start as () => void)();
    })();
    initialised.set(wasmBindings, ready);
  }
  return ready;
}

/**
 * The glue's functions, except setTimeout: the engine arms 10 s timers (advisory-lock
 * and connection timeouts) and never clears them (there is no clearTimeout import), so
 * every command would keep the process alive 10 s after it finished. Unref them; the
 * engine's real waits are on pg sockets, which keep the process alive by themselves.
 */
function engineImports(): WebAssembly.ModuleImports {
  const imports: WebAssembly.ModuleImports = { ...(wasmBindings as unknown as WebAssembly.ModuleImports) };
  const name = Object.keys(imports).find((key) => key.startsWith('__wbg_setTimeout_'));
  if (name) imports[name] = (fn: () => void, ms: number) => setTimeout(fn, ms >>> 0).unref();
  return imports;
}

const panicRegistry = {
  message: '',
  set_message(message: string) {
    this.message = message;
  },
};

/** Version of the loaded wasm engine (the engines hash it was built from). */
export async function engineVersion(): Promise<string> {
  await loadWasm();
  return wasmBindings.version();
}

export interface OpenSchemaEngineOptions {
  /** The database the engine migrates / introspects. */
  databaseUrl: string;
  /** Prisma schema files, as `{ path, content }`. */
  schemaFiles: SchemaContainer[];
  /**
   * Server on which the engine may create a throwaway shadow database (createMigration,
   * diff from migrations). Defaults to the server of `databaseUrl`. The role needs
   * CREATEDB.
   */
  shadowServerUrl?: string;
  /** Receives the engine's log lines (JSON). Default: dropped. */
  log?: (line: string) => void;
}

export interface SchemaEngineHandle {
  engine: SchemaEngine;
  /** Frees the engine, closes its connections and drops any shadow database left over. */
  close(): Promise<void>;
}

/**
 * Opens a schema engine on `databaseUrl`. Close it when done: the pg pools it holds
 * keep the process alive otherwise.
 */
export async function openSchemaEngine(options: OpenSchemaEngineOptions): Promise<SchemaEngineHandle> {
  await loadWasm();
  poolConfig(options.databaseUrl); // fail on a bad URL here rather than inside the engine
  const factory = new EngineAdapterFactory(options.databaseUrl, options.shadowServerUrl ?? options.databaseUrl);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const toError = (error: unknown) => engineError(error, bound.errorRegistry);
  let engine: SchemaEngine;
  try {
    engine = await wasmBindings.SchemaEngine.new(
      { datamodels: options.schemaFiles.map((f) => [f.path, f.content]) },
      options.log ?? (() => {}),
      bound,
    );
  } catch (error) {
    await factory.closeAll();
    throw toError(error);
  }
  let closed = false;
  return {
    engine: wrapErrors(engine, toError),
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      await factory.closeAll();
    },
  };
}

/** Opens an engine, runs `fn`, always closes. */
export async function withSchemaEngine<T>(
  options: OpenSchemaEngineOptions,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const handle = await openSchemaEngine(options);
  try {
    return await fn(handle.engine);
  } finally {
    await handle.close();
  }
}

/** pg pool settings for a URL, as an object so that the database can be swapped. */
function poolConfig(url: string, database?: string): pg.PoolConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('invalid database URL: expected postgresql://user[:password]@host[:port]/database');
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new Error(`not a PostgreSQL URL: ${u.protocol}//${u.host}`);
  }
  const sslmode = u.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')) || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: database ?? (decodeURIComponent(u.pathname.slice(1)) || undefined),
    ssl: sslmode && sslmode !== 'disable' ? { rejectUnauthorized: sslmode === 'verify-full' } : undefined,
    // One connection, like the native engine: session state (advisory lock, search_path)
    // must stay on the connection that runs the migration. Also what PGlite can serve.
    max: 1,
    Client: CatalogClient,
  };
}

/**
 * The engine's schema describer reads pg_catalog columns of type `"char"` (OID 18:
 * relkind, contype, ...), which adapter-pg 7.10 rejects ("Column type 'char' could not
 * be deserialized from the database"). Report them as `text` (OID 25): pg already hands
 * the value over as a one-character string. Only the engine's own pools use this.
 */
class CatalogClient extends pg.Client {
  _handleRowDescription(msg: { fields: { dataTypeID: number }[] }): void {
    for (const field of msg.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
    (pg.Client.prototype as unknown as { _handleRowDescription(m: unknown): void })._handleRowDescription.call(this, msg);
  }
}

/**
 * adapter-pg 7.10 runs a migration script by splitting it on every `;`, which cuts a function
 * body (`$$ ... ; ... $$`) in pieces. PostgreSQL takes the whole script as one simple query,
 * as Prisma's native engine sends it.
 */
function wholeScripts(adapter: SqlDriverAdapter): void {
  const pool = (adapter as unknown as { underlyingDriver(): pg.Pool }).underlyingDriver();
  const { onError } = adapter as unknown as { onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    await pool.query(script).catch((error: unknown) => onError.call(adapter, error));
  };
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The adapter factory the engine drives. `connect()` is the migrated database;
 * `connectToShadowDb()` creates `cg_shadow_<random>` on the shadow server and drops it
 * (forcing other sessions off) when the engine disposes of it, or at close().
 * Not adapter-pg 7.10's own connectToShadowDb: given a URL it connects the "shadow"
 * to the main database itself (the spread `database` loses to `connectionString`);
 * given a config object it drops the database before ending the pool, which fails with
 * "being accessed by other users" and leaks the database; both leak a pool.
 */
class EngineAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  private readonly open = new Set<SqlDriverAdapter>();

  constructor(
    private readonly databaseUrl: string,
    private readonly shadowServerUrl: string,
  ) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.track(await new PrismaPg(poolConfig(this.databaseUrl)).connect());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `cg_shadow_${randomBytes(6).toString('hex')}`;
    await adminQuery(this.shadowServerUrl, `CREATE DATABASE ${quoteIdent(name)}`);
    const adapter = await new PrismaPg(poolConfig(this.shadowServerUrl, name)).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      try {
        await dispose();
      } finally {
        await adminQuery(this.shadowServerUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      }
    };
    return this.track(adapter);
  }

  private track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    wholeScripts(adapter);
    const dispose = adapter.dispose.bind(adapter);
    let done: Promise<void> | undefined;
    // Idempotent: the engine may dispose of an adapter, and close() disposes what is left.
    adapter.dispose = () => {
      this.open.delete(adapter);
      return (done ??= dispose());
    };
    this.open.add(adapter);
    return adapter;
  }

  async closeAll(): Promise<void> {
    const results = await Promise.allSettled([...this.open].map((a) => a.dispose()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Runs one statement on a short-lived connection to `url`'s server (CREATE/DROP DATABASE). */
export async function adminQuery(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client(poolConfig(url));
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Makes whatever the engine rejects with an Error with a useful first line. A JS error
 * inside the adapter (a failed CREATE DATABASE, say) reaches us as "External error
 * id#N": the original waits in the adapter's error registry.
 */
function engineError(error: unknown, registry: ErrorRegistry): Error {
  const external = /External error id#(\d+)/.exec(String((error as { message?: unknown })?.message ?? ''));
  const original = external ? registry.consumeError(Number(external[1]))?.error : undefined;
  if (original !== undefined) return original instanceof Error ? original : new Error(String(original), { cause: error });
  if (error instanceof WebAssembly.RuntimeError && panicRegistry.message) {
    const message = panicRegistry.message;
    panicRegistry.message = '';
    return new Error(`schema engine panicked: ${message}`, { cause: error });
  }
  if (error instanceof Error) return summarise(error);
  if (typeof error === 'string') return new Error(error);
  const message = (error as { message?: unknown })?.message;
  return new Error(typeof message === 'string' ? message : JSON.stringify(error), { cause: error });
}

/**
 * Engine errors read "external connector error\nNo such table: Nope\n   0: <span trace>".
 * Put the useful part on the first line, naming the migration that failed, and keep
 * the trace below it.
 */
function summarise(error: Error): Error {
  const lines = error.message.split('\n');
  const migration = /apply_script\s+with migration_name="([^"]+)"/.exec(error.message)?.[1];
  if (!migration && lines[0] !== 'external connector error') return error;
  const traceAt = lines.findIndex((l) => /^\s+\d+: /.test(l));
  const head = (traceAt === -1 ? lines : lines.slice(0, traceAt)).map((l) => l.trim()).filter(Boolean);
  const useful = head.length > 1 ? head.filter((l) => l !== 'external connector error') : head;
  const summary = `${migration ? `migration ${migration} failed: ` : ''}${useful.join(': ')}`;
  if (summary && summary !== lines[0]) {
    error.message = [summary, ...(traceAt === -1 ? [] : lines.slice(traceAt))].join('\n');
  }
  return error;
}

function wrapErrors(engine: SchemaEngine, toError: (error: unknown) => Error): SchemaEngine {
  return new Proxy(engine, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function' || key === 'free') return value;
      return (...args: unknown[]) => {
        try {
          const result = value.apply(target, args);
          return result instanceof Promise ? result.catch((e: unknown) => Promise.reject(toError(e))) : result;
        } catch (e) {
          throw toError(e);
        }
      };
    },
  });
}
