/**
 * A small WebAssembly binary encoder, enough for the CSV check's kernel (`_csv_scan_wasm.ts`):
 * LEB128 numbers, the module's sections, and the handful of instructions the kernel uses,
 * written folded like the text format (`i32.add(local.get(P), i32.const(16))` puts the
 * operands first, then the opcode). Branches name their target block; the encoder turns a
 * name into the label depth the binary wants. Reference: the WebAssembly core specification,
 * "Binary Format" (https://webassembly.github.io/spec/core/binary/), and its SIMD opcodes.
 *
 * @module
 */

/** Unsigned LEB128: 7 bits a byte, low bits first, the top bit set on every byte but the last. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for `i32.const`): ends when the rest is all sign bits and bit 6 agrees. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A name: its UTF-8 length, then its bytes. */
function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/** A vector: how many items, then the items. */
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

// ---- Opcodes (core spec 5.4; SIMD ones are 0xFD followed by a LEB128 number) -------------

/** Value types. */
export const I32 = 0x7f, V128 = 0x7b;
const FUNC_TYPE = 0x60, EMPTY_BLOCK = 0x40, END = 0x0b;

/** Control. */
const BLOCK = 0x02, LOOP = 0x03, IF = 0x04, BR = 0x0c, BR_IF = 0x0d, RETURN = 0x0f;
/** Variables. */
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, GLOBAL_SET = 0x24;
/** Memory and constants. */
const I32_LOAD8_U = 0x2d, I32_CONST = 0x41;
/** i32 comparisons and arithmetic. */
const I32_EQZ = 0x45, I32_EQ = 0x46, I32_NE = 0x47, I32_LT_U = 0x49, I32_GT_U = 0x4b;
const I32_LE_U = 0x4d, I32_GE_U = 0x4f, I32_CTZ = 0x68, I32_POPCNT = 0x69, I32_ADD = 0x6a;
const I32_AND = 0x71, I32_OR = 0x72;
/** SIMD (after the 0xFD prefix). */
const SIMD = 0xfd;
const V128_LOAD = 0x00, I8X16_SPLAT = 0x0f, I8X16_EQ = 0x23, V128_OR = 0x50;
const V128_ANY_TRUE = 0x53, I8X16_BITMASK = 0x64;

// ---- Instructions ------------------------------------------------------------------------

/** A block, loop or if whose body is encoded with its label on the label stack. */
interface Structured {
  readonly opcode: typeof BLOCK | typeof LOOP | typeof IF;
  /** The name branches use; an `if` has none (it still takes a depth). */
  readonly label?: string;
  readonly body: readonly Code[];
}

/** A branch to a named enclosing block or loop. */
interface Branch {
  readonly opcode: typeof BR | typeof BR_IF;
  readonly label: string;
}

/** Instructions: bytes, nested lists, blocks and branches. */
export type Code = number | readonly Code[] | Structured | Branch;

/** Encodes `code`, resolving branch names against the enclosing labels (innermost last). */
function encode(code: Code, labels: (string | undefined)[], out: number[]): void {
  if (typeof code === "number") {
    out.push(code);
  } else if (Array.isArray(code)) {
    for (const c of code) encode(c, labels, out);
  } else if ("body" in code) {
    out.push(code.opcode, EMPTY_BLOCK);
    labels.push(code.label);
    for (const c of code.body) encode(c, labels, out);
    labels.pop();
    out.push(END);
  } else {
    const branch = code as Branch;
    const at = labels.lastIndexOf(branch.label);
    if (at < 0) throw new Error(`wasm encoder: no enclosing block "${branch.label}"`);
    out.push(branch.opcode, ...uleb(labels.length - 1 - at));
  }
}

/** `block $label … end`. */
export function block(label: string, ...body: Code[]): Code {
  return { opcode: BLOCK, label, body };
}

/** `loop $label … end` (a branch to it goes back to its start). */
export function loop(label: string, ...body: Code[]): Code {
  return { opcode: LOOP, label, body };
}

/** `(if (condition) (then …))`. */
export function when(condition: Code, ...then: Code[]): Code {
  return [condition, { opcode: IF, body: then }];
}

/** `br $label`. */
export function br(label: string): Code {
  return { opcode: BR, label };
}

/** `(br_if $label (condition))`. */
export function brIf(label: string, condition: Code): Code {
  return [condition, { opcode: BR_IF, label }];
}

