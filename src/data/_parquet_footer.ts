/**
 * The null counts a Parquet file's footer records per column (its column chunks'
 * statistics), read without reading any data: a scanned table fills nulls in a string
 * column (Kusto strings are never null) only where a file says it has some, since the fill
 * stops Polars from pushing a query's filters on that column into the reader.
 *
 * The footer is Thrift's compact protocol; only the fields needed are decoded, the rest
 * skipped by type.
 *
 * @module
 */
import { DataLoadError } from "./errors.ts";

/**
 * Null values per top-level column of the Parquet file `file` (summed over its row
 * groups), or undefined for a column, or the whole file, whose footer does not say.
 * Writers may over-count (nodejs-polars 0.25.2 records some chunks' nulls twice), so a
 * caller can trust zero, and that a count above zero means "some".
 */
export async function parquetNullCounts(
  file: string,
): Promise<Map<string, number | undefined> | undefined> {
  try {
    using handle = await Deno.open(file, { read: true });
    const footer = await readFooter(handle, (await handle.stat()).size);
    return footer ? nullCounts(new Reader(footer)) : undefined;
  } catch {
    return undefined; // unreadable here: the scan itself reports the file
  }
}

/**
 * What is inconsistent in the footer of the Parquet file `file`, or undefined when nothing
 * is (or the footer cannot be read here: reading the file then reports it). Checked: the
 * file's row count against its row groups', each flat column chunk's value count against
 * its row group's rows, and that every chunk lies inside the file. A flipped bit in these
 * fields would otherwise read other rows, or fewer, without an error.
 */
export async function parquetFooterProblem(file: string): Promise<string | undefined> {
  let footer: Uint8Array | undefined;
  let size: number;
  try {
    using handle = await Deno.open(file, { read: true });
    size = (await handle.stat()).size;
    footer = await readFooter(handle, size);
  } catch {
    return undefined;
  }
  if (!footer) return undefined;
  try {
    return footerProblem(new Reader(footer), size);
  } catch (error) {
    return `its footer is malformed (${(error as Error).message})`;
  }
}

async function readFooter(handle: Deno.FsFile, size: number): Promise<Uint8Array | undefined> {
  if (size < 12) return undefined;
  const tail = new Uint8Array(8);
  await handle.seek(size - 8, Deno.SeekMode.Start);
  if (!(await readFully(handle, tail))) return undefined;
  const length = new DataView(tail.buffer).getUint32(0, true);
  if (String.fromCharCode(...tail.subarray(4)) !== "PAR1" || length > size - 12) {
    return undefined;
  }
  const footer = new Uint8Array(length);
  await handle.seek(size - 8 - length, Deno.SeekMode.Start);
  return (await readFully(handle, footer)) ? footer : undefined;
}

interface ChunkFacts {
  column?: string;
  depth: number;
  values?: bigint;
  start?: bigint;
  bytes?: bigint;
}

function footerProblem(r: Reader, size: number): string | undefined {
  let fileRows: bigint | undefined;
  const groups: Array<{ rows?: bigint; chunks: ChunkFacts[] }> = [];
  r.struct((id, type) => {
    if (id === 3 && type === I64) { // FileMetaData.num_rows
      fileRows = r.zigzag();
      return true;
    }
    if (id !== 4 || type !== LIST) return false; // FileMetaData.row_groups
    const { size: count } = r.list();
    for (let g = 0; g < count; g++) {
      const group: { rows?: bigint; chunks: ChunkFacts[] } = { chunks: [] };
      r.struct((gid, gtype) => {
        if (gid === 3 && gtype === I64) { // RowGroup.num_rows
          group.rows = r.zigzag();
          return true;
        }
        if (gid !== 1 || gtype !== LIST) return false; // RowGroup.columns
        const chunks = r.list();
        for (let c = 0; c < chunks.size; c++) group.chunks.push(chunkFacts(r));
        return true;
      });
      groups.push(group);
    }
    return true;
  });
  const sum = groups.reduce((n, g) => n + (g.rows ?? 0n), 0n);
  if (fileRows !== undefined && fileRows !== sum) {
    return `its footer says ${fileRows} rows but its row groups hold ${sum}`;
  }
  for (const [g, group] of groups.entries()) {
    for (const chunk of group.chunks) {
      const where = `column ${chunk.column ?? "?"} of row group ${g + 1}`;
      if (
        chunk.depth === 1 && chunk.values !== undefined && group.rows !== undefined &&
        chunk.values !== group.rows
      ) {
        return `its footer gives ${where} ${chunk.values} values for ${group.rows} rows`;
      }
      if (
        chunk.start !== undefined && chunk.bytes !== undefined &&
        (chunk.start < 4n || chunk.bytes < 0n || chunk.start + chunk.bytes > BigInt(size))
      ) {
        return `its footer places ${where} outside the file`;
      }
    }
  }
  return undefined;
}

