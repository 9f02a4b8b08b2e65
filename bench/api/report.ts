// Per-run figures folded into one row per target and concurrency, and the markdown table.
import type { RunFigures } from './load.js';

export interface RunRecord extends RunFigures {
  target: string;
  round: number;
}

export interface Row {
  target: string;
  connections: number;
  rounds: number;
  requests: number;
  /** All rounds' requests over all rounds' seconds. */
  rps: number;
  /** Throughput over the bare yoga floor's at the same concurrency, same run. */
  ratioToBare: number | null;
  /** Median over the rounds. */
  p50Ms: number;
  p99Ms: number;
  /** All rounds' server CPU over all rounds' requests sent (see load.ts). */
  cpuMsPerRequest: number;
  /** All rounds' PostgreSQL CPU over all rounds' requests sent; null without a local PostgreSQL. */
  databaseCpuMsPerRequest: number | null;
  peakRssMiB: number;
  non2xx: number;
  errors: number;
  badAnswers: number;
  sqlStatements: number | null;
  perRound: Array<Pick<RunFigures, 'rps' | 'p50Ms' | 'p99Ms' | 'cpuMsPerRequest' | 'databaseCpuMsPerRequest' | 'requests'>>;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function fold(runs: RunRecord[], bareName: string, sql: Record<string, number>): Row[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = `${run.target}\u0000${run.connections}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const rows: Row[] = [...groups.values()].map((group) => {
    const first = group[0]!;
    const requests = group.reduce((sum, r) => sum + r.requests, 0);
    const seconds = group.reduce((sum, r) => sum + r.seconds, 0);
    const cpu = group.reduce((sum, r) => sum + r.cpuMs, 0);
    const sent = group.reduce((sum, r) => sum + r.sent, 0);
    const database = group.every((r) => r.databaseCpuMs !== null) ? group.reduce((sum, r) => sum + r.databaseCpuMs!, 0) : null;
    return {
      target: first.target,
      connections: first.connections,
      rounds: group.length,
      requests,
      rps: round(requests / seconds),
      ratioToBare: null,
      p50Ms: median(group.map((r) => r.p50Ms)),
      p99Ms: median(group.map((r) => r.p99Ms)),
      cpuMsPerRequest: sent > 0 ? round(cpu / sent, 2) : NaN,
      databaseCpuMsPerRequest: database !== null && sent > 0 ? round(database / sent, 2) : null,
      peakRssMiB: Math.max(...group.map((r) => r.peakRssMiB)),
      non2xx: group.reduce((sum, r) => sum + r.non2xx, 0),
      errors: group.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
      badAnswers: group.reduce((sum, r) => sum + r.badAnswers, 0),
      sqlStatements: sql[first.target] ?? null,
      perRound: group.map((r) => ({ requests: r.requests, rps: r.rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms, cpuMsPerRequest: r.cpuMsPerRequest, databaseCpuMsPerRequest: r.databaseCpuMsPerRequest })),
    };
  });
  for (const row of rows) {
    const bare = rows.find((r) => r.target === bareName && r.connections === row.connections);
    row.ratioToBare = bare && bare.rps > 0 ? round(row.rps / bare.rps, 3) : null;
  }
  return rows;
}

export function markdownTable(rows: Row[]): string {
  const header = ['operation', 'conc.', 'answered', 'req/s', '× bare', 'p50 ms', 'p99 ms', 'CPU ms/req', 'PG CPU ms/req', 'peak RSS MiB', 'SQL/req', 'non-2xx / errors / bad'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((h, i) => (i < 1 ? '---' : '---:')).join(' | ')} |`];
  const sorted = [...rows].sort((a, b) => a.connections - b.connections);
  for (const row of sorted) {
    lines.push(
      `| ${[
        row.target,
        row.connections,
        row.requests,
        row.rps.toFixed(1),
        row.ratioToBare === null ? '' : row.ratioToBare < 0.01 ? row.ratioToBare.toFixed(4) : row.ratioToBare.toFixed(3),
        row.p50Ms,
        row.p99Ms,
        Number.isNaN(row.cpuMsPerRequest) ? '' : row.cpuMsPerRequest.toFixed(2),
        row.databaseCpuMsPerRequest === null ? '' : row.databaseCpuMsPerRequest.toFixed(2),
        row.peakRssMiB.toFixed(0),
        row.sqlStatements ?? '',
        `${row.non2xx} / ${row.errors} / ${row.badAnswers}`,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
