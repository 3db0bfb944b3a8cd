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
import { binaryColumns } from "./_binary.ts";
import { type DataFrame, type LazyDataFrame, pl } from "../polars.ts";

/**
 * Null values per top-level column of the Parquet file `file` (summed over its row
 * groups), or undefined for a column, or the whole file, whose footer does not say.
 * Writers may over-count (nodejs-polars 0.25.2 records some chunks' nulls twice), so a
 * caller can trust zero, and that a count above zero means "some".
 */
export async function parquetNullCounts(
  file: string,
): Promise<Map<string, number | undefined> | undefined> {
  return (await parsedFooter(file))?.nulls;
}

/**
 * The rows of the Parquet file `file` (its row groups' counts, summed), from the footer read
 * once per file version, or undefined when the footer cannot be read here.
 */
export async function parquetRowCount(file: string): Promise<number | undefined> {
  const facts = (await parsedFooter(file))?.facts;
  return facts && Number(facts.groups.reduce((sum, g) => sum + g.rows, 0n));
}

/**
 * What is inconsistent in the footer of the Parquet file `file`, or undefined when nothing
 * is (or the footer cannot be read here: reading the file then reports it). Checked: the
 * file's row count against its row groups', each flat column chunk's value count against
 * its row group's rows, and that every chunk lies inside the file. A flipped bit in these
 * fields would otherwise read other rows, or fewer, without an error.
 */
export async function parquetFooterProblem(
  file: string,
  options: { pages?: boolean } = {},
): Promise<string | undefined> {
  const parsed = await parsedFooter(file);
  if (!parsed) return undefined;
  if (parsed.problem !== undefined) return parsed.problem;
  return options.pages ? await pagesProblem(file, parsed.size, parsed.chunks) : undefined;
}

/** What one read of a file version's footer gives: each check reads it from here. */
interface ParsedFooter {
  readonly size: number;
  /** What is inconsistent in it ({@link footerProblem}), or undefined. */
  readonly problem?: string;
  /** Its column chunks, in order, when it is consistent. */
  readonly chunks: ReadonlyArray<ChunkFacts & { group: number }>;
  /** Its statistics, when they decode. */
  readonly facts?: FileStatistics;
  /** Its null counts per column, when they decode. */
  readonly nulls?: Map<string, number | undefined>;
}

// path, size and mtime → the footer parsed then: a second query reads no footer again.
const footers = new Map<string, ParsedFooter>();
/** Footers kept (the oldest are dropped past it): a few MiB even for wide files. */
const MAX_FOOTERS = 4096;

/** The version of `file` (path, size, mtime) and its parsed footer, or undefined. */
async function parsedFooter(
  file: string,
): Promise<ParsedFooter & { version: string } | undefined> {
  let stat: Deno.FileInfo;
  let footer: Uint8Array | undefined;
  let version: string;
  try {
    stat = await Deno.stat(file);
    version = `${file}\0${stat.size}\0${stat.mtime?.getTime() ?? -1}`;
    const known = footers.get(version);
    if (known) return { ...known, version };
    using handle = await Deno.open(file, { read: true });
    footer = await readFooter(handle, stat.size);
  } catch {
    return undefined; // unreadable here: reading the file reports it
  }
  if (!footer) return undefined;
  const chunks: Array<ChunkFacts & { group: number }> = [];
  let problem: string | undefined;
  try {
    problem = footerProblem(new Reader(footer), stat.size, chunks);
  } catch (error) {
    problem = `its footer is malformed (${(error as Error).message})`;
  }
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };
  const parsed: ParsedFooter = {
    size: stat.size,
    problem,
    chunks: problem === undefined ? chunks : [],
    facts: attempt(() => statistics(new Reader(footer))),
    nulls: attempt(() => nullCounts(new Reader(footer))),
  };
  if (footers.size >= MAX_FOOTERS) footers.delete(footers.keys().next().value!);
  footers.set(version, parsed);
  return { ...parsed, version };
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
  /** The column's path in the schema, joined by dots. */
  path?: string;
  depth: number;
  values?: bigint;
  start?: bigint;
  bytes?: bigint;
}

