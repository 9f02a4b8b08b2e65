// GraphiQL with no internet: the page, its script, styles and Monaco's editor workers are all
// served by this server from the installed packages (@graphql-yoga/graphiql, graphql-ws's
// browser build), never from a CDN. Development only (yoga.ts enables GraphiQL there).
//
// Subscriptions run over graphql-ws with the Headers tab as the connection_init payload, so the
// token that works for queries works for subscriptions too (websocket.ts reads `authorization`;
// any spelling of the header name is passed under that key). A failed subscription shows the
// close code and reason, not the bare browser event GraphiQL would print (`{"isTrusted":true}`).
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GraphiQLOptions } from 'graphql-yoga';

const require = createRequire(import.meta.url);
// main is dist/yoga-graphiql.umd.js; graphql-ws resolves to dist/index.cjs.
const graphiqlDist = dirname(require.resolve('@graphql-yoga/graphiql'));
const graphqlWsRoot = dirname(dirname(require.resolve('graphql-ws')));

export const ASSET_PREFIX = '/graphiql/';

const ASSETS: Record<string, { file: string; type: string }> = {
  'graphiql.css': { file: join(graphiqlDist, 'graphiql.css'), type: 'text/css; charset=utf-8' },
  'yoga-graphiql.js': { file: join(graphiqlDist, 'yoga-graphiql.umd.js'), type: 'text/javascript; charset=utf-8' },
  'graphql-ws.js': { file: join(graphqlWsRoot, 'umd', 'graphql-ws.min.js'), type: 'text/javascript; charset=utf-8' },
  // Monaco's workers, by the label Monaco asks for (see MonacoEnvironment below).
  'editor.worker.js': { file: join(graphiqlDist, 'monacoeditorwork', 'editor.worker.bundle.js'), type: 'text/javascript; charset=utf-8' },
  'json.worker.js': { file: join(graphiqlDist, 'monacoeditorwork', 'json.worker.bundle.js'), type: 'text/javascript; charset=utf-8' },
  'graphql.worker.js': { file: join(graphiqlDist, 'monacoeditorwork', 'graphql.worker..bundle.js'), type: 'text/javascript; charset=utf-8' },
};

/** Fails at start, not at the first page view, should a package upgrade move a file. */
export function checkGraphiQLAssets(): void {
  for (const { file } of Object.values(ASSETS)) statSync(file);
}

/** Serves /graphiql/* from the packages; returns false for any other path. */
export function serveGraphiQLAsset(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0]!;
  if (!path.startsWith(ASSET_PREFIX)) return false;
  const asset = Object.hasOwn(ASSETS, path.slice(ASSET_PREFIX.length)) ? ASSETS[path.slice(ASSET_PREFIX.length)] : undefined;
  if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return true;
  }
  // The files change only with a package upgrade, which restarts the server.
  res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(asset.file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
}

const EXAMPLE = `# Casegraph. Put a token in Headers (below):
#   {"Authorization": "Bearer <token>"}
# npm start prints development tokens;
# npm run token -- <email> makes one.
# Run Me, then CrisisAlerts, and raise a
# crisis (raiseCrisis): it shows up live.

query Me {
  me { name roles organization { name } }
  clients(first: 3) { edges { node { id name } } }
}

subscription CrisisAlerts {
  crisisAlerts { eventId kind severity crisis { id status category } }
}
`;

/** The page, for yoga's `renderGraphiQL`. */
export function renderGraphiQL(options: GraphiQLOptions): string {
  const title = escapeHtml(options.title ?? 'Casegraph');
  // Inside <script>: no "</script>" can end it early.
  const opts = JSON.stringify({ ...options, query: EXAMPLE }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PREFIX}graphiql.css">
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading ${title}…</div>
<script>
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: function (moduleId, label) {
    var file = label === 'json' ? 'json' : label === 'graphql' ? 'graphql' : 'editor';
    return '${ASSET_PREFIX}' + file + '.worker.js';
  }
};
</script>
<script src="${ASSET_PREFIX}graphql-ws.js"></script>
<script src="${ASSET_PREFIX}yoga-graphiql.js"></script>
<script>
${PAGE_SCRIPT}
var opts = ${opts};
opts.fetcher = casegraphFetcher(location.pathname.replace(/\\/+$/, ''));
YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), opts);
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Plain ES2017 for the browser. Queries and mutations: fetch with the Headers tab. Subscriptions:
// one graphql-ws client per distinct headers, the headers as its connectionParams.
const PAGE_SCRIPT = String.raw`
function casegraphFetcher(endpoint) {
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + endpoint;
  var current = null; // { key, client }

  function connectionParams(headers) {
    var params = {};
    Object.keys(headers || {}).forEach(function (name) {
      params[/^authorization$/i.test(name) ? 'authorization' : name] = headers[name];
    });
    return params;
  }

  function wsClient(headers) {
    var params = connectionParams(headers);
    var key = JSON.stringify(params);
    if (current && current.key === key) return current.client;
    if (current) current.client.dispose();
    var client = graphqlWs.createClient({ url: wsUrl, connectionParams: params, lazy: true, retryAttempts: 0 });
    current = { key: key, client: client };
    return client;
  }

  function isSubscription(params, documentAST) {
    var operations = ((documentAST && documentAST.definitions) || []).filter(function (d) { return d.kind === 'OperationDefinition'; });
    var chosen = operations.filter(function (o) { return !params.operationName || (o.name && o.name.value === params.operationName); })[0];
    if (chosen) return chosen.operation === 'subscription';
    return /^\s*subscription\b/.test(String(params.query).replace(/#[^\n]*/g, ''));
  }

  // What graphql-ws hands to error(): a CloseEvent, an Event (socket error), GraphQL errors or an Error.
  function describe(error) {
    if (Array.isArray(error)) return error;
    if (error && typeof error.code === 'number') {
      var code = error.code === 4401 ? 'UNAUTHENTICATED' : error.code === 4403 ? 'FORBIDDEN' : 'SOCKET_CLOSED';
      var hint = error.code === 4401 ? ' (put {"Authorization": "Bearer <token>"} in the Headers tab)' : '';
      return [{ message: 'The subscription socket closed: ' + error.code + ' ' + (error.reason || 'no reason given') + hint, extensions: { code: code, closeCode: error.code } }];
    }
    if (error instanceof Error) return [{ message: error.message }];
    return [{ message: 'Could not connect to ' + wsUrl + ' (is the server running?)', extensions: { code: 'SOCKET_ERROR' } }];
  }

  return function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    if (isSubscription(params, options && options.documentAST)) {
      return {
        subscribe: function (sink) {
          var stop = wsClient(headers).subscribe(params, {
            next: function (result) { sink.next(result); },
            error: function (error) { sink.next({ errors: describe(error) }); sink.complete(); },
            complete: function () { sink.complete(); }
          });
          return { unsubscribe: stop };
        }
      };
    }
    var requestHeaders = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    Object.keys(headers).forEach(function (name) { requestHeaders[name] = headers[name]; });
    return fetch(endpoint, { method: 'POST', headers: requestHeaders, body: JSON.stringify(params), credentials: 'same-origin' })
      .then(function (response) { return response.json(); });
  };
}
`;
