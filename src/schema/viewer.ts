// Resolvers take their viewer from here; services from src/auth/viewer.ts, below the schema.
export { viewerOf } from '../auth/viewer.js';