function footerProblem(
  r: Reader,
  size: number,
  out: Array<ChunkFacts & { group: number }> = [],
): string | undefined {
  let fileRows: bigint | undefined;
  const groups: Array<{ rows?: bigint; chunks: ChunkFacts[] }> = [];
  let leaves: string[] | undefined;
  r.struct((id, type) => {
    if (id === 3 && type === I64) { // FileMetaData.num_rows
      fileRows = r.zigzag();
      return true;
    }
    if (id === 2 && type === LIST) { // FileMetaData.schema
      leaves = schemaLeaves(r).map((leaf) => leaf.join("."));
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
    // The schema names the columns; each chunk names the one it holds: a flipped bit in
    // either would read a renamed column of nulls.
    const paths = group.chunks.map((c) => c.path);
    if (leaves !== undefined && paths.join("\0") !== leaves.join("\0")) {
      const at = leaves.findIndex((leaf, i) => leaf !== paths[i]);
      return `its schema names column ${JSON.stringify(leaves[at] ?? "(none)")} where row group ${
        g + 1
      } holds ${JSON.stringify(paths[at] ?? "(none)")}`;
    }
    for (const chunk of group.chunks) {
      out.push({ ...chunk, group: g });
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

// The schema's leaf columns as paths (the root's name left out), in order. Kept as parts:
// a column's own name may hold a dot (`Device.Name`).
// `units` receives each top-level timestamp column's stored unit.
function schemaLeaves(r: Reader, units?: Map<string, TimeUnit>): string[][] {
  const { size } = r.list();
  const elements: Array<{ name: string; children: number; unit?: TimeUnit }> = [];
  for (let i = 0; i < size; i++) {
    const element: { name: string; children: number; unit?: TimeUnit } = { name: "", children: 0 };
    r.struct((id, type) => {
      if (id === 4 && type === BINARY) element.name = new TextDecoder().decode(r.binary());
      else if (id === 5 && type === I32) element.children = Number(r.zigzag());
      else if (id === 6 && type === I32) { // converted_type: TIMESTAMP_MILLIS 9, _MICROS 10
        const converted = Number(r.zigzag());
        if (converted === 9 || converted === 10) element.unit ??= converted === 9 ? "ms" : "us";
      } else if (id === 10 && type === STRUCT) element.unit = timestampUnit(r) ?? element.unit;
      else return false;
      return true;
    });
    elements.push(element);
  }
  const leaves: string[][] = [];
  let next = 1;
  const walk = (prefix: string[], count: number, depth: number): void => {
    if (depth > 100) throw new RangeError("the schema nests too deeply");
    for (let c = 0; c < count; c++) {
      const element = elements[next++];
      if (!element) throw new RangeError("the schema has fewer elements than it says");
      const path = [...prefix, element.name];
      if (element.children > 0) walk(path, element.children, depth + 1);
      else leaves.push(path);
      if (depth === 0 && element.children === 0 && element.unit) units?.set(path[0], element.unit);
    }
  };
  walk([], elements[0]?.children ?? 0, 0);
  return leaves;
}

/** A timestamp's stored unit. */
type TimeUnit = "ms" | "us" | "ns";

// A LogicalType's timestamp unit (TIMESTAMP is field 8; its unit, field 2, a union).
function timestampUnit(r: Reader): TimeUnit | undefined {
  let unit: TimeUnit | undefined;
  r.struct((id, type) => {
    if (id !== 8 || type !== STRUCT) return false;
    r.struct((tid, ttype) => {
      if (tid !== 2 || ttype !== STRUCT) return false;
      r.struct((uid, utype) => {
        if (utype === STRUCT) unit = (["ms", "us", "ns"] as const)[uid - 1];
        return false;
      });
      return true;
    });
    return true;
  });
  return unit;
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
        const parts: string[] = [];
        for (let i = 0; i < size; i++) parts.push(new TextDecoder().decode(r.binary()));
        out.column = parts[0];
        out.path = parts.join(".");
        return true;
      }
      if (mtype !== I64) return false;
      if (mid === 5) out.values = r.zigzag(); // num_values
      else if (mid === 7) out.bytes = r.zigzag(); // total_compressed_size
      else if (mid === 9) { // data_page_offset: 0 from pyarrow when the chunk has no values
        const at = r.zigzag();
        if (at !== 0n || out.values !== 0n) out.start ??= at;
      } else if (mid === 11) { // dictionary_page_offset: the chunk starts at its dictionary
        const at = r.zigzag();
        if (at > 0n && (out.start === undefined || at < out.start)) out.start = at;
      } else return false;
      return true;
    });
    return true;
  });
  return out;
}

// path, size and mtime → the page problem found then ("" for none).
const checkedPages = new Map<string, string>();

