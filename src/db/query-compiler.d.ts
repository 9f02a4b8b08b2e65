// The part of Prisma's query compiler module that plan-stats.ts counts calls of.
declare module '@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs' {
  export class QueryCompiler {
    compile(request: string): unknown;
    compileBatch(request: string): unknown;
  }
}
