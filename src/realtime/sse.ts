// Server-sent events (graphql-sse through Yoga's plugin, at /graphql/stream) authenticate with
// the Authorization header. A bad or expired token must be a 401, as over HTTP; left to the
// context factory it would throw inside graphql-sse and come out as a 500.
import { useGraphQLSSE } from '@graphql-yoga/plugin-graphql-sse';
import { GraphQLError } from 'graphql';
import { authenticate } from '../auth/authenticate.js';
import type { TokenVerifier } from '../auth/tokens.js';

export function useServerSentEvents(verifyToken: TokenVerifier) {
  return useGraphQLSSE({
    onConnect: async (req) => {
      try {
        await authenticate(req.headers.get('authorization'), verifyToken);
        return undefined;
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        return [
          JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] }),
          { status: 401, statusText: 'Unauthorized', headers: { 'content-type': 'application/json; charset=utf-8' } },
        ];
      }
    },
  });
}