/**
 * What is wrong in the page headers of a file's column chunks, or undefined. Each header
 * is read (not the pages): its fields must have their types, its sizes fit in its chunk,
 * and a chunk's data pages must hold the values its footer says. Polars trusts these
 * fields: a flipped bit in one can make it allocate exabytes, which aborts the process.
 */
async function pagesProblem(
  file: string,
  size: number,
  chunks: ReadonlyArray<ChunkFacts & { group: number }>,
): Promise<string | undefined> {
  const stat = await Deno.stat(file).catch(() => undefined);
  const key = `${file}\0${size}\0${stat?.mtime?.getTime() ?? -1}`;
  const known = checkedPages.get(key);
  if (known !== undefined) return known || undefined;
  let problem: string | undefined;
  try {
    using handle = await Deno.open(file, { read: true });
    for (const chunk of chunks) {
      problem = chunkPagesProblem(handle, chunk);
      if (problem !== undefined) {
        problem = `column ${chunk.column ?? "?"} of row group ${chunk.group + 1} ${problem}`;
        break;
      }
    }
  } catch {
    return undefined; // unreadable here: reading the file reports it
  }
  checkedPages.set(key, problem ?? "");
  return problem;
}

/** A Parquet file's column chunks whose page headers are damaged. */
export interface DamagedChunks {
  /** The first damage, in words: column, row group and what is wrong. */
  readonly problem: string;
  /** Each damaged chunk's first byte and its length. */
  readonly ranges: ReadonlyArray<readonly [start: number, bytes: number]>;
}

// path, size and mtime → the damaged chunks found then (null: none).
const damagedChunks = new Map<string, DamagedChunks | null>();

/**
 * The column chunks of the Parquet file `file` whose page headers are damaged
 * (see {@link parquetFooterProblem}'s `pages`), or undefined when none is, or the footer
 * cannot be read here. Reads the headers only, once per path, size and modification time.
 */
export async function parquetDamagedChunks(file: string): Promise<DamagedChunks | undefined> {
  const parsed = await parsedFooter(file);
  if (!parsed || parsed.problem !== undefined) return undefined; // planning reports it
  const known = damagedChunks.get(parsed.version);
  if (known !== undefined) return known ?? undefined;
  let problem: string | undefined;
  const ranges: Array<readonly [number, number]> = [];
  try {
    using handle = await Deno.open(file, { read: true });
    for (const chunk of parsed.chunks) {
      const found = chunkPagesProblem(handle, chunk);
      if (found === undefined) continue;
      problem ??= `column ${chunk.column ?? "?"} of row group ${chunk.group + 1} ${found}`;
      ranges.push([Number(chunk.start), Number(chunk.bytes)]);
    }
  } catch {
    return undefined; // unreadable here: reading it reports it
  }
  const damaged = problem === undefined ? undefined : { problem, ranges };
  damagedChunks.set(parsed.version, damaged ?? null);
  return damaged;
}

/** Parquet's encodings: PLAIN, PLAIN_DICTIONARY, RLE, BIT_PACKED, the DELTAs, … (1 is unused). */
const ENCODINGS = new Set([0, 2, 3, 4, 5, 6, 7, 8, 9]);

const HEADER_WINDOW = 512;
const MAX_HEADER = 16 * 1024 * 1024;
/** The most bytes one page may decode to: 2 GiB (Parquet's sizes are 32-bit). */
const MAX_PAGE_BYTES = 2 ** 31 - 1;

function chunkPagesProblem(handle: Deno.FsFile, chunk: ChunkFacts): string | undefined {
  if (chunk.start === undefined || chunk.bytes === undefined || chunk.values === undefined) {
    return undefined;
  }
  const end = chunk.start + chunk.bytes;
  let at = chunk.start;
  let values = 0n;
  let pages = 0;
  while (at < end) {
    const header = pageHeaderAt(handle, at, end);
    if (typeof header === "string") return `has a damaged page header at byte ${at} (${header})`;
    pages++;
    if (header.compressed < 0 || header.uncompressed < 0) {
      return `has a page header at byte ${at} with a negative size`;
    }
    if (header.uncompressed > MAX_PAGE_BYTES) {
      return `has a page at byte ${at} that says it decodes to ${header.uncompressed} bytes`;
    }
    if (header.values < 0) return `has a page header at byte ${at} with a negative count`;
    if (at + BigInt(header.length + header.compressed) > end) {
      return `has a page at byte ${at} that runs past its chunk`;
    }
    at += BigInt(header.length + header.compressed);
    if (header.data) values += BigInt(header.values);
  }
  if (pages > 0 && values !== chunk.values) {
    return `holds ${values} values in its pages where its footer says ${chunk.values}`;
  }
  return undefined;
}

