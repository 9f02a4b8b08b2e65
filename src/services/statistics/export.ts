// A statistics table as CSV or NDJSON lines, produced lazily so that the HTTP layer can stream
// them. Suppressed cells are empty (CSV) or null (NDJSON) and flagged, exactly as in the table.
import { DIMENSION_ENTITY } from './catalog.js';
import type { StatisticsRow, StatisticsTable } from './table.js';

export type ExportFormat = 'csv' | 'ndjson';

const globalIdOf = (entity: string, id: string) => Buffer.from(`${entity}:${id}`).toString('base64');

function keyValue(row: StatisticsRow, i: number): string | null {
  const key = row.keys[i]!;
  const entity = DIMENSION_ENTITY[key.dimension];
  return entity && key.value ? globalIdOf(entity, key.value) : key.value;
}

/** RFC 4180 quoting; a leading = + - @ is neutralised so that a spreadsheet does not run a label as a formula. */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function* exportLines(table: StatisticsTable, format: ExportFormat): Generator<string> {
  const all = [...table.rows.map((row) => ({ row, total: false })), ...table.totals.map((row) => ({ row, total: true }))];
  if (format === 'ndjson') {
    for (const { row, total } of all) {
      yield `${JSON.stringify({
        total,
        period: row.period?.toISOString() ?? null,
        periodTotal: row.periodTotal,
        keys: row.keys.map((key, i) => ({ dimension: key.dimension, value: keyValue(row, i), label: key.label, total: key.total })),
        cells: row.cells,
      })}\n`;
    }
    return;
  }
  const header = [
    'row',
    ...(table.timeGrain ? ['period'] : []),
    ...table.dimensions.flatMap((dimension) => [dimension, `${dimension}_label`]),
    ...table.measures.flatMap((measure) => [measure, `${measure}_suppressed`]),
  ];
  yield `${header.map(csvField).join(',')}\r\n`;
  for (const { row, total } of all) {
    const fields: Array<string | number | boolean | null> = [total ? 'TOTAL' : 'ROW'];
    if (table.timeGrain) fields.push(row.periodTotal ? 'TOTAL' : (row.period?.toISOString() ?? null));
    row.keys.forEach((key, i) => fields.push(key.total ? 'TOTAL' : keyValue(row, i), key.label));
    for (const cell of row.cells) fields.push(cell.value, cell.suppressed);
    yield `${fields.map(csvField).join(',')}\r\n`;
  }
}
