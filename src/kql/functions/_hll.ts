/**
 * HyperLogLog sketches: the `hll` and `hll_if` aggregates build one per group, `hll_merge`
 * (aggregate and scalar) unites them, `dcount_hll` estimates the distinct count. A sketch
 * stays exact (the set of its values' 64-bit hashes) while it is small, and becomes a dense
 * HyperLogLog of 2^p registers past that; the precision p follows Kusto's accuracy levels
 * (0 → 2^12 ... 4 → 2^18 registers, 1 by default). Kusto documents that its sketches' binary
 * form may change, so a sketch is only meaningful to these functions, not to compare with
 * Kusto's bytes.
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import type { Typed } from "../compile/_context.ts";
import { compileExpr } from "../compile/_expression.ts";
import { argumentName } from "../compile/_names.ts";
import { type JsValue, kustoToString, parseJson, readableExpr } from "../runtime/_values.ts";
import { type AggregateSite, type CallSite, defineAggregate, defineScalar } from "./_registry.ts";
import { xxhash64 } from "./_strings.ts";

/** Kusto's accuracy levels → register bits. */
const PRECISION = [12, 14, 16, 17, 18];
const MARK = 1024;

/** A sketch: the exact hashes while few, else dense registers. */
interface Sketch {
  p: number;
  hashes?: Set<bigint>;
  registers?: Uint8Array;
}

const utf8 = new TextEncoder();
const M64 = (1n << 64n) - 1n;

function hashOf(value: JsValue, type: KustoType): bigint {
  // The type takes part, so 1 (long) and "1" (string) are different values, as in Kusto.
  return xxhash64(utf8.encode(`${type}\u0000${kustoToString(value, type)}`));
}

/** Leading zeros of the low `bits` bits of `w`, plus one (the HLL rank). */
function rank(w: bigint, bits: number): number {
  for (let i = bits - 1; i >= 0; i--) if ((w >> BigInt(i)) & 1n) return bits - i;
  return bits + 1;
}

function densify(sketch: Sketch): Uint8Array {
  if (sketch.registers) return sketch.registers;
  const registers = new Uint8Array(1 << sketch.p);
  for (const h of sketch.hashes ?? []) {
    const index = Number(h >> BigInt(64 - sketch.p));
    const r = rank(h & ((1n << BigInt(64 - sketch.p)) - 1n), 64 - sketch.p);
    if (r > registers[index]) registers[index] = r;
  }
  return registers;
}

/** The registers of a sketch at a lower precision `p` (indices fold, ranks extend). */
function fold(sketch: Sketch, p: number): Sketch {
  if (sketch.p === p) return sketch;
  if (sketch.hashes) return { p, hashes: sketch.hashes };
  const d = sketch.p - p;
  const registers = new Uint8Array(1 << p);
  sketch.registers!.forEach((r, i) => {
    if (r === 0) return;
    const low = i & ((1 << d) - 1);
    const folded = low === 0 ? d + r : rank(BigInt(low), d);
    const j = i >> d;
    if (folded > registers[j]) registers[j] = folded;
  });
  return { p, registers };
}

/** Past this many distinct hashes a sketch becomes dense. */
const exactLimit = (p: number) => 1 << (p - 3);

function addHash(sketch: Sketch, h: bigint): void {
  if (sketch.hashes) {
    sketch.hashes.add(h);
    if (sketch.hashes.size > exactLimit(sketch.p)) {
      sketch.registers = densify(sketch);
      delete sketch.hashes;
    }
    return;
  }
  const index = Number(h >> BigInt(64 - sketch.p));
  const r = rank(h & ((1n << BigInt(64 - sketch.p)) - 1n), 64 - sketch.p);
  if (r > sketch.registers![index]) sketch.registers![index] = r;
}

function merge(sketches: Sketch[]): Sketch | null {
  if (sketches.length === 0) return null;
  const p = Math.min(...sketches.map((s) => s.p));
  const out: Sketch = { p, hashes: new Set() };
  for (const s of sketches.map((x) => fold(x, p))) {
    if (s.hashes && out.hashes) {
      for (const h of s.hashes) addHash(out, h);
    } else {
      const mine = densify(out);
      const theirs = densify(s);
      for (let i = 0; i < mine.length; i++) if (theirs[i] > mine[i]) mine[i] = theirs[i];
      out.registers = mine;
      delete out.hashes;
    }
  }
  return out;
}

