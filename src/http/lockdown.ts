// What a browser on another site, or an unauthenticated stranger, may get from the server:
//
//   CORS         only origins listed in CORS_ORIGINS get CORS headers (never credentials: the
//                API authenticates with a bearer token, not cookies); by default none.
//   content type a POST must be JSON (application/json or application/graphql-response+json):
//                form-urlencoded, multipart and text/plain, which a cross-site <form> can send
//                without a preflight, are refused with 415 UNSUPPORTED_MEDIA_TYPE.
//   CSRF         yoga's CSRF prevention: a GET (and a POST without a content type) must carry a
//                header a simple cross-site request cannot set (403 CSRF_PREFLIGHT_REQUIRED).
//                GraphiQL posts JSON; the websocket upgrade and /graphql/stream authenticate with a
//                token a cross-site page does not have.
//   introspection off unless GRAPHQL_INTROSPECTION=true (the default outside production):
//                `__schema`/`__type` are refused with INTROSPECTION_DISABLED, and validation
//                errors lose their "Did you mean …" suggestions (src/http/limits.ts).
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, type ValidationRule } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export interface Lockdown {
  introspection: boolean;
  corsOrigins: string[];
}

/** Headers of which one must come with a GET: yoga's own and Apollo Client's. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'];
/** Content types a browser sends cross-site without a preflight. */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Yoga's `cors` option: listed origins only, never with credentials. */
export function corsFor(origins: readonly string[]) {
  const allowed = new Set(origins);
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!origin || !allowed.has(origin)) return false as const;
    return {
      origin,
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', ...CSRF_HEADERS],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    };
  };
}

export function useLockdown(lockdown: Lockdown): Plugin[] {
  const csrf = useCSRFPrevention({ requestHeaders: CSRF_HEADERS });
  const plugins: Plugin[] = [
    {
      onRequestParse(payload) {
        const { request } = payload;
        const type = (request.headers.get('content-type') ?? '').toLowerCase();
        if (request.method === 'POST' && SIMPLE_CONTENT_TYPES.some((simple) => type.startsWith(simple))) {
          throw createGraphQLError('Send GraphQL requests as JSON (content-type: application/json)', {
            extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', http: { status: 415 } },
          });
        }
        try {
          csrf.onRequestParse!(payload);
        } catch {
          throw createGraphQLError(`A GET request needs one of the headers ${CSRF_HEADERS.join(', ')} (CSRF prevention)`, {
            extensions: { code: 'CSRF_PREFLIGHT_REQUIRED', http: { status: 403 } },
          });
        }
      },
    },
  ];
  if (!lockdown.introspection) {
    plugins.push({
      onValidate({ addValidationRule }) {
        addValidationRule(withCode(NoSchemaIntrospectionCustomRule, 'INTROSPECTION_DISABLED'));
      },
    });
  }
  return plugins;
}

/** A validation rule of graphql's whose errors carry `code`. */
function withCode(rule: ValidationRule, code: string): ValidationRule {
  return (context) =>
    rule(
      new Proxy(context, {
        get(target, property, receiver) {
          if (property !== 'reportError') return Reflect.get(target, property, receiver);
          return (error: GraphQLError) =>
            target.reportError(new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } }));
        },
      }) as ValidationContext,
    );
}