interface PageHeader {
  length: number;
  type: number;
  uncompressed: number;
  compressed: number;
  values: number;
  data: boolean;
}

// The page header at `at`: its fields, or what is wrong with it.
function pageHeaderAt(
  handle: Deno.FsFile,
  at: bigint,
  end: bigint,
): PageHeader | string {
  for (let window = HEADER_WINDOW; window <= MAX_HEADER; window *= 16) {
    const length = Number(end - at < BigInt(window) ? end - at : BigInt(window));
    const bytes = new Uint8Array(length);
    // Synchronously: a header is a few hundred bytes, and a folder has tens of thousands;
    // an asynchronous read each made the check of 300 files take seconds.
    if (!readFullySync(handle, Number(at), bytes)) return "the file ends inside it";
    try {
      return pageHeader(new Reader(bytes));
    } catch (error) {
      const message = (error as Error).message;
      if (message !== "footer ends early" || length < window) return message;
    }
  }
  return "it is larger than any page header";
}

function pageHeader(r: Reader): PageHeader {
  const out: PageHeader = {
    length: 0,
    type: -1,
    uncompressed: -1,
    compressed: -1,
    values: 0,
    data: false,
  };
  const int = (type: number, expected: number, name: string): number => {
    if (type !== expected) throw new RangeError(`${name} has the wrong type`);
    const value = r.zigzag();
    if (value < -(2n ** 31n) || value >= 2n ** 31n) throw new RangeError(`${name} overflows`);
    return Number(value);
  };
  // A data, dictionary or v2 data page header: its value count, typed as Parquet says.
  // Its 32-bit integer fields: 1-4 of a v1 data page, 1-6 of a v2, 1-2 of a dictionary.
  const inner = (name: string, ints: number, encodings: readonly number[]) =>
    r.struct((id, type) => {
      if (id > ints) return false;
      const value = int(type, I32, `${name} field ${id}`);
      if (id === 1) out.values = value;
      if (encodings.includes(id) && !ENCODINGS.has(value)) {
        throw new RangeError(`${name} names encoding ${value}, which Parquet has not`);
      }
      return true;
    });
  r.struct((id, type) => {
    if (id >= 1 && id <= 4) { // type, uncompressed_page_size, compressed_page_size, crc
      const value = int(type, I32, `field ${id}`);
      if (id === 1) out.type = value;
      else if (id === 2) out.uncompressed = value;
      else if (id === 3) out.compressed = value;
      return true;
    }
    if (id === 5 || id === 7 || id === 8) {
      if (type !== STRUCT) throw new RangeError(`field ${id} has the wrong type`);
      if (id === 5) inner("data_page_header", 4, [2, 3, 4]);
      else if (id === 7) inner("dictionary_page_header", 2, [2]);
      else inner("data_page_header_v2", 6, [4]);
      out.data = id !== 7;
      return true;
    }
    return false;
  });
  out.length = r.at;
  if (out.type < 0 || out.type > 3) throw new RangeError(`page type ${out.type} is unknown`);
  if (out.compressed < 0 || out.uncompressed < 0) throw new RangeError("a page size is missing");
  return out;
}

