/**
 * The fast path of the CSV structural check (`_csv_check.ts`) as a WebAssembly module, 16
 * bytes at a time, written with the small encoder of `_wasm_encode.ts`. `scan` crosses
 * well-formed records and stops at the first one that needs the full check in JavaScript: a
 * blank line, a lone CR, a quoted field that spans lines or is never closed, a quote in the
 * wrong place, a field count other than the header's, or a record that is not ended by a
 * line break. It only counts and stops, so the JavaScript check alone decides every error
 * and its line. `find` is a 16-byte first-byte search; `openers` bounds the nesting depth of
 * NDJSON lines (for `_json_depth.ts`). The module imports its memory
 * (`env.memory`) and is a few hundred bytes, built once when this file loads.
 *
 * @module
 */
import {
  block,
  br,
  brIf,
  type Code,
  global,
  I32,
  i32,
  i8x16,
  local,
  loop,
  ret,
  V128,
  v128,
  type WasmFunction,
  wasmModule,
  when,
} from "./_wasm_encode.ts";

const { get, set } = local;
const c = i32.const;
const QUOTE = 34, LF = 10, CR = 13, BRACKET = 0x5b, BRACE = 0x7b;

/** The exported global `stop`: where `scan` stopped (the start of the record it left, or `end`). */
const STOP = 0;

/** True when the 16 bytes in local `v` hold a quote, a LF or a CR. */
function quoteOrLineEnd(v: number, vquote: number, vlf: number, vcr: number): Code {
  return v128.any_true(
    v128.or(
      v128.or(i8x16.eq(get(v), get(vquote)), i8x16.eq(get(v), get(vlf))),
      i8x16.eq(get(v), get(vcr)),
    ),
  );
}

/**
 * `scan(p, end, sep, expected) → count`: crosses the well-formed one-line records of
 * memory[p, end) that have `expected` fields separated by the byte `sep`; returns how many,
 * and sets `stop`.
 */
function scanFunction(): WasmFunction {
  // Parameters, then locals: 5 i32, 5 v128.
  const P = 0, END = 1, SEP = 2, EXPECTED = 3;
  const COUNT = 4, START = 5, FIELDS = 6, AT_FIELD_START = 7, B = 8;
  const V = 9, VSEP = 10, VQUOTE = 11, VLF = 12, VCR = 13;
  const blockIsPlain = i32.eqz(quoteOrLineEnd(V, VQUOTE, VLF, VCR));
  const advance = (n: number) => set(P, i32.add(get(P), c(n)));
  return {
    name: "scan",
    params: 4,
    locals: [[5, I32], [5, V128]],
    body: [
      set(VSEP, i8x16.splat(get(SEP))),
      set(VQUOTE, i8x16.splat(c(QUOTE))),
      set(VLF, i8x16.splat(c(LF))),
      set(VCR, i8x16.splat(c(CR))),
      block(
        "exit",
        block(
          "leave",
          loop(
            "record",
            brIf("exit", i32.ge_u(get(P), get(END))),
            set(START, get(P)),
            // A blank line or a lone CR where a record starts.
            set(B, i32.load8_u(get(P))),
            brIf("leave", i32.or(i32.eq(get(B), c(LF)), i32.eq(get(B), c(CR)))),
            set(FIELDS, c(1)),
            set(AT_FIELD_START, c(1)),
            block(
              "ended",
              loop(
                "byte",
                // 16 bytes holding no quote and no line end: only their separators count.
                when(
                  i32.le_u(i32.add(get(P), c(16)), get(END)),
                  set(V, v128.load(get(P))),
                  when(
                    blockIsPlain,
                    set(
                      FIELDS,
                      i32.add(get(FIELDS), i32.popcnt(i8x16.bitmask(i8x16.eq(get(V), get(VSEP))))),
                    ),
                    set(AT_FIELD_START, i32.eq(i32.load8_u(get(P), 15), get(SEP))),
                    advance(16),
                    br("byte"),
                  ),
                ),
                // One byte. A record the file ends without a line break is left to JavaScript.
                brIf("leave", i32.ge_u(get(P), get(END))),
                set(B, i32.load8_u(get(P))),
                advance(1),
                when(
                  i32.eq(get(B), get(SEP)),
                  set(FIELDS, i32.add(get(FIELDS), c(1))),
                  set(AT_FIELD_START, c(1)),
                  br("byte"),
                ),
                brIf("ended", i32.eq(get(B), c(LF))),
                when(
                  i32.eq(get(B), c(CR)),
                  // CRLF ends the record; a lone CR is left to JavaScript.
                  brIf("leave", i32.ge_u(get(P), get(END))),
                  brIf("leave", i32.ne(i32.load8_u(get(P)), c(LF))),
                  advance(1),
                  br("ended"),
                ),
                when(
                  i32.eq(get(B), c(QUOTE)),
                  // A quote that does not open a field is an error JavaScript reports.
                  brIf("leave", i32.eqz(get(AT_FIELD_START))),
                  loop(
                    "quoted",
                    when(
                      i32.le_u(i32.add(get(P), c(16)), get(END)),
                      set(V, v128.load(get(P))),
                      when(blockIsPlain, advance(16), br("quoted")),
                    ),
                    // Never closed, or spanning lines: JavaScript counts its lines.
                    brIf("leave", i32.ge_u(get(P), get(END))),
                    set(B, i32.load8_u(get(P))),
                    brIf("leave", i32.or(i32.eq(get(B), c(LF)), i32.eq(get(B), c(CR)))),
                    advance(1),
                    brIf("quoted", i32.ne(get(B), c(QUOTE))),
                    // A doubled quote is a quote inside the field.
                    when(
                      i32.lt_u(get(P), get(END)),
                      when(
                        i32.eq(i32.load8_u(get(P)), c(QUOTE)),
                        advance(1),
                        br("quoted"),
                      ),
                    ),
                  ),
                  // After the closing quote: a separator, a line end or the end of the file.
                  when(
                    i32.lt_u(get(P), get(END)),
                    set(B, i32.load8_u(get(P))),
                    brIf(
                      "leave",
                      i32.and(
                        i32.ne(get(B), get(SEP)),
                        i32.and(i32.ne(get(B), c(LF)), i32.ne(get(B), c(CR))),
                      ),
                    ),
                  ),
                  set(AT_FIELD_START, c(0)),
                  br("byte"),
                ),
                set(AT_FIELD_START, c(0)),
                br("byte"),
              ),
            ),
            // A record with another field count is left to JavaScript (short, or an error).
            brIf("leave", i32.ne(get(FIELDS), get(EXPECTED))),
            set(COUNT, i32.add(get(COUNT), c(1))),
            br("record"),
          ),
        ),
        // Left to JavaScript: from the start of the record.
        set(P, get(START)),
      ),
      global.set(STOP, get(P)),
      get(COUNT),
    ],
  };
}

