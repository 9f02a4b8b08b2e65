// Persisted operations: a manifest of sha256 hash -> document (the frontends' operations,
// registered with `npm run operations:register`, scripts/register-operations.ts), named by
// PERSISTED_OPERATIONS. Clients send `extensions: { persistedQuery: { version: 1, sha256Hash } }`
// (Apollo's and graphql-codegen's convention) instead of, or with PERSISTED_OPERATIONS_ONLY=false
// as well as, a document. With PERSISTED_OPERATIONS_ONLY=true a document is refused
// (PERSISTED_QUERY_ONLY): only the registered operations can run.
// HTTP goes through yoga's plugin (its onParams hook); graphql-ws does not run onParams, so the
// same rules are applied to websocket operations in onParse (the socket sends `query: ""`).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface PersistedOperationsConfig {
  /** Path of the manifest: a JSON object of sha256 hex hash -> document. */
  manifest: string | undefined;
  /** Refuse documents: only persisted operations run. */
  only: boolean;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function hashOperation(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

/** Reads and checks a manifest: every key is the sha256 of its document. */
export function loadManifest(path: string): Map<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`PERSISTED_OPERATIONS: cannot read ${path} as JSON (${(error as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`PERSISTED_OPERATIONS: ${path} must be a JSON object of sha256 hash -> document`);
  }
  const operations = new Map<string, string>();
  for (const [hash, document] of Object.entries(raw)) {
    if (!SHA256.test(hash) || typeof document !== 'string' || hashOperation(document) !== hash) {
      throw new Error(`PERSISTED_OPERATIONS: ${path}: entry ${hash.slice(0, 70)} is not the sha256 of its document`);
    }
    operations.set(hash, document);
  }
  return operations;
}

const errors = {
  notFound: { message: 'Unknown persisted operation: register it with npm run operations:register', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } } },
  persistedQueryOnly: { message: 'Only persisted operations are accepted here: send extensions.persistedQuery.sha256Hash', extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } } },
  keyNotFound: { message: 'Send a document (query) or extensions.persistedQuery { version: 1, sha256Hash }', extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } } },
};

function socketError(kind: keyof typeof errors): GraphQLError {
  return new GraphQLError(errors[kind].message, { extensions: { code: errors[kind].extensions.code } });
}

function hashOf(params: { extensions?: Record<string, unknown> } | undefined): string | null {
  const persisted = params?.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  return persisted?.version === 1 && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : null;
}

export function usePersistedOperationsManifest(config: PersistedOperationsConfig): Plugin[] {
  if (!config.manifest) return [];
  const operations = loadManifest(config.manifest);
  const parsed = new Map<string, DocumentNode>();
  const documentOf = (hash: string): DocumentNode | null => {
    const text = operations.get(hash);
    if (text === undefined) return null;
    let document = parsed.get(hash);
    if (!document) parsed.set(hash, (document = parse(text)));
    return document;
  };
  const overSocket: Plugin = {
    onParse({ context, setParsedDocument }) {
      const ctx = context as { request?: unknown; params?: { query?: string; extensions?: Record<string, unknown> } };
      if (ctx.request || !ctx.params) return undefined;
      if (ctx.params.query) {
        if (config.only) throw socketError('persistedQueryOnly');
        return undefined;
      }
      const hash = hashOf(ctx.params);
      if (hash === null) throw socketError('keyNotFound');
      const document = documentOf(hash);
      if (!document) throw socketError('notFound');
      setParsedDocument(document);
      // Yoga's parse cache runs after this plugin and is keyed by the text (here ""): the
      // after-hook puts this operation's document back over whatever the cache set.
      return ({ replaceParseResult }) => replaceParseResult(document);
    },
  };
  return [
    usePersistedOperations({
      getPersistedOperation: (hash) => documentOf(hash),
      allowArbitraryOperations: !config.only,
      customErrors: errors,
    }),
    overSocket,
  ];
}
