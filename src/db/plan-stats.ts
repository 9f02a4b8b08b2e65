// How often Prisma compiles a query plan (its WebAssembly query compiler). Prisma caches plans by
// the query's shape; a shape that changes per call (values that coincide or not, row counts)
// compiles again every time, at 15–130 ms of CPU. Tests and benchmarks count compilations to
// find such shapes: after a warm-up, a request should compile nothing.
import { QueryCompiler } from '@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs';

type Compile = (this: unknown, request: string) => unknown;

let compiled = 0;
let installed = false;

/** Starts counting (once per process); returns the number of plans compiled so far. */
export function planCompilations(): number {
  if (!installed) {
    installed = true;
    const prototype = QueryCompiler.prototype as unknown as Record<'compile' | 'compileBatch', Compile>;
    for (const method of ['compile', 'compileBatch'] as const) {
      const original = prototype[method];
      prototype[method] = function (this: unknown, request: string) {
        compiled += 1;
        return original.call(this, request);
      };
    }
  }
  return compiled;
}