function readFullySync(handle: Deno.FsFile, from: number, into: Uint8Array): boolean {
  handle.seekSync(from, Deno.SeekMode.Start);
  let at = 0;
  while (at < into.length) {
    const n = handle.readSync(into.subarray(at));
    if (n === null) return false;
    at += n;
  }
  return true;
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
export async function checkParquetFooter(
  file: string,
  options: { pages?: boolean } = {},
): Promise<void> {
  const problem = await parquetFooterProblem(file, options);
  if (problem === undefined) return;
  throw new DataLoadError(`Cannot read ${file}: it is damaged: ${problem}`, {
    file,
    hint: "Copy or export the file again, or move it out of the folder to query the rest.",
  });
}

// ---------------------------------------------------------------- statistics

/** One flat column chunk's recorded statistics. */
interface ChunkStatistics {
  column: string;
  /** Parquet's physical type: 1 INT32, 2 INT64, 4 FLOAT, 5 DOUBLE, 6 BYTE_ARRAY, … */
  physical?: number;
  min?: Uint8Array;
  max?: Uint8Array;
  nulls?: bigint;
}

/** The file's top-level columns, each row group's rows and its flat chunks' statistics. */
interface FileStatistics {
  columns: string[];
  /** Each top-level timestamp column's stored unit (Polars may read it in another). */
  units: Map<string, TimeUnit>;
  groups: Array<{ rows: bigint; chunks: ChunkStatistics[] }>;
}

function statistics(r: Reader): FileStatistics {
  const groups: Array<{ rows: bigint; chunks: ChunkStatistics[] }> = [];
  let columns: string[] = [];
  const units = new Map<string, TimeUnit>();
  r.struct((id, type) => {
    if (id === 2 && type === LIST) { // FileMetaData.schema
      columns = [...new Set(schemaLeaves(r, units).map((leaf) => leaf[0]))];
      return true;
    }
    if (id !== 4 || type !== LIST) return false; // FileMetaData.row_groups
    const { size } = r.list();
    for (let g = 0; g < size; g++) {
      const group = { rows: -1n, chunks: [] as ChunkStatistics[] };
      r.struct((gid, gtype) => {
        if (gid === 3 && gtype === I64) { // RowGroup.num_rows
          group.rows = r.zigzag();
          return true;
        }
        if (gid !== 1 || gtype !== LIST) return false; // RowGroup.columns
        const chunks = r.list();
        for (let c = 0; c < chunks.size; c++) {
          const chunk = chunkStatistics(r);
          if (chunk) group.chunks.push(chunk);
        }
        return true;
      });
      groups.push(group);
    }
    return true;
  });
  return { columns, units, groups };
}

// A ColumnChunk's statistics, when it is a top-level (flat) column.
function chunkStatistics(r: Reader): ChunkStatistics | undefined {
  let depth = 0;
  const out: ChunkStatistics = { column: "" };
  const legacy: { min?: Uint8Array; max?: Uint8Array } = {};
  r.struct((id, type) => {
    if (id !== 3 || type !== STRUCT) return false; // ColumnChunk.meta_data
    r.struct((mid, mtype) => {
      if (mid === 1 && mtype === I32) { // type
        out.physical = Number(r.zigzag());
        return true;
      }
      if (mid === 3 && mtype === LIST) { // path_in_schema
        const { size } = r.list();
        depth = size;
        for (let i = 0; i < size; i++) {
          const part = new TextDecoder().decode(r.binary());
          if (i === 0) out.column = part;
        }
        return true;
      }
      if (mid !== 12 || mtype !== STRUCT) return false; // statistics
      r.struct((sid, stype) => {
        if (sid === 3 && stype === I64) out.nulls = r.zigzag(); // null_count
        else if (stype !== BINARY) return false;
        else if (sid === 1) legacy.max = r.binary().slice();
        else if (sid === 2) legacy.min = r.binary().slice();
        else if (sid === 5) out.max = r.binary().slice(); // max_value
        else if (sid === 6) out.min = r.binary().slice(); // min_value
        else return false;
        return true;
      });
      return true;
    });
    return true;
  });
  // Old writers ordered byte arrays as signed bytes: their legacy bounds are not bounds.
  if (out.physical !== BYTE_ARRAY_TYPE) {
    out.min ??= legacy.min;
    out.max ??= legacy.max;
  }
  return depth === 1 ? out : undefined;
}

const INT32_TYPE = 1;
const INT64_TYPE = 2;
const FLOAT_TYPE = 4;
const DOUBLE_TYPE = 5;
const BYTE_ARRAY_TYPE = 6;

/** How a column's values compare with its recorded bounds, by its Polars type. */
type Kind = "int" | "float" | "text";

/** The kind to check a column of Polars type `variant` stored as `physical`, if any. */
function kindOf(variant: string, physical: number | undefined): Kind | undefined {
  if (physical === INT32_TYPE && ["Int8", "Int16", "Int32", "Date"].includes(variant)) {
    return "int";
  }
  if (physical === INT64_TYPE && ["Int64", "Datetime"].includes(variant)) return "int";
  if (physical === FLOAT_TYPE && variant === "Float32") return "float";
  if (physical === DOUBLE_TYPE && variant === "Float64") return "float";
  if (physical === BYTE_ARRAY_TYPE && (variant === "String" || variant === "Utf8")) return "text";
  return undefined;
}

/** A recorded bound as a comparable value of `kind`, or undefined when it cannot be read. */
function boundOf(bytes: Uint8Array | undefined, kind: Kind, physical: number) {
  if (bytes === undefined) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === "text") return bytes;
  if (physical === INT32_TYPE) {
    return bytes.length === 4 ? BigInt(view.getInt32(0, true)) : undefined;
  }
  if (physical === INT64_TYPE) return bytes.length === 8 ? view.getBigInt64(0, true) : undefined;
  if (physical === FLOAT_TYPE) return bytes.length === 4 ? view.getFloat32(0, true) : undefined;
  return bytes.length === 8 ? view.getFloat64(0, true) : undefined;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

/** `a` < `b` for bounds and values of one kind. */
function below(a: bigint | number | Uint8Array, b: bigint | number | Uint8Array): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b) < 0;
  return (a as number) < (b as number);
}

