// Writes schema.graphql, the printed SDL that is checked in (a test fails when it drifts).
import { writeFileSync } from 'node:fs';
import { printSortedSchema } from '../src/schema/index.js';

writeFileSync(new URL('../schema.graphql', import.meta.url), printSortedSchema());
console.log('schema.graphql written');