// A ColumnChunk's path, value count, first page offset and compressed size.
function chunkFacts(r: Reader): ChunkFacts {
  const out: ChunkFacts = { depth: 0 };
  r.struct((id, type) => {
    if (id !== 3 || type !== STRUCT) return false; // ColumnChunk.meta_data
    r.struct((mid, mtype) => {
      if (mid === 3 && mtype === LIST) { // path_in_schema
        const { size } = r.list();
        out.depth = size;
        for (let i = 0; i < size; i++) {
          const part = new TextDecoder().decode(r.binary());
          if (i === 0) out.column = part;
        }
        return true;
      }
      if (mtype !== I64) return false;
      if (mid === 5) out.values = r.zigzag(); // num_values
      else if (mid === 7) out.bytes = r.zigzag(); // total_compressed_size
      else if (mid === 9) out.start ??= r.zigzag(); // data_page_offset
      else if (mid === 11) { // dictionary_page_offset: the chunk starts at its dictionary
        const at = r.zigzag();
        if (at > 0n && (out.start === undefined || at < out.start)) out.start = at;
      } else return false;
      return true;
    });
    return true;
  });
  return out;
}

async function readFully(handle: Deno.FsFile, into: Uint8Array): Promise<boolean> {
  let at = 0;
  while (at < into.length) {
    const n = await handle.read(into.subarray(at));
    if (n === null) return false;
    at += n;
  }
  return true;
}

// Compact protocol field types.
const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const I8 = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new RangeError("footer ends early");
    return this.bytes[this.at++];
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  binary(): Uint8Array {
    const length = Number(this.varint());
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  /** The next field's id and type, or undefined at the struct's end. */
  field(last: number): { id: number; type: number } | undefined {
    const head = this.byte();
    if (head === 0) return undefined;
    const delta = head >> 4;
    const type = head & 0x0f;
    const id = delta === 0 ? Number(this.zigzag()) : last + delta;
    return { id, type };
  }

  list(): { type: number; size: number } {
    const head = this.byte();
    const size = head >> 4 === 0x0f ? Number(this.varint()) : head >> 4;
    return { type: head & 0x0f, size };
  }

  skip(type: number): void {
    switch (type) {
      case BOOL_TRUE:
      case BOOL_FALSE:
        return;
      case I8:
        this.at++;
        return;
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        this.at += 8;
        return;
      case BINARY:
        this.binary();
        return;
      case LIST:
      case SET: {
        const { type: element, size } = this.list();
        for (let i = 0; i < size; i++) this.skipElement(element);
        return;
      }
      case MAP: {
        const size = Number(this.varint());
        if (size === 0) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) {
          this.skipElement(kinds >> 4);
          this.skipElement(kinds & 0x0f);
        }
        return;
      }
      case STRUCT:
        this.struct(() => false);
        return;
      default:
        throw new RangeError(`unknown compact type ${type}`);
    }
  }

  // In lists, booleans are one byte each.
  skipElement(type: number): void {
    if (type === BOOL_TRUE || type === BOOL_FALSE) this.at++;
    else this.skip(type);
  }

  /** Reads a struct, handing each field to `on` (which returns true when it consumed it). */
  struct(on: (id: number, type: number) => boolean): void {
    let last = 0;
    for (;;) {
      const f = this.field(last);
      if (!f) return;
      if (!on(f.id, f.type)) this.skip(f.type);
      last = f.id;
    }
  }
}

function nullCounts(r: Reader): Map<string, number | undefined> {
  const counts = new Map<string, number | undefined>();
  r.struct((id, type) => {
    if (id !== 4 || type !== LIST) return false; // FileMetaData.row_groups
    const { size } = r.list();
    for (let g = 0; g < size; g++) {
      r.struct((gid, gtype) => {
        if (gid !== 1 || gtype !== LIST) return false; // RowGroup.columns
        const chunks = r.list();
        for (let c = 0; c < chunks.size; c++) {
          const chunk = readChunk(r);
          if (!chunk.column) continue;
          const before = counts.has(chunk.column) ? counts.get(chunk.column) : 0;
          counts.set(
            chunk.column,
            before === undefined || chunk.nulls === undefined ? undefined : before + chunk.nulls,
          );
        }
        return true;
      });
    }
    return true;
  });
  return counts;
}

// A ColumnChunk's top-level column name and null count (meta_data.statistics.null_count).
function readChunk(r: Reader): { column?: string; nulls?: number } {
  const out: { column?: string; nulls?: number } = {};
  r.struct((id, type) => {
    if (id !== 3 || type !== STRUCT) return false; // ColumnChunk.meta_data
    r.struct((mid, mtype) => {
      if (mid === 3 && mtype === LIST) { // path_in_schema
        const { size } = r.list();
        for (let i = 0; i < size; i++) {
          const part = new TextDecoder().decode(r.binary());
          if (i === 0) out.column = part;
        }
        return true;
      }
      if (mid === 12 && mtype === STRUCT) { // statistics
        r.struct((sid, stype) => {
          if (sid !== 3 || stype !== I64) return false; // null_count
          out.nulls = Number(r.zigzag());
          return true;
        });
        return true;
      }
      return false;
    });
    return true;
  });
  return out;
}

/**
 * Refuses the Parquet file `file` when its footer is inconsistent
 * ({@link parquetFooterProblem}).
 *
 * @throws {DataLoadError} naming the file and what differs.
 */
export async function checkParquetFooter(file: string): Promise<void> {
  const problem = await parquetFooterProblem(file);
  if (problem === undefined) return;
  throw new DataLoadError(`Cannot read ${file}: it is damaged: ${problem}`, {
    file,
    hint: "Copy or export the file again, or move it out of the folder to query the rest.",
  });
}
