// The GraphQL-over-HTTP server: schema, context, error masking, request ids.
import { randomUUID } from 'node:crypto';
import { createYoga, useErrorHandler, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import { authenticate } from '../auth/authenticate.js';
import { AppError } from '../errors.js';
import type { GraphQLConfig } from '../env.js';
import { useErrorCodes } from './error-codes.js';
import { exposeExpectedErrors, logUnexpectedErrors } from './error-masking.js';
import { useQueryLimits } from './limits.js';
import { corsFor, useLockdown } from './lockdown.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AuditBuffer, useReadAudit } from '../audit/read-audit.js';
import { loggableOperationName, useAccessLog } from './access-log.js';
import type { RequestOutcome } from './metrics.js';
import { usePersistedOperationsManifest, type PersistedOperationsConfig } from './persisted-operations.js';
import type { TokenVerifier } from '../auth/tokens.js';
import type { Viewer } from '../auth/viewer.js';
import type { Context } from '../context.js';
import type { Logger } from '../logger.js';
import type { CasegraphPubSub } from '../pubsub.js';
import { schema } from '../schema/index.js';
import { useRequestBodyLimit } from './body-limit.js';
import { renderGraphiQL } from './graphiql.js';

export interface YogaServerContext {
  /** Set by the websocket server: the viewer authenticated at connection_init. */
  socketViewer?: Viewer;
  socketRequestId?: string;
}

export type CasegraphYoga = YogaServerInstance<YogaServerContext, Context>;

export const REQUEST_ID = /^[\w.:-]{8,128}$/;

export function requestIdOf(request: Request | undefined): string {
  const given = request?.headers.get('x-request-id');
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

const requestIds = new WeakMap<Request, string>();
/** Unexpected errors already logged with their request id: yoga's own log skips them. */
const loggedErrors = new WeakSet<Error>();

/** The request's id, made once: its log lines, its access-log line and its header agree. */
function requestIdFor(request: Request): string {
  let id = requestIds.get(request);
  if (!id) requestIds.set(request, (id = requestIdOf(request)));
  return id;
}

/** Echoes the request id so a user can quote it when reporting a masked error. */
function useRequestIdHeader(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set('x-request-id', requestIdFor(request));
    },
  };
}

export function createYogaServer(options: {
  log: Logger;
  pubsub: CasegraphPubSub;
  verifyToken: TokenVerifier;
  graphiql: boolean;
  /** Query limits, introspection and CORS (src/http/limits.ts, src/http/lockdown.ts). */
  graphql: GraphQLConfig;
  /** PERSISTED_OPERATIONS and PERSISTED_OPERATIONS_ONLY (src/http/persisted-operations.ts). */
  persistedOperations?: PersistedOperationsConfig;
  /** Added by app.ts: server-sent events and the real-time layer (src/realtime/plugin.ts). */
  plugins?: Plugin[];
  /** Each answered request's outcome, as the access line has it (metrics). */
  observe?: (outcome: RequestOutcome) => void;
}): CasegraphYoga {
  const { log, pubsub, verifyToken } = options;
  return createYoga<YogaServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: options.graphiql ? { title: 'Casegraph', subscriptionsProtocol: 'WS' } : false,
    // Served from the installed packages, never a CDN (src/http/graphiql.ts).
    renderGraphiQL,
    landingPage: false,
    cors: corsFor(options.graphql.corsOrigins),
    // File uploads are not part of the API; a multipart body is a cross-site form's.
    multipart: false,
    // useRequestBodyLimit below does it at less cost: 413 REQUEST_ENTITY_TOO_LARGE.
    maxRequestBodySize: false,
    logging: {
      debug: (...args) => log.debug(args.join(' ')),
      info: (...args) => log.info(args.join(' ')),
      warn: (...args) => log.warn(args.join(' ')),
      // Yoga logs the original of every error our maskError rewrote, expected ones included, as
      // text carrying the query around it (literals: names, phone numbers) or a database
      // message with values. Unexpected errors are logged by useErrorHandler below, with the
      // request id; here, only yoga's own messages and an unexpected error's kind.
      error: (...args) => {
        const error = args.find((arg): arg is Error => arg instanceof Error);
        if (!error) return log.error(args.join(' '));
        if (error instanceof GraphQLError || error instanceof AppError || loggedErrors.has(error) || isDatabaseUnavailable(error)) return;
        log.error({ errorName: error.name, code: (error as { code?: unknown }).code }, 'yoga: unexpected error in request');
      },
    },
    // error-masking.ts: expected failures keep their message and code, the rest is masked.
    maskedErrors: { isDev: false, maskError: exposeExpectedErrors },
    context: async (initial): Promise<Context> => {
      const requestId = initial.socketRequestId ?? (initial.request ? requestIdFor(initial.request) : requestIdOf(undefined));
      const operationName = loggableOperationName(initial.params?.operationName);
      let viewer: Viewer | null;
      try {
        viewer = initial.socketViewer ?? (await authenticate(initial.request?.headers.get('authorization'), verifyToken));
      } catch (error) {
        // Logged here, where the request id is known (yoga's log and envelop's context-phase
        // handler would log it without, the latter as a new Error of its text).
        if (error instanceof Error && !(error instanceof GraphQLError) && !(error instanceof AppError)) {
          log.error({ err: error, requestId, operationName }, 'unexpected error while authenticating the request');
          loggedErrors.add(error);
        }
        throw error;
      }
      return {
        viewer,
        requestId,
        operationName,
        log: log.child({ requestId, staffId: viewer?.id, operationName }),
        pubsub,
        audit: new AuditBuffer(),
      };
    },
    plugins: [
      ...useLockdown(options.graphql),
      ...useQueryLimits({ ...options.graphql, suggestions: options.graphql.introspection }),
      useErrorCodes(),
      useRequestIdHeader(),
      useAccessLog({ log, requestIdFor, observe: options.observe }),
      useReadAudit(),
      useErrorHandler(({ errors, context, phase }) => {
        // In the execution phase envelop passes the execution args, whose contextValue is ours.
        if (phase === 'context') return; // logged by the context factory
        const ctx = (phase === 'execution' ? (context as { contextValue?: unknown }).contextValue : context) as Partial<Context>;
        logUnexpectedErrors(errors, ctx, log);
      }),
      ...(options.persistedOperations ? usePersistedOperationsManifest(options.persistedOperations) : []),
      useRequestBodyLimit(options.graphql.maxBodyBytes),
      ...(options.plugins ?? []),
    ],
  });
}