function shown(value: bigint | number | Uint8Array): string {
  if (!(value instanceof Uint8Array)) return String(value);
  const text = new TextDecoder().decode(value);
  return JSON.stringify(text.length > 40 ? text.slice(0, 40) + "…" : text);
}

// path, size and mtime → the problem found then ("" for none).
const checkedStatistics = new Map<string, string>();

/**
 * What in the Parquet file `file` contradicts the statistics its footer recorded, or
 * undefined when nothing does: in each row group, every flat integer, date, time, real and
 * text column's values must lie within the recorded minimum and maximum, and hold no more
 * nulls than recorded (writers may over-count nulls, never under-count). A bit flipped in
 * a data page that still decodes gives values outside these bounds more often than not:
 * this is the check a file without a recorded SHA-256 can have. Reads the file's values
 * (or takes `options.frame`, its rows read already) once per path, size and modification
 * time.
 */
export async function parquetStatisticsProblem(
  file: string,
  options: { frame?: DataFrame } = {},
): Promise<string | undefined> {
  const parsed = await parsedFooter(file);
  if (!parsed?.facts) return undefined; // the footer check names a malformed footer
  const known = checkedStatistics.get(parsed.version);
  if (known !== undefined) return known || undefined;
  const source = options.frame?.lazy() ?? pl.scanParquet(file);
  const problem = statisticsProblem(source, parsed.facts);
  checkedStatistics.set(parsed.version, problem ?? "");
  return problem;
}

// `lazy` reads the file's rows (a scan of it, or the rows read already), in its order.
function statisticsProblem(
  lazy: LazyDataFrame,
  { columns, units, groups }: FileStatistics,
): string | undefined {
  let schema: Record<string, { variant: string }>;
  try {
    const empty = lazy.limit(0).collectSync();
    // Binary columns (read as hex text) have no bounds to check here.
    const binary = new Set(binaryColumns(empty, ""));
    const typed = empty.select(...empty.columns.filter((c) => !binary.has(c)));
    schema = Object.fromEntries(typed.columns.map((c, i) => [c, typed.dtypes[i]]));
    // Polars names the columns from the Arrow schema a writer may add to the metadata;
    // the Parquet schema names the data's: a flipped bit in the first gives a renamed
    // column of nulls.
    if (empty.columns.join("\0") !== columns.join("\0")) {
      return `its metadata names the columns ${JSON.stringify(empty.columns)} where its ` +
        `schema names ${JSON.stringify(columns)}`;
    }
  } catch {
    return undefined; // not readable as Parquet: reading it names the file
  }
  let offset = 0;
  const frames = [];
  const checks: Array<{ group: number; chunk: ChunkStatistics; kind: Kind; at: number }> = [];
  for (const [g, group] of groups.entries()) {
    const rows = Number(group.rows);
    const exprs = [];
    for (const chunk of group.chunks) {
      const dtype = schema[chunk.column];
      const kind = dtype && kindOf(dtype.variant, chunk.physical);
      if (!kind || chunk.physical === undefined) continue;
      // A timestamp's bounds are in the unit it is stored in: Polars may read it in another
      // (an Arrow schema's `timestamp[ns]` stored as micros by a Parquet 1.0 writer).
      const unit = units.get(chunk.column);
      if (dtype.variant === "Datetime" && unit === undefined) continue;
      const at = checks.length;
      const column = dtype.variant === "Datetime"
        ? pl.col(chunk.column).cast(pl.Datetime(unit!))
        : pl.col(chunk.column);
      const value = kind === "int"
        ? column.cast(pl.Int64)
        : kind === "float"
        ? column.cast(pl.Float64)
        : column;
      // Integers compared as integers, then handed over as text (exact past 2^53): as text
      // first, "8000" would be the maximum of 8000 and 70368744181664.
      const exact = (e: typeof value) => kind === "int" ? e.cast(pl.Utf8) : e;
      exprs.push(
        exact(value.min()).alias(`min${at}`),
        exact(value.max()).alias(`max${at}`),
        column.nullCount().cast(pl.Float64).alias(`nulls${at}`),
      );
      checks.push({ group: g, chunk, kind, at });
    }
    if (exprs.length > 0 && rows > 0) frames.push(lazy.slice(offset, rows).select(...exprs));
    offset += rows;
  }
  if (frames.length === 0) return undefined;
  // Synchronously: a damaged page can make Polars panic, which aborts the process from the
  // asynchronous collect (nodejs-polars 0.25.2).
  let facts: Record<string, unknown>;
  try {
    facts = Object.assign({}, ...frames.map((f) => f.collectSync().toRecords()[0]));
  } catch (error) {
    return decodeFailure(error);
  }
  for (const { group, chunk, kind, at } of checks) {
    const where = `column ${chunk.column} of row group ${group + 1}`;
    const nulls = facts[`nulls${at}`];
    if (chunk.nulls !== undefined && typeof nulls === "number" && nulls > Number(chunk.nulls)) {
      return `${where} holds ${nulls} nulls where its footer recorded ${chunk.nulls}`;
    }
    const physical = chunk.physical!;
    const min = boundOf(chunk.min, kind, physical);
    const max = boundOf(chunk.max, kind, physical);
    const value = (v: unknown) =>
      v === null || v === undefined
        ? undefined
        : kind === "int"
        ? BigInt(v as string)
        : kind === "text"
        ? new TextEncoder().encode(v as string)
        : Number.isNaN(v)
        ? undefined
        : v as number;
    const low = value(facts[`min${at}`]);
    const high = value(facts[`max${at}`]);
    if (min !== undefined && low !== undefined && below(low, min)) {
      return `${where} holds ${shown(low)}, below the minimum its footer recorded (${shown(min)})`;
    }
    if (max !== undefined && high !== undefined && below(max, high)) {
      return `${where} holds ${shown(high)}, above the maximum its footer recorded (${shown(max)})`;
    }
  }
  return undefined;
}

