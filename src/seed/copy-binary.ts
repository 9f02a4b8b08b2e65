// Rows in PostgreSQL's binary COPY format, for ./copy-writer.ts. Measured here, the server spent
// about a quarter less CPU loading the binary form of the same rows than their text form (no
// parsing of ids, timestamps and enums), and building it costs Node less than building text:
// numbers go straight into a buffer, no strings are concatenated.
//
// Each value must mean what the Prisma path (./prisma-writer.ts) makes of it, which sends text:
// a Date is its instant (a `date` column takes its UTC day), numbers are written from their
// decimal text, array elements are strings. How to write a column comes from the catalog.
import type pg from 'pg';
import { type Batch, INSERT_LEVELS, type TableKey, tableName } from './tables.js';

const TABLES = INSERT_LEVELS.flat();

/** Writes one non-null value as a field: its length, then its bytes. */
type FieldWriter = (out: ByteBuffer, value: unknown) => void;

interface Column {
  name: string;
  write: FieldWriter;
}

/** How each table's rows are laid out: fixed by its first row, shared by every chunk of the run. */
export type Layouts = Map<TableKey, Column[]>;

/** Database table -> column -> writer. */
export type ColumnWriters = Map<string, Map<string, FieldWriter>>;

export async function readColumnWriters(client: pg.Client): Promise<ColumnWriters> {
  const { rows } = await client.query<{ table: string; column: string; type: string; kind: string; elementOid: number | null; elementType: string | null; elementKind: string | null }>(
    `SELECT c.relname AS table, a.attname AS column, t.typname AS type, t.typtype AS kind,
            e.oid::int AS "elementOid", e.typname AS "elementType", e.typtype AS "elementKind"
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const writers: ColumnWriters = new Map();
  for (const r of rows) {
    let write: FieldWriter | undefined;
    if (r.elementOid !== null) {
      const elementOid = r.elementOid;
      if (r.elementKind === 'e' || r.elementType === 'text' || r.elementType === 'varchar') write = (out, value) => out.textArray(value as unknown[], elementOid);
    } else {
      write = r.kind === 'e' ? WRITERS.text : WRITERS[r.type];
    }
    // A column of another type fails when a seed row fills it, not before.
    write ??= () => {
      throw new Error(`seed: no binary COPY writer for ${r.table}.${r.column} (${r.type})`);
    };
    if (!writers.has(r.table)) writers.set(r.table, new Map());
    writers.get(r.table)!.set(r.column, write);
  }
  return writers;
}

const DAY_MS = 86_400_000;
/** PostgreSQL counts dates and timestamps from 2000-01-01. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

function instant(value: unknown): number {
  if (!(value instanceof Date)) throw new Error(`seed: timestamps must be Date objects (got ${typeof value})`);
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new Error('seed: invalid Date');
  return ms;
}

function whole(value: unknown, limit: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -limit || value >= limit) throw new Error(`seed: ${String(value)} is not a whole number in range`);
  return value;
}

const WRITERS: Readonly<Record<string, FieldWriter>> = {
  uuid: (out, value) => out.uuid(value as string),
  text: (out, value) => out.text(typeof value === 'string' ? value : String(value)),
  varchar: (out, value) => out.text(typeof value === 'string' ? value : String(value)),
  bool: (out, value) => out.bool(Boolean(value)),
  int4: (out, value) => out.int4(whole(value, 2 ** 31)),
  int8: (out, value) => out.int8(whole(value, 2 ** 53)),
  float8: (out, value) => out.float8(value as number),
  numeric: (out, value) => out.numeric(String(value)),
  // Microseconds since 2000: whole milliseconds times 1000 stay exact below 2^53.
  timestamp: (out, value) => out.int8((instant(value) - PG_EPOCH_MS) * 1000),
  timestamptz: (out, value) => out.int8((instant(value) - PG_EPOCH_MS) * 1000),
  date: (out, value) => out.int4(Math.floor((instant(value) - PG_EPOCH_MS) / DAY_MS)),
  jsonb: (out, value) => out.jsonb(JSON.stringify(value)),
  json: (out, value) => out.text(JSON.stringify(value)),
};

// ------------------------------------------------------------------ a chunk's rows

/** A chunk's rows in binary COPY format, per table, with the columns each lists. */
export class BinaryRows {
  readonly tables = new Map<TableKey, { columns: string[]; data: ByteBuffer; rows: number }>();

  constructor(
    private readonly writers: ColumnWriters,
    private readonly layouts: Layouts,
  ) {}

  /** Encodes the rows and empties the arrays. */
  take(rows: Batch): void {
    for (const table of TABLES) {
      const list = rows[table] as Record<string, unknown>[];
      if (list.length === 0) continue;
      const layout = this.layouts.get(table) ?? this.layout(table, list[0]!);
      let encoded = this.tables.get(table);
      if (!encoded) this.tables.set(table, (encoded = { columns: layout.map((c) => c.name), data: new ByteBuffer(), rows: 0 }));
      const out = encoded.data;
      for (const row of list) {
        out.fieldCount(layout.length);
        for (const column of layout) {
          const value = row[column.name];
          if (value === null) out.null();
          else if (value !== undefined) column.write(out, value);
          else if (Object.keys(row).length === layout.length) out.null();
          else throw new Error(`${tableName(table)} rows must all have the same fields`);
        }
      }
      encoded.rows += list.length;
      list.length = 0;
    }
  }

  private layout(table: TableKey, first: Record<string, unknown>): Column[] {
    const name = tableName(table);
    const columns = this.writers.get(name);
    if (!columns) throw new Error(`table ${name} not found: is the database migrated?`);
    const layout = Object.keys(first).map((column) => {
      const write = columns.get(column);
      if (!write) throw new Error(`column ${name}.${column} not found: is the database migrated?`);
      return { name: column, write };
    });
    this.layouts.set(table, layout);
    return layout;
  }
}

// ------------------------------------------------------------------ bytes

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Where the 16 byte pairs of xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx start. */
const UUID_HEX_PAIRS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
/** Value of each hex digit's character code; 16 for any other character. */
const HEX_VALUES = new Uint8Array(128).fill(16);
for (let i = 0; i < 16; i++) {
  HEX_VALUES['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUES['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const hexDigit = (c: number): number => (c < 128 ? HEX_VALUES[c]! : 16);

/**
 * A table's COPY data, off the JavaScript heap so the garbage collector never copies it. Each
 * field checks for room once, then writes its bytes directly.
 */
class ByteBuffer {
  private buffer = Buffer.allocUnsafe(1 << 18);
  private length = 0;

  constructor() {
    this.room(SIGNATURE.length + 8);
    this.length = SIGNATURE.copy(this.buffer, 0);
    this.put32(0); // flags
    this.put32(0); // header extension
  }

  /** The whole COPY data, with the end-of-data marker. */
  finish(): Buffer {
    this.fieldCount(-1);
    return this.buffer.subarray(0, this.length);
  }

  fieldCount(n: number): void {
    this.room(2);
    this.buffer[this.length++] = n >>> 8;
    this.buffer[this.length++] = n;
  }

  null(): void {
    this.room(4);
    this.put32(-1);
  }

  bool(v: boolean): void {
    this.room(5);
    this.put32(1);
    this.buffer[this.length++] = v ? 1 : 0;
  }

  int4(v: number): void {
    this.room(8);
    this.put32(4);
    this.put32(v);
  }

  /** A whole number of up to 53 bits, as PostgreSQL's 64-bit integer. */
  int8(v: number): void {
    this.room(12);
    this.put32(8);
    const high = Math.floor(v / 2 ** 32);
    this.put32(high);
    this.put32(v - high * 2 ** 32);
  }

  float8(v: number): void {
    this.room(12);
    this.put32(8);
    this.buffer.writeDoubleBE(v, this.length);
    this.length += 8;
  }

  uuid(s: string): void {
    if (s.length !== 36) throw new Error(`seed: not a UUID: ${s}`);
    this.room(20);
    this.put32(16);
    const b = this.buffer;
    let at = this.length;
    let bad = 0;
    for (let k = 0; k < 16; k++) {
      const i = UUID_HEX_PAIRS[k]!;
      const high = hexDigit(s.charCodeAt(i));
      const low = hexDigit(s.charCodeAt(i + 1));
      bad |= high | low;
      b[at++] = (high << 4) | low;
    }
    if (bad > 15 || s.charCodeAt(8) !== 45 || s.charCodeAt(13) !== 45 || s.charCodeAt(18) !== 45 || s.charCodeAt(23) !== 45) throw new Error(`seed: not a UUID: ${s}`);
    this.length = at;
  }

  text(s: string): void {
    this.room(4 + s.length * 3);
    const at = this.length;
    this.length += 4;
    this.utf8(s);
    this.lengthSince(at);
  }

  /** jsonb's binary form: a version byte, 1, before the JSON text. */
  jsonb(json: string): void {
    this.room(5 + json.length * 3);
    const at = this.length;
    this.length += 4;
    this.buffer[this.length++] = 1;
    this.utf8(json);
    this.lengthSince(at);
  }

  /** A one-dimensional array of strings (text or enum labels) whose element type is `elementOid`. */
  textArray(values: unknown[], elementOid: number): void {
    this.room(24);
    const at = this.length;
    this.length += 4;
    this.put32(values.length === 0 ? 0 : 1); // dimensions
    this.put32(0); // no nulls
    this.put32(elementOid);
    if (values.length > 0) {
      this.put32(values.length);
      this.put32(1); // lower bound
      for (const v of values) this.text(String(v));
    }
    this.lengthSince(at);
  }

  /** A decimal number, from its text: base-10000 digits around the decimal point. */
  numeric(decimal: string): void {
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal);
    if (!match) throw new Error(`seed: cannot write ${decimal} as numeric`);
    const minus = match[1] === '-';
    const whole = match[2]!;
    const fraction = match[3] ?? '';
    const wholeDigits = whole.padStart(Math.ceil(whole.length / 4) * 4, '0');
    const all = wholeDigits + fraction.padEnd(Math.ceil(fraction.length / 4) * 4, '0');
    const digits: number[] = [];
    for (let i = 0; i < all.length; i += 4) digits.push(Number(all.slice(i, i + 4)));
    let weight = wholeDigits.length / 4 - 1;
    while (digits.length > 0 && digits[0] === 0) {
      digits.shift();
      weight--;
    }
    while (digits.length > 0 && digits[digits.length - 1] === 0) digits.pop();
    const zero = digits.length === 0;
    this.room(12 + 2 * digits.length);
    this.put32(8 + 2 * digits.length);
    this.put16(digits.length);
    this.put16(zero ? 0 : weight);
    this.put16(minus && !zero ? 0x4000 : 0);
    this.put16(fraction.length); // display scale
    for (const d of digits) this.put16(d);
  }

  private put16(v: number): void {
    this.buffer[this.length++] = v >>> 8;
    this.buffer[this.length++] = v;
  }

  private put32(v: number): void {
    const b = this.buffer;
    const at = this.length;
    b[at] = v >>> 24;
    b[at + 1] = v >>> 16;
    b[at + 2] = v >>> 8;
    b[at + 3] = v;
    this.length = at + 4;
  }

  /** Fills in the length of the field that starts at `at`. */
  private lengthSince(at: number): void {
    const end = this.length;
    this.length = at;
    this.put32(end - at - 4);
    this.length = end;
  }

  /** Most strings are ASCII: copied a character at a time, they skip Buffer.write's overhead. */
  private utf8(s: string): void {
    const n = s.length;
    const b = this.buffer;
    const start = this.length;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) break;
      b[start + i] = c;
    }
    this.length += i === n ? n : b.write(s, start, 'utf8');
  }

  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.length + n, this.buffer.length * 2));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}