function estimate(sketch: Sketch): number {
  if (sketch.hashes) return sketch.hashes.size;
  const registers = sketch.registers!;
  const m = registers.length;
  let sum = 0;
  let zeros = 0;
  for (const r of registers) {
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  // Linear counting while the registers are sparsely filled (the HLL small-range correction).
  if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
  return Math.round(raw);
}

/** The dynamic form: [[1024, p], [hashes as signed decimal text], [registers]]. */
function toJson(sketch: Sketch | null): JsValue {
  if (!sketch) return null;
  return [
    [MARK, sketch.p],
    sketch.hashes ? [...sketch.hashes].map((h) => BigInt.asIntN(64, h).toString()) : [],
    sketch.registers ? [...sketch.registers] : [],
  ];
}

function fromJson(value: JsValue): Sketch | null {
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [head, hashes, registers] = value as unknown[];
  if (!Array.isArray(head) || head[0] !== MARK || !PRECISION.includes(head[1] as number)) {
    return null;
  }
  const p = head[1] as number;
  if (Array.isArray(registers) && registers.length === 1 << p) {
    return { p, registers: Uint8Array.from(registers as number[]) };
  }
  if (!Array.isArray(hashes)) return null;
  return { p, hashes: new Set(hashes.map((h) => BigInt.asUintN(64, BigInt(String(h))) & M64)) };
}

// ---------------------------------------------------------------- aggregates

function argName(e: A.Expression | undefined): string {
  return argumentName(e);
}

/** The precision of an accuracy argument (a constant 0..4; 1 when absent). */
function precisionArg(arg: A.Expression | undefined, env: CallSite["env"]): number {
  if (!arg) return PRECISION[1];
  const value = compileExpr(arg, env).constant?.value;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 4) {
    throw env.ctx.error("the accuracy must be a constant from 0 to 4", arg.span);
  }
  return PRECISION[value];
}

function hllAggregate(conditional: boolean) {
  const prefix = conditional ? "hll_if" : "hll";
  return {
    minArgs: conditional ? 2 : 1,
    maxArgs: conditional ? 3 : 2,
    compile(site: AggregateSite) {
      const arg = site.call.args[0];
      const x = site.input(arg);
      if (x.type === "real" || x.type === "bool" || x.type === "decimal") {
        throw site.env.ctx.error(`${prefix}() cannot take a ${x.type} value`, arg.span);
      }
      let values = readableExpr(pl.col(x.column), x.type);
      if (conditional) {
        const p = site.input(site.call.args[1]);
        if (p.type !== "bool") {
          throw site.env.ctx.error(`argument 2 of hll_if() must be a bool`, site.call.args[1].span);
        }
        values = values.filter(pl.col(p.column).fillNull(false));
      }
      const precision = precisionArg(site.call.args[conditional ? 2 : 1], site.env);
      return {
        inputs: [],
        outputs: [{
          expr: values.dropNulls().unique().implode(),
          type: "dynamic" as const,
          name: `${prefix}_${argName(arg)}`,
          post: (v: JsValue) => {
            // No values: null, not an empty sketch (summarize-operator.md, "Default values").
            if (v === null || (v as JsValue[]).length === 0) return null;
            const sketch: Sketch = { p: precision, hashes: new Set() };
            for (const item of (v ?? []) as JsValue[]) {
              const value = x.type === "dynamic" ? parseJson(item as string) : item;
              addHash(sketch, hashOf(value, x.type === "int" ? "long" : x.type));
            }
            return toJson(sketch);
          },
        }],
      };
    },
  };
}

defineAggregate("hll", hllAggregate(false));
defineAggregate("hll_if", hllAggregate(true));

defineAggregate("hll_merge", {
  minArgs: 1,
  maxArgs: 1,
  compile(site) {
    const arg = site.call.args[0];
    const x = site.input(arg);
    if (x.type !== "dynamic") {
      throw site.env.ctx.error(`hll_merge() needs hll() results (dynamic)`, arg.span);
    }
    return {
      inputs: [],
      outputs: [{
        expr: pl.col(x.column).dropNulls().implode(),
        type: "dynamic",
        name: `hll_merge_${argName(arg)}`,
        post: (v: JsValue) =>
          toJson(merge(
            ((v ?? []) as string[]).map((t) => fromJson(parseJson(t))).filter((s) => s !== null),
          )),
      }],
    };
  },
});

// ---------------------------------------------------------------- scalars

function sketchArgs(args: Typed[], site: CallSite): void {
  args.forEach((a, i) => {
    if (a.type !== "dynamic") {
      throw site.env.ctx.error(
        `argument ${i + 1} of ${site.call.name}() must be an hll() result (dynamic)`,
        site.call.args[i].span,
      );
    }
  });
}

defineScalar("hll_merge", {
  minArgs: 2,
  maxArgs: 64,
  compile(args, site) {
    sketchArgs(args, site);
    return site.env.rowwise(args, "dynamic", (values) => {
      const sketches = values.map(fromJson).filter((s) => s !== null);
      return toJson(merge(sketches));
    });
  },
});

defineScalar("dcount_hll", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    sketchArgs(args, site);
    return site.env.rowwise(args, "long", ([v]) => {
      const sketch = fromJson(v);
      return sketch ? estimate(sketch) : null;
    });
  },
});
