// The floor of the API benchmark (bench/api.ts): graphql-yoga with no plugins of ours, no
// database, no authentication, answering `{ __typename }` on a node:http server the way the
// app serves yoga (src/app.ts). PORT (required), HOST (default 127.0.0.1).
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('bare-yoga: set PORT');
  process.exit(1);
}
const host = process.env.HOST ?? '127.0.0.1';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
  graphiql: false,
  logging: false,
  landingPage: false,
});

const server = createServer(async (req, res) => {
  if (req.url === '/ready') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    return;
  }
  await yoga.requestListener(req, res);
});
server.listen(port, host, () => console.log(`bare yoga on http://${host}:${port}/graphql`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
