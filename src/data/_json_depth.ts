/**
 * The nesting depth of JSON text, measured before Polars reads it: Polars' JSON reader
 * recurses once per level on the main thread, and a line nested some ten thousand levels
 * deep overflows its stack, which aborts the whole process (no error to catch).
 *
 * @module
 */
import { openerCounter, scanBuffer } from "./_csv_scan.ts";

/** Levels of nesting up to which Polars' readers are given a file (they fail past ~10,000). */
export const MAX_NATIVE_DEPTH = 1000;

const CHUNK_BYTES = 16 * 2 ** 20;

/**
 * Whether a line of the NDJSON `file` nests arrays and objects deeper than `limit`
 * (strings and their escapes skipped). Reads the file a chunk at a time.
 */
export async function nestsDeeperThan(file: string, limit = MAX_NATIVE_DEPTH): Promise<boolean> {
  // A line nests no deeper than it has `[` and `{`: counted 16 bytes at a time, they settle
  // almost every file; only one with a line of more than `limit` needs the exact scan.
  if (await openersAtMost(file, limit)) return false;
  using handle = await Deno.open(file);
  const chunk = new Uint8Array(CHUNK_BYTES);
  const state = { depth: 0, inString: false, escaped: false };
  while (true) {
    const n = await handle.read(chunk);
    if (n === null) return false;
    if (deeperThan(chunk.subarray(0, n), state, limit)) return true;
  }
}

/**
 * Whether no line of `file` holds more than `limit` opening brackets and braces; false also
 * where WebAssembly SIMD is unavailable (the exact scan then decides).
 */
async function openersAtMost(file: string, limit: number): Promise<boolean> {
  using handle = await Deno.open(file);
  const chunk = scanBuffer(Math.min(CHUNK_BYTES, (await handle.stat()).size));
  const counter = openerCounter(chunk);
  if (counter === undefined) return false;
  let count = 0;
  while (true) {
    const n = await handle.read(chunk);
    if (n === null) return true;
    count = counter.count(chunk.subarray(0, n), count, limit);
    if (count < 0) return false;
  }
}

interface DepthState {
  depth: number;
  inString: boolean;
  escaped: boolean;
}

function deeperThan(bytes: Uint8Array, state: DepthState, limit: number): boolean {
  let { depth, inString, escaped } = state;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (b === 0x5c /* \ */) escaped = true;
      else if (b === 0x22 /* " */) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b /* [ */ || b === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (b === 0x5d /* ] */ || b === 0x7d /* } */) {
      if (depth > 0) depth--;
    } else if (b === 0x0a) {
      // A line of NDJSON that is not closed does not carry its depth to the next one.
      depth = 0;
      inString = false;
    }
  }
  state.depth = depth;
  state.inString = inString;
  state.escaped = escaped;
  return false;
}