/** `find(p, end, byte) → offset`: the offset of the first `byte` in memory[p, end), or -1. */
function findFunction(): WasmFunction {
  const P = 0, END = 1, BYTE = 2, V = 3, MASK = 4;
  return {
    name: "find",
    params: 3,
    locals: [[1, V128], [1, I32]],
    body: [
      set(V, i8x16.splat(get(BYTE))),
      block(
        "scalar",
        loop(
          "block",
          brIf("scalar", i32.gt_u(i32.add(get(P), c(16)), get(END))),
          set(MASK, i8x16.bitmask(i8x16.eq(v128.load(get(P)), get(V)))),
          when(get(MASK), ret(i32.add(get(P), i32.ctz(get(MASK))))),
          set(P, i32.add(get(P), c(16))),
          br("block"),
        ),
      ),
      block(
        "none",
        loop(
          "byte",
          brIf("none", i32.ge_u(get(P), get(END))),
          when(i32.eq(i32.load8_u(get(P)), get(BYTE)), ret(get(P))),
          set(P, i32.add(get(P), c(1))),
          br("byte"),
        ),
      ),
      c(-1),
    ],
  };
}

/**
 * `openers(p, end, count, limit) → count`: counts the `[` and `{` bytes of each line of
 * memory[p, end), the first line's count starting at `count` (it may have begun before `p`);
 * returns the last line's count (a line unfinished at `end`), or -1 as soon as a line holds more
 * than `limit`. A line's nesting depth is at most its openers, so a file none of whose lines
 * has more than `limit` nests no deeper; a line that has is left to the exact scan in JavaScript.
 */
function openersFunction(): WasmFunction {
  const P = 0, END = 1, COUNT = 2, LIMIT = 3;
  const B = 4, V = 5, VLF = 6, VBRACKET = 7, VBRACE = 8;
  const tooMany = i32.gt_u(get(COUNT), get(LIMIT));
  return {
    name: "openers",
    params: 4,
    locals: [[1, I32], [4, V128]],
    body: [
      set(VLF, i8x16.splat(c(LF))),
      set(VBRACKET, i8x16.splat(c(BRACKET))),
      set(VBRACE, i8x16.splat(c(BRACE))),
      block(
        "done",
        loop(
          "step",
          // 16 bytes with no line end: all their openers are the current line's.
          when(
            i32.le_u(i32.add(get(P), c(16)), get(END)),
            set(V, v128.load(get(P))),
            when(
              i32.eqz(v128.any_true(i8x16.eq(get(V), get(VLF)))),
              set(
                COUNT,
                i32.add(
                  get(COUNT),
                  i32.popcnt(
                    i8x16.bitmask(
                      v128.or(i8x16.eq(get(V), get(VBRACKET)), i8x16.eq(get(V), get(VBRACE))),
                    ),
                  ),
                ),
              ),
              when(tooMany, ret(c(-1))),
              set(P, i32.add(get(P), c(16))),
              br("step"),
            ),
          ),
          // One byte (a block holding a line end is crossed a byte at a time up to it).
          brIf("done", i32.ge_u(get(P), get(END))),
          set(B, i32.load8_u(get(P))),
          set(P, i32.add(get(P), c(1))),
          when(i32.eq(get(B), c(LF)), set(COUNT, c(0)), br("step")),
          when(
            i32.or(i32.eq(get(B), c(BRACKET)), i32.eq(get(B), c(BRACE))),
            set(COUNT, i32.add(get(COUNT), c(1))),
            when(tooMany, ret(c(-1))),
          ),
          br("step"),
        ),
      ),
      get(COUNT),
    ],
  };
}

/**
 * The kernel's WebAssembly binary: exports `stop`, `scan`, `find` and `openers`; imports
 * `env.memory`.
 */
export const CSV_SCAN_WASM: Uint8Array<ArrayBuffer> = wasmModule("stop", [
  scanFunction(),
  findFunction(),
  openersFunction(),
]);
