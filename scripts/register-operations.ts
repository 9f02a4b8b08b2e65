// Registers frontend operations as persisted operations: each .graphql file's document is
// validated against the schema, printed in graphql-js's canonical form (comments and layout
// dropped) and added to the manifest under its sha256. Clients send that hash:
//   extensions: { persistedQuery: { version: 1, sha256Hash } }
// Usage: npm run operations:register -- [--manifest persisted-operations.json] [--replace] files...
// The manifest is checked in; PERSISTED_OPERATIONS names it for the server.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, print, validate, type OperationDefinitionNode } from 'graphql';
import { hashOperation, loadManifest } from '../src/http/persisted-operations.js';
import { schema } from '../src/schema/index.js';

const args = process.argv.slice(2);
let manifestPath = 'persisted-operations.json';
let replace = false;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--manifest') manifestPath = args[++i] ?? manifestPath;
  else if (args[i] === '--replace') replace = true;
  else files.push(args[i]!);
}
if (files.length === 0) {
  console.error('usage: npm run operations:register -- [--manifest path.json] [--replace] file.graphql...');
  process.exit(2);
}

const operations = !replace && existsSync(manifestPath) ? loadManifest(manifestPath) : new Map<string, string>();
let failed = false;
let added = 0;
for (const file of files) {
  const document = parse(readFileSync(file, 'utf8'));
  const errors = validate(schema, document);
  if (errors.length > 0) {
    failed = true;
    for (const error of errors) console.error(`${file}: ${error.message}`);
    continue;
  }
  const text = print(document);
  const hash = hashOperation(text);
  const names = document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')
    .map((d) => d.name?.value ?? '(anonymous)');
  if (!operations.has(hash)) added++;
  operations.set(hash, text);
  console.log(`${hash}  ${names.join(', ')}  ${file}`);
}
if (failed) {
  console.error('Nothing written: fix the operations above.');
  process.exit(1);
}
const sorted = Object.fromEntries([...operations].sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(manifestPath, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`${manifestPath}: ${operations.size} operation(s), ${added} new`);