/** Why Polars could not decode a file's values, in one line (a panic's own message). */
export function decodeFailure(error: unknown): string {
  const first = String((error as Error)?.message ?? error).split("\n")[0];
  const panic = /JoinError::Panic\(Id\(\d+\), "((?:[^"\\]|\\.)*)"/.exec(first);
  return panic ? `the reader panicked: ${panic[1].split("\\n")[0]}` : first;
}

/**
 * Refuses the Parquet file `file` of table `table` when its values do not decode or
 * contradict its footer's statistics ({@link parquetStatisticsProblem}).
 *
 * @throws {DataLoadError} naming the file, and the column, row group and value at fault.
 */
export async function checkParquetStatistics(
  file: string,
  table: string,
  options: { frame?: DataFrame } = {},
): Promise<void> {
  const problem = await parquetStatisticsProblem(file, options);
  if (problem === undefined) return;
  throw new DataLoadError(
    `Cannot read ${file} (table ${table}): its data is damaged (${problem})`,
    {
      file,
      hint: "Copy or export the file again, or move it out of the folder to query the rest. " +
        "(A file without a recorded SHA-256 is checked against its own statistics.)",
    },
  );
}

// ---------------------------------------------------------------- scanned files

/**
 * The rows a query reads, as far as its time filter says: those whose timestamp `column`
 * lies between `from` and `to` (microseconds since 1970, both inclusive; an end left out is
 * open).
 */
export interface TimeWindow {
  readonly column: string;
  readonly from?: bigint;
  readonly to?: bigint;
}

// Whether row group `g`'s statistics of the window's column put all its rows outside the
// window (unknown statistics: no). Compared in nanoseconds, exactly.
function outsideWindow(facts: FileStatistics, g: number, window: TimeWindow): boolean {
  const unit = facts.units.get(window.column);
  const chunk = facts.groups[g].chunks.find((c) => c.column === window.column);
  // Nanoseconds: the engine's filter (datetimes in microseconds) does not prune such a
  // column by its statistics, so Polars reads every row group of it: all are checked.
  if (
    !unit || unit === "ns" || chunk?.physical !== 2 || chunk.min?.length !== 8 ||
    chunk.max?.length !== 8
  ) {
    return false;
  }
  const scale = unit === "ms" ? 1_000_000n : unit === "us" ? 1_000n : 1n;
  const at = (bytes: Uint8Array) =>
    new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0, true) * scale;
  const min = at(chunk.min);
  const max = at(chunk.max);
  if (min > max) return false; // not statistics to trust for skipping
  return (window.from !== undefined && max < window.from * 1_000n) ||
    (window.to !== undefined && min > window.to * 1_000n);
}