/** `(return (value))`. */
export function ret(value: Code): Code {
  return [value, RETURN];
}

/** `local.get` and `local.set`. */
export const local = {
  get: (index: number): Code => [LOCAL_GET, ...uleb(index)],
  set: (index: number, value: Code): Code => [value, LOCAL_SET, ...uleb(index)],
};

/** `global.set`. */
export const global = {
  set: (index: number, value: Code): Code => [value, GLOBAL_SET, ...uleb(index)],
};

/** A memory argument: alignment (log2 bytes; 0 is `align=1`) and offset. */
function memarg(offset: number): number[] {
  return [0, ...uleb(offset)];
}

/** The i32 instructions the kernel uses. */
export const i32 = {
  const: (n: number): Code => [I32_CONST, ...sleb(n)],
  load8_u: (address: Code, offset = 0): Code => [address, I32_LOAD8_U, ...memarg(offset)],
  eqz: (a: Code): Code => [a, I32_EQZ],
  eq: (a: Code, b: Code): Code => [a, b, I32_EQ],
  ne: (a: Code, b: Code): Code => [a, b, I32_NE],
  lt_u: (a: Code, b: Code): Code => [a, b, I32_LT_U],
  gt_u: (a: Code, b: Code): Code => [a, b, I32_GT_U],
  le_u: (a: Code, b: Code): Code => [a, b, I32_LE_U],
  ge_u: (a: Code, b: Code): Code => [a, b, I32_GE_U],
  ctz: (a: Code): Code => [a, I32_CTZ],
  popcnt: (a: Code): Code => [a, I32_POPCNT],
  add: (a: Code, b: Code): Code => [a, b, I32_ADD],
  and: (a: Code, b: Code): Code => [a, b, I32_AND],
  or: (a: Code, b: Code): Code => [a, b, I32_OR],
};

/** The SIMD instructions the kernel uses (16 lanes of one byte). */
export const v128 = {
  load: (address: Code): Code => [address, SIMD, ...uleb(V128_LOAD), ...memarg(0)],
  or: (a: Code, b: Code): Code => [a, b, SIMD, ...uleb(V128_OR)],
  any_true: (a: Code): Code => [a, SIMD, ...uleb(V128_ANY_TRUE)],
};

/** `i8x16` SIMD instructions. */
export const i8x16 = {
  splat: (a: Code): Code => [a, SIMD, ...uleb(I8X16_SPLAT)],
  eq: (a: Code, b: Code): Code => [a, b, SIMD, ...uleb(I8X16_EQ)],
  bitmask: (a: Code): Code => [a, SIMD, ...uleb(I8X16_BITMASK)],
};

// ---- The module --------------------------------------------------------------------------

/** A function: its i32 parameters, one i32 result, its locals by type, and its body. */
export interface WasmFunction {
  readonly name: string;
  readonly params: number;
  readonly locals: readonly (readonly [count: number, type: number])[];
  readonly body: readonly Code[];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/**
 * A module that imports its memory as `env.memory`, has one mutable i32 global exported as
 * `globalName` (starting at 0), and exports `functions` by name. Each function gets a type
 * of its own: `params` i32s to one i32.
 */
export function wasmModule(
  globalName: string,
  functions: readonly WasmFunction[],
): Uint8Array<ArrayBuffer> {
  const types = functions.map((
    f,
  ) => [FUNC_TYPE, ...vec(Array(f.params).fill([I32])), ...vec([[I32]])]);
  const bodies = functions.map((f) => {
    const code: number[] = [];
    encode(f.body, [], code);
    const content = [...vec(f.locals.map(([n, type]) => [...uleb(n), type])), ...code, END];
    return [...uleb(content.length), ...content];
  });
  const MEMORY = 0x02, GLOBAL = 0x03, FUNC = 0x00, MUTABLE = 0x01, LIMITS_MIN_ONLY = 0x00;
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // "\0asm", version 1
    ...section(1, vec(types)),
    ...section(2, vec([[...name("env"), ...name("memory"), MEMORY, LIMITS_MIN_ONLY, 0]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(6, vec([[I32, MUTABLE, I32_CONST, ...sleb(0), END]])),
    ...section(
      7,
      vec([
        [...name(globalName), GLOBAL, 0],
        ...functions.map((f, i) => [...name(f.name), FUNC, ...uleb(i)]),
      ]),
    ),
    ...section(10, vec(bodies)),
  ]);
}
