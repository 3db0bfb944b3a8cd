/**
 * The CSV check's fast path in WebAssembly (`_csv_scan_wasm.ts`): it crosses well-formed records
 * 16 bytes at a time and leaves every other record to the check in JavaScript. The bytes
 * must be in the module's memory: {@link scanBuffer} allocates a buffer there, so a file
 * read into it is checked without a copy; other bytes are copied in once.
 *
 * @module
 */
import { CSV_SCAN_WASM } from "./_csv_scan_wasm.ts";

const PAGE = 1 << 16;

/** The largest buffer placed in WebAssembly memory (its offsets are 32-bit): 2 GiB less a page. */
const MAX_BYTES = 2 ** 31 - PAGE;

let compiled: WebAssembly.Module | null | undefined;

function scanModule(): WebAssembly.Module | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(CSV_SCAN_WASM);
    } catch {
      compiled = null; // no WebAssembly SIMD here: the check runs in JavaScript alone
    }
  }
  return compiled ?? undefined;
}

const memories = new WeakMap<ArrayBufferLike, WebAssembly.Memory>();

/**
 * A zeroed buffer of `size` bytes in a WebAssembly memory of its own, for bytes that will be
 * checked (a plain `Uint8Array` where WebAssembly is unavailable or `size` is too large).
 */
export function scanBuffer(size: number): Uint8Array {
  if (size === 0 || size > MAX_BYTES || scanModule() === undefined) return new Uint8Array(size);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(size / PAGE) });
  } catch {
    return new Uint8Array(size); // no room for a WebAssembly memory: checked in JavaScript
  }
  memories.set(memory.buffer, memory);
  return new Uint8Array(memory.buffer, 0, size);
}

/** Whether `bytes` are in the WebAssembly memory of a {@link scanBuffer}. */
export function isScanBuffer(bytes: Uint8Array): boolean {
  return memories.has(bytes.buffer);
}

/**
 * The index of the first `byte` in `bytes`, or -1: with 16-byte compares when the bytes are
 * in a {@link scanBuffer}, else `indexOf`.
 */
export function indexOfByte(bytes: Uint8Array, byte: number): number {
  const memory = memories.get(bytes.buffer);
  const module = scanModule();
  if (memory === undefined || module === undefined) return bytes.indexOf(byte);
  const { find } = new WebAssembly.Instance(module, { env: { memory } }).exports as {
    find: (p: number, end: number, byte: number) => number;
  };
  const end = bytes.byteOffset + bytes.length;
  for (let p = bytes.byteOffset; p < end; p += CHUNK) {
    const at = find(p, Math.min(end, p + CHUNK), byte);
    if (at >= 0) return at - bytes.byteOffset;
  }
  return -1;
}

/**
 * Bytes per call into WebAssembly. V8 runs a function's first calls in its baseline
 * compiler and moves later calls to optimised code: one call over a whole file would run
 * unoptimised to the end (~30% slower on a 250 MB file).
 */
const CHUNK = 4 << 20;

/** Crosses well-formed records of the bytes it was made for (see {@link csvScanner}). */
export interface CsvScanner {
  /**
   * Crosses the well-formed one-line records from byte `from` that have `expected` fields,
   * ended by LF or CRLF, up to byte `to` (default: the end of the bytes); returns how many,
   * and the byte it stopped at (the start of the first record it left, or `to`).
   */
  scan(
    from: number,
    separator: number,
    expected: number,
    to?: number,
  ): { records: number; stop: number };
}

/** A scanner of `bytes`, copied into WebAssembly memory unless they are there; or undefined. */
export function csvScanner(bytes: Uint8Array): CsvScanner | undefined {
  const module = scanModule();
  if (module === undefined || bytes.length === 0 || bytes.length > MAX_BYTES) return undefined;
  let memory = memories.get(bytes.buffer);
  let view = bytes;
  if (memory === undefined) {
    view = scanBuffer(bytes.length);
    memory = memories.get(view.buffer);
    if (memory === undefined) return undefined;
    view.set(bytes);
  }
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as {
    scan: (p: number, end: number, sep: number, expected: number) => number;
    stop: WebAssembly.Global;
  };
  const base = view.byteOffset;
  return {
    scan(from, separator, expected, to = view.length) {
      const end = base + Math.min(to, view.length);
      let records = 0;
      for (let p = base + from;;) {
        // A record the chunk cuts is left, and crossed by the next call, from its start.
        const chunkEnd = Math.min(end, p + CHUNK);
        const crossed = exports.scan(p, chunkEnd, separator, expected);
        records += crossed;
        p = exports.stop.value as number;
        // None crossed: the record at `p` is malformed, unusual, or longer than a chunk.
        if (chunkEnd === end || crossed === 0) return { records, stop: p - base };
      }
    },
  };
}

/**
 * Counts the `[` and `{` of each line of the bytes of a {@link scanBuffer} (see
 * {@link openerCounter}).
 */
export interface OpenerCounter {
  /**
   * Counts the openers of each line of `bytes` (a view of the counter's buffer), the first
   * line continuing with `count` from the bytes before; returns the last line's count, or -1
   * as soon as a line holds more than `limit`.
   */
  count(bytes: Uint8Array, count: number, limit: number): number;
}

/**
 * A counter of openers per line over the buffers of a {@link scanBuffer}; undefined where
 * WebAssembly SIMD is unavailable.
 *
 * @param buffer A buffer made by {@link scanBuffer}, which the bytes counted must view.
 */
export function openerCounter(buffer: Uint8Array): OpenerCounter | undefined {
  const memory = memories.get(buffer.buffer);
  const module = scanModule();
  if (memory === undefined || module === undefined) return undefined;
  const { openers } = new WebAssembly.Instance(module, { env: { memory } }).exports as {
    openers: (p: number, end: number, count: number, limit: number) => number;
  };
  return {
    count(bytes, count, limit) {
      if (bytes.buffer !== buffer.buffer) {
        throw new RangeError("bytes outside the counter's memory");
      }
      const end = bytes.byteOffset + bytes.length;
      for (let p = bytes.byteOffset; p < end && count >= 0; p += CHUNK) {
        count = openers(p, Math.min(end, p + CHUNK), count, limit);
      }
      return count;
    },
  };
}
