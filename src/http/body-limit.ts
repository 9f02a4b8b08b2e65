// The request body limit (GRAPHQL_MAX_BODY_BYTES): 413 REQUEST_ENTITY_TOO_LARGE, as yoga's own
// maxRequestBodySize answers, without that option's cost on every request. Yoga pipes every body
// through a counting TransformStream; the Node stream pipeline under it builds a DOMException
// when it tears down, and the whole cost 0.2–0.25 ms of CPU a request: 40% of an authenticated
// `{ __typename }` (bench:api, alternating runs). A body with a Content-Length needs no
// counting: Node's HTTP parser reads exactly that many bytes, so checking the header is enough.
// Only a body without one (chunked transfer) is counted as it streams in, as yoga does (its
// limiter is not exported, hence this one).
import { GraphQLError } from 'graphql';
import type { FetchAPI, Plugin } from 'graphql-yoga';

/** A single non-negative integer; anything else (a comma-joined list: smuggling) is refused. */
const CONTENT_LENGTH = /^\d+$/;

/** Refused: the rest of the body is never read, so the connection closes after the answer. */
function tooLarge(limit: number) {
  return new GraphQLError(`The request body may not exceed ${limit} bytes`, {
    extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413, headers: { connection: 'close' } } },
  });
}

/** The body of `request` as a stream that fails once more than `limit` bytes went through. */
function counted(request: Request, limit: number, fetchAPI: FetchAPI): Request {
  const body = request.body;
  if (!body) return request;
  // The transform must come from the same implementation as the body (yoga issue #4583).
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let bytes = 0;
  const limited = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > limit) controller.error(tooLarge(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: limited,
    // @ts-expect-error Node's fetch needs it for a streamed body; the DOM types do not know it
    duplex: 'half',
  });
}

/** Use with yoga's `maxRequestBodySize: false`; after the request parsers (any user plugin). */
export function useRequestBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const length = request.headers.get('content-length');
      if (length !== null) {
        if (!CONTENT_LENGTH.test(length)) {
          throw new GraphQLError('The Content-Length header is invalid', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
        if (Number(length) > limit) throw tooLarge(limit);
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((req) => requestParser(counted(req, limit, fetchAPI)));
    },
  };
}