// path, size, mtime, row group and column → what was wrong then (null: nothing).
const checkedChunks = new Map<
  string,
  { problem: string; ranges: Array<[number, number]> } | null
>();

/**
 * The column chunks of `columns` in the Parquet file `file` whose page headers are damaged,
 * or whose values do not decode or contradict the statistics its footer recorded (a bit
 * flipped in a page that still decodes): what a scan that reads these columns checks
 * before Polars reads them. A chunk with a damaged page header is not read (Polars could
 * abort on it). Each chunk is checked once per file version.
 */
export async function parquetChunkProblems(
  file: string,
  columns: readonly string[],
  window?: TimeWindow,
): Promise<DamagedChunks | undefined> {
  const parsed = await parsedFooter(file);
  if (!parsed?.facts || parsed.problem !== undefined) return undefined; // planning reports it
  const { version, facts, chunks } = parsed;
  const wanted = new Set(columns);
  const keyOf = (group: number, column: string) => `${version}\0${group}\0${column}`;
  // Row groups the query's time filter excludes by their statistics: Polars skips them by
  // the same statistics, so their values are not read here either.
  const skipped = new Set(
    window ? facts.groups.flatMap((_, g) => outsideWindow(facts, g, window) ? [g] : []) : [],
  );
  const unchecked = new Map<number, Set<string>>();
  for (const [g, group] of facts.groups.entries()) {
    if (skipped.has(g)) continue;
    for (const chunk of group.chunks) {
      if (!wanted.has(chunk.column) || checkedChunks.has(keyOf(g, chunk.column))) continue;
      unchecked.set(g, (unchecked.get(g) ?? new Set()).add(chunk.column));
    }
  }
  // The usual case, sound pages: one read of the file checks every chunk still unchecked;
  // only a file with a problem is read again a chunk at a time, to find which.
  if (unchecked.size > 0 && (await parquetDamagedChunks(file)) === undefined) {
    const problem = statisticsProblem(pl.scanParquet(file), {
      ...facts,
      groups: facts.groups.map((g, i) => ({
        rows: g.rows,
        chunks: g.chunks.filter((c) => unchecked.get(i)?.has(c.column)),
      })),
    });
    if (problem === undefined) {
      for (const [g, names] of unchecked) {
        for (const c of names) checkedChunks.set(keyOf(g, c), null);
      }
    }
  }
  let problem: string | undefined;
  const ranges: Array<[number, number]> = [];
  for (const [g, group] of facts.groups.entries()) {
    if (skipped.has(g)) continue;
    for (const column of new Set(group.chunks.map((c) => c.column))) {
      if (!wanted.has(column)) continue;
      const key = keyOf(g, column);
      let found = checkedChunks.get(key);
      if (found === undefined) {
        found = await chunkProblem(file, facts, chunks, g, column);
        checkedChunks.set(key, found);
      }
      if (found === null) continue;
      problem ??= found.problem;
      ranges.push(...found.ranges);
    }
  }
  return problem === undefined ? undefined : { problem, ranges };
}

async function chunkProblem(
  file: string,
  facts: FileStatistics,
  chunks: ReadonlyArray<ChunkFacts & { group: number }>,
  group: number,
  column: string,
): Promise<{ problem: string; ranges: Array<[number, number]> } | null> {
  const own = chunks.filter((c) => c.group === group && c.column === column);
  const ranges = own.filter((c) => c.start !== undefined && c.bytes !== undefined)
    .map((c): [number, number] => [Number(c.start), Number(c.bytes)]);
  using handle = await Deno.open(file, { read: true });
  for (const chunk of own) {
    const pages = chunkPagesProblem(handle, chunk);
    if (pages !== undefined) {
      return { problem: `column ${column} of row group ${group + 1} ${pages}`, ranges };
    }
  }
  // This chunk's statistics only: the other row groups are skipped, not read.
  const problem = statisticsProblem(pl.scanParquet(file), {
    ...facts,
    groups: facts.groups.map((g, i) => ({
      rows: g.rows,
      chunks: i === group ? g.chunks.filter((c) => c.column === column) : [],
    })),
  });
  if (problem === undefined) return null;
  return {
    problem: problem.startsWith("column ")
      ? problem
      : `column ${column} of row group ${group + 1}: ${problem}`,
    ranges,
  };
}
