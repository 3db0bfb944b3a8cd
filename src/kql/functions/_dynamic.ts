/**
 * KQL's functions over dynamic values: arrays (`array_*`, `zip`, `range()`, `repeat`),
 * property bags (`bag_*`, `pack_all`, `bag_pack_columns`), sets (`set_*`,
 * `jaccard_index`) and `dynamic_to_json`. They run row by row in JavaScript over parsed
 * JSON (see `runtime/_values.ts`), folding to constants when their arguments are constant.
 *
 * Values inside a dynamic keep Kusto's text forms: datetimes are ISO strings
 * (`2022-01-01T00:00:00.0000000Z`) and timespans `[d.]hh:mm:ss` strings. JSON numbers
 * do not tell a long from a real, so `dynamic(1.0)` and `dynamic(1)` are one value here.
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import type { Typed } from "../compile/_context.ts";
import { isNumeric } from "../compile/_conversion.ts";
import { nativeArraySlice, nativeHasElement } from "../compile/_dynamic_native.ts";
import { asCanonicalJson } from "../compile/_canonical_json.ts";
import { resultName } from "../compile/_names.ts";
import { checkMicrosecondStep } from "../compile/_time_resolution.ts";
import {
  exactIdentity,
  exactNumber,
  exactRowwise,
  isExactNumber,
} from "../compile/_exact_values.ts";
import { exactLongAsJson, readDatetime, readTimespan } from "../syntax/_literals.ts";
import { type JsValue, kustoToString } from "../runtime/_values.ts";
import { type CallSite, defineScalar, type ScalarFunction } from "./_registry.ts";
import { expectType, rowwise } from "./_define.ts";
import { jsonValue } from "./_core.ts";

/** The most values `range()` and `repeat()` produce (Kusto's limit for `range()`). */
const MAX_GENERATED = 1_048_576;

type Bag = Record<string, unknown>;

function isArray(v: JsValue): v is unknown[] {
  return Array.isArray(v);
}

function isBag(v: JsValue): v is Bag {
  // A number kept exactly (`_exact_values.ts`) is an object too, but no bag.
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isExactNumber(v);
}

/**
 * A deep copy of a dynamic value that keeps the exact-number markers themselves
 * (`structuredClone` would turn them into bags).
 */
function copyDynamic(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyDynamic);
  if (isBag(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyDynamic(x)]));
  return v;
}

/** A whole number from an `int`/`long`/`dynamic` argument, or null. */
function integer(v: JsValue): number | null {
  return typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : null;
}

/** Throws unless every argument in `indices` (default: all) is dynamic. */
function expectDynamic(args: Typed[], site: CallSite, indices?: number[]): void {
  for (const i of indices ?? args.keys()) expectType(args, i, ["dynamic"], site);
}

/** Throws unless argument `i` is a whole number (or a dynamic holding one). */
function expectInteger(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, ["int", "long", "dynamic"], site);
}

/** Identity of a value for set operations: its JSON text (numbers compare by value). */
const identity = exactIdentity;

/** The distinct values of `values`, in order of first appearance. */
function distinct(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of values) {
    const key = identity(v);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

/**
 * A function over dynamic arrays only: any argument that is not an array gives null. An
 * `exact` function only moves elements around, so it sees longs beyond 2^53 and integral
 * reals as raw-JSON markers and writes them back unchanged (see `_exact_values.ts`).
 */
function arrays(
  minArgs: number,
  maxArgs: number,
  fn: (inputs: unknown[][]) => JsValue,
  returns: KustoType = "dynamic",
  exact = false,
): ScalarFunction {
  return {
    minArgs,
    maxArgs,
    compile(args: Typed[], site: CallSite): Typed {
      expectDynamic(args, site);
      const run = exact
        ? (inputs: readonly Typed[], type: KustoType, f: (v: JsValue[]) => JsValue) =>
          exactRowwise(site.env, inputs, type, f)
        : site.env.rowwise.bind(site.env);
      return run(
        args,
        returns,
        (values) => (values.every(isArray) ? fn(values as unknown[][]) : null),
      );
    },
  };
}

// ---------------------------------------------------------------- arrays

defineScalar(
  "array_concat",
  arrays(1, 64, (inputs) => inputs.flat(1), "dynamic", true),
);

/** `[start..end]` of an array, both inclusive, negative positions from the end. */
function slice(array: unknown[], start: number, end: number): unknown[] {
  const n = array.length;
  const from = Math.max(start < 0 ? n + start : start, 0);
  const to = Math.min(end < 0 ? n + end : end, n - 1);
  return from > to ? [] : array.slice(from, to + 1);
}

defineScalar("array_slice", {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    expectDynamic(args, site, [0]);
    expectInteger(args, 1, site);
    expectInteger(args, 2, site);
    // A list Polars built (split, pack_array) with constant positions is sliced natively.
    return asCanonicalJson(nativeArraySlice(args)) ??
      exactRowwise(site.env, args, "dynamic", ([a, s, e]) => {
        const start = integer(s);
        const end = integer(e);
        return isArray(a) && start !== null && end !== null ? slice(a, start, end) : null;
      });
  },
});

defineScalar("array_reverse", arrays(1, 1, ([a]) => [...a].reverse(), "dynamic", true));

/** `array` rotated left by `count` places (right when negative). */
function rotateLeft(array: unknown[], count: number): unknown[] {
  const n = array.length;
  if (n === 0) return [];
  const k = ((count % n) + n) % n;
  return [...array.slice(k), ...array.slice(0, k)];
}

/** `array` shifted left by `count` places (right when negative), `fill` coming in. */
function shiftLeft(array: unknown[], count: number, fill: unknown): unknown[] {
  const n = array.length;
  return Array.from({ length: n }, (_, i) => {
    const from = i + count;
    return from >= 0 && from < n ? array[from] : fill;
  });
}

for (const [name, direction] of [["left", 1], ["right", -1]] as const) {
  defineScalar(`array_rotate_${name}`, {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      expectDynamic(args, site, [0]);
      expectInteger(args, 1, site);
      return exactRowwise(site.env, args, "dynamic", ([a, c]) => {
        const count = integer(c);
        return isArray(a) && count !== null ? rotateLeft(a, direction * count) : null;
      });
    },
  });

  defineScalar(`array_shift_${name}`, {
    minArgs: 2,
    maxArgs: 3,
    compile(args, site) {
      expectDynamic(args, site, [0]);
      expectInteger(args, 1, site);
      const fillType = args[2]?.type;
      return exactRowwise(site.env, args, "dynamic", ([a, c, f]) => {
        const count = integer(c);
        if (!isArray(a) || count === null) return null;
        const fill = fillType === undefined ? defaultFill(a) : jsonValue(f, fillType);
        return shiftLeft(a, direction * count, fill);
      });
    },
  });
}

/** What shifting brings in without a default: "" in an array of strings, else null. */
function defaultFill(array: unknown[]): unknown {
  const present = array.filter((v) => v !== null);
  return present.length > 0 && present.every((v) => typeof v === "string") ? "" : null;
}

/** Kusto's order of element kinds when sorting mixed arrays: numbers, strings, the rest. */
function kindRank(v: unknown): number {
  if (isExactNumber(v)) return 0;
  if (typeof v === "string") return 1;
  return 2;
}

function compareElements(a: unknown, b: unknown): number {
  const ka = kindRank(a);
  const kb = kindRank(b);
  if (ka !== kb) return ka - kb;
  if (ka === 0) {
    const x = exactNumber(a);
    const y = exactNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ka === 1) return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
  return 0;
}

/**
 * Sorts the first array and reorders the others to match; an array of another length
 * than the first becomes null.
 */
function sortArrays(
  inputs: unknown[],
  descending: boolean,
  nullsLast: boolean,
): unknown[] | null {
  const [first] = inputs;
  if (!isArray(first)) return inputs.map(() => null);
  const order = first.map((_, i) => i);
  order.sort((i, j) => {
    const a = first[i];
    const b = first[j];
    if (a === null || b === null) {
      if (a === b) return 0;
      return (a === null ? 1 : -1) * (nullsLast ? 1 : -1);
    }
    const c = compareElements(a, b);
    return descending ? -c : c;
  });
  return inputs.map((input) =>
    isArray(input) && input.length === first.length ? order.map((i) => input[i]) : null
  );
}

for (const [name, descending] of [["array_sort_asc", false], ["array_sort_desc", true]] as const) {
  defineScalar(name, {
    minArgs: 1,
    maxArgs: 64,
    compile(args, site) {
      // A trailing bool says where nulls go; every other argument is an array.
      const flag = args.length > 1 && args[args.length - 1].type === "bool";
      const count = flag ? args.length - 1 : args.length;
      expectDynamic(args, site, [...Array(count).keys()]);
      const all = exactRowwise(site.env, args, "dynamic", (values) => {
        const nullsLast = flag ? values[count] !== false : true;
        return sortArrays(values.slice(0, count), descending, nullsLast);
      });
      // Kusto returns one column per array, named after it: x_sorted (array1_sorted for
      // the second array when it has no name).
      const components = [...Array(count).keys()].map((i) =>
        exactRowwise(site.env, [all], "dynamic", ([v]) => (Array.isArray(v) ? v[i] ?? null : null))
      );
      const componentNames = components.map((_, i) =>
        `${resultName(site.call.args[i]) ?? `array${i}`}_sorted`
      );
      // Inside an expression the value of several sorted arrays is the array of them
      // (`array_sort_asc(times, names)[1]` is the reordered names); of one, that array.
      return { ...(count > 1 ? all : components[0]), components, componentNames };
    },
  });
}

defineScalar(
  "array_sum",
  arrays(1, 1, ([a]) => {
    let sum = 0;
    for (const v of a) {
      if (typeof v !== "number") return null;
      sum += v;
    }
    return sum;
  }, "real"),
);

/** Whether an element of a dynamic array equals a typed lookup value. */
function sameElement(element: unknown, value: JsValue, type: KustoType): boolean {
  if (element === null || value === null) return false;
  switch (type) {
    case "datetime":
    case "timespan": {
      if (typeof element !== "string") return false;
      const read = type === "datetime" ? readDatetime(element) : readTimespan(element);
      return read !== undefined && Number(read) === value;
    }
    case "guid":
      return typeof element === "string" &&
        element.toLowerCase() === String(value).toLowerCase();
    case "dynamic":
      return identity(element) === identity(value);
    default: {
      // Numbers compare exactly: a long beyond 2^53 is a marker or a bigint here.
      const [a, b] = [exactOrNone(element), exactOrNone(value)];
      return a !== undefined && b !== undefined ? a == b : element === value;
    }
  }
}

/** The exact value of a number, a long marker or a bigint; undefined for anything else. */
function exactOrNone(v: unknown): number | bigint | undefined {
  if (typeof v === "bigint") return v;
  return isExactNumber(v) ? exactNumber(v) : undefined;
}

/** Kusto's `array_index_of`: the position of the `occurrence`-th match, -1, or null. */
function indexOf(
  array: unknown[],
  value: JsValue,
  type: KustoType,
  start: number,
  length: number,
  occurrence: number,
): number | null {
  if (length < -1 || occurrence < 0) return null;
  const n = array.length;
  const from = Math.max(start < 0 ? n + start : start, 0);
  const to = length === -1 ? n : Math.min(n, from + length);
  let seen = 0;
  for (let i = from; i < to; i++) {
    if (sameElement(array[i], value, type) && ++seen >= Math.max(occurrence, 1)) return i;
  }
  return -1;
}

defineScalar("array_index_of", {
  minArgs: 2,
  maxArgs: 5,
  compile(args, site) {
    expectDynamic(args, site, [0]);
    for (let i = 2; i < args.length; i++) expectInteger(args, i, site);
    const type = args[1].type;
    return exactRowwise(site.env, args, "long", ([a, v, s = 0, l = -1, o = 1]) => {
      const [start, length, occurrence] = [integer(s), integer(l), integer(o)];
      if (!isArray(a) || v === null || start === null || length === null || occurrence === null) {
        return null;
      }
      return indexOf(a, v, type, start, length, occurrence);
    });
  },
});

defineScalar("set_has_element", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    expectDynamic(args, site, [0]);
    const type = args[1].type;
    // A list of strings Polars built (split, pack_array) is searched natively.
    return nativeHasElement(args) ?? exactRowwise(
      site.env,
      args,
      "bool",
      ([a, v]) => (isArray(a) ? a.some((e) => sameElement(e, v, type)) : null),
    );
  },
});

/** The truth of an `array_iff` condition element: bools, numbers other than 0, else null. */
function condition(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (isExactNumber(v)) return exactNumber(v) != 0;
  return null;
}

defineScalar(["array_iff", "array_iif"], {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    expectDynamic(args, site, [0]);
    const [, whenTrue, whenFalse] = args.map((a) => a.type);
    const pick = (branch: JsValue, type: KustoType, i: number): unknown =>
      type === "dynamic" && isArray(branch) ? branch[i] ?? null : jsonValue(branch, type);
    return exactRowwise(site.env, args, "dynamic", ([c, t, f]) => {
      if (!isArray(c)) return null;
      return c.map((v, i) => {
        const truth = condition(v);
        return truth === null ? null : truth ? pick(t, whenTrue, i) : pick(f, whenFalse, i);
      });
    });
  },
});

defineScalar("array_split", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    expectDynamic(args, site, [0]);
    expectInteger(args, 1, site);
    return exactRowwise(site.env, args, "dynamic", ([a, at]) => {
      if (!isArray(a)) return null;
      const indices = isArray(at) ? at.map(integer) : [integer(at)];
      if (indices.some((i) => i === null)) return null;
      const n = a.length;
      const parts: unknown[][] = [];
      let from = 0;
      for (const raw of indices as number[]) {
        const to = Math.min(Math.max(raw < 0 ? n + raw : raw, from), n);
        parts.push(a.slice(from, to));
        from = to;
      }
      parts.push(a.slice(from));
      return parts;
    });
  },
});

defineScalar(
  "zip",
  arrays(
    2,
    16,
    (inputs) => {
      const length = Math.max(...inputs.map((a) => a.length));
      return Array.from({ length }, (_, i) => inputs.map((a) => a[i] ?? null));
    },
    "dynamic",
    true,
  ),
);

defineScalar("repeat", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    expectInteger(args, 1, site);
    const type = args[0].type;
    return exactRowwise(site.env, args, "dynamic", ([v, c]) => {
      const count = integer(c);
      if (count === null || count < 0) return null;
      return new Array(Math.min(count, MAX_GENERATED)).fill(jsonValue(v, type));
    });
  },
});

/** `range(start, stop[, step])`: numbers, datetimes or timespans from start to stop. */
defineScalar("range", {
  minArgs: 2,
  maxArgs: 3,
  compile(args, site) {
    const kind = rangeKind(args[0].type);
    if (kind === undefined) {
      throw site.env.ctx.error(
        `range() needs numbers, datetimes or timespans, not ${args[0].type}`,
        site.call.args[0].span,
      );
    }
    const stopTypes: KustoType[] = kind === "number"
      ? ["int", "long", "real", "decimal"]
      : [args[0].type];
    expectType(args, 1, stopTypes, site);
    expectType(args, 2, kind === "number" ? stopTypes : ["timespan"], site);
    const type = args[0].type;
    // The default step is 1 for numbers and 1 hour for datetimes and timespans.
    const defaultStep = kind === "number" ? 1 : 3_600_000_000;
    if (kind === "time" && site.call.args[2]) {
      checkMicrosecondStep(site.call.args[2], "the step of range()", site.env.ctx);
    }
    // Longs step exactly in Int64, beyond 2^53 too.
    if (args.every((a) => a.type === "int" || a.type === "long")) {
      return exactRowwise(site.env, args, "dynamic", ([a, b, s = 1]) => longRange(a, b, s));
    }
    return site.env.rowwise(args, "dynamic", ([a, b, s = defaultStep]) => {
      if (typeof a !== "number" || typeof b !== "number" || typeof s !== "number") return null;
      if (s === 0 || !Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(s)) {
        return null;
      }
      const count = Math.min(Math.floor((b - a) / s) + 1, MAX_GENERATED);
      return Array.from({ length: Math.max(count, 0) }, (_, i) => jsonValue(a + i * s, type));
    });
  },
});

/** `range()` over longs, as exact integers (numbers, or markers past 2^53). */
function longRange(a: unknown, b: unknown, s: unknown): JsValue {
  const read = (v: unknown) =>
    typeof v === "bigint" ? v : isExactNumber(v) ? BigInt(exactNumber(v)) : undefined;
  const [start, stop, step] = [read(a), read(b), read(s)];
  if (start === undefined || stop === undefined || step === undefined || step === 0n) return null;
  const count = (stop - start) / step + 1n;
  const n = count < 0n ? 0 : Number(count > BigInt(MAX_GENERATED) ? MAX_GENERATED : count);
  return Array.from({ length: n }, (_, i) => {
    const v = start + BigInt(i) * step;
    return Number.isSafeInteger(Number(v)) ? Number(v) : exactLongAsJson(v.toString()) as JsValue;
  });
}

function rangeKind(type: KustoType): "number" | "time" | undefined {
  if (isNumeric(type)) return "number";
  return type === "datetime" || type === "timespan" ? "time" : undefined;
}

// ---------------------------------------------------------------- sets

defineScalar(
  "set_union",
  arrays(2, 64, (inputs) => distinct(inputs.flat(1)), "dynamic", true),
);

defineScalar(
  "set_intersect",
  arrays(
    2,
    64,
    ([first, ...rest]) => {
      const others = rest.map((a) => new Set(a.map(identity)));
      return distinct(first).filter((v) => others.every((s) => s.has(identity(v))));
    },
    "dynamic",
    true,
  ),
);

defineScalar(
  "set_difference",
  arrays(
    2,
    64,
    ([first, ...rest]) => {
      const others = new Set(rest.flat(1).map(identity));
      return distinct(first).filter((v) => !others.has(identity(v)));
    },
    "dynamic",
    true,
  ),
);

defineScalar(
  "jaccard_index",
  arrays(2, 2, ([a, b]) => {
    const left = new Set(a.map(identity));
    const right = new Set(b.map(identity));
    const union = new Set([...left, ...right]).size;
    const common = [...left].filter((k) => right.has(k)).length;
    return union === 0 ? NaN : common / union;
  }, "real"),
);

// ---------------------------------------------------------------- property bags

/** `bag_pack(key1, value1, ...)` with keys as text and values as held in a dynamic. */
function packPairs(values: JsValue[], types: KustoType[]): Bag {
  const bag: Bag = {};
  for (let i = 0; i + 1 < values.length; i += 2) {
    bag[kustoToString(values[i], types[i])] = jsonValue(values[i + 1], types[i + 1]);
  }
  return bag;
}

defineScalar(["bag_pack", "pack", "pack_dictionary"], {
  minArgs: 0,
  maxArgs: Infinity,
  compile(args, site) {
    if (args.length % 2 !== 0) {
      throw site.env.ctx.error(
        `${site.call.name}() needs pairs of key and value, but has ${args.length} arguments`,
        site.call.span,
        'Write bag_pack("key1", value1, "key2", value2, ...).',
      );
    }
    // Kusto.Language: "A value of type string expected" for a key of another type.
    const key = args.findIndex((a, i) =>
      i % 2 === 0 && a.type !== "string" && a.type !== "dynamic"
    );
    if (key >= 0) {
      throw site.env.ctx.error(
        `the keys of ${site.call.name}() must be strings, but key ${key / 2 + 1} is a ${
          args[key].type
        }`,
        site.call.args[key].span,
        "Convert the key with tostring(...).",
      );
    }
    const types = args.map((a) => a.type);
    return exactRowwise(site.env, args, "dynamic", (values) => packPairs(values, types));
  },
});

defineScalar("bag_pack_columns", {
  minArgs: 1,
  maxArgs: Infinity,
  compile(args, site) {
    const names = site.call.args.map((a) => {
      const e = a.kind === "paren" ? a.expression : a;
      if (e.kind !== "name") {
        throw site.env.ctx.error("bag_pack_columns() takes column names", a.span);
      }
      return e.name;
    });
    const types = args.map((a) => a.type);
    return exactRowwise(site.env, args, "dynamic", (values) => {
      const bag: Bag = {};
      names.forEach((name, i) => (bag[name] = jsonValue(values[i], types[i])));
      return bag;
    });
  },
});

defineScalar("pack_all", {
  minArgs: 0,
  maxArgs: 1,
  compile(args, site) {
    const columns = site.env.columns;
    if (!columns) {
      throw site.env.ctx.error(
        "pack_all() packs the columns of a row; there is no table here",
        site.call.span,
        "Use pack_all() in extend, project or where after a table.",
      );
    }
    expectType(args, 0, ["bool"], site);
    const names = [...columns.keys()];
    const types = names.map((n) => columns.get(n)!);
    const inputs: Typed[] = names.map((n, i) => ({ expr: pl.col(n), type: types[i] }));
    return exactRowwise(site.env, [...inputs, ...args], "dynamic", (values) => {
      const skipEmpty = values[names.length] === true;
      const bag: Bag = {};
      names.forEach((name, i) => {
        const v = values[i];
        if (skipEmpty && (v === null || v === "")) return;
        bag[name] = jsonValue(v, types[i]);
      });
      return bag;
    });
  },
});

defineScalar("bag_keys", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    expectDynamic(args, site);
    return site.env.rowwise(args, "dynamic", ([b]) => (isBag(b) ? Object.keys(b) : null));
  },
});

defineScalar("bag_merge", {
  minArgs: 2,
  maxArgs: 64,
  compile(args, site) {
    expectDynamic(args, site);
    return exactRowwise(site.env, args, "dynamic", (bags) => {
      // The leftmost bag wins a key present in several.
      const merged: Bag = {};
      for (const b of bags) {
        if (!isBag(b)) continue;
        for (const [k, v] of Object.entries(b)) if (!Object.hasOwn(merged, k)) merged[k] = v;
      }
      return merged;
    });
  },
});

/**
 * The keys of a bag key argument: a plain first-level key, or a JSONPath
 * (`$.a.b`, `$['a']["b"]`); undefined for paths with array indexes or the root.
 */
function bagPath(key: string): string[] | undefined {
  if (!key.startsWith("$")) return [key];
  const parts: string[] = [];
  const re = /\.([^.[\]]+)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < key.length) {
    const m = re.exec(key);
    if (!m) return undefined;
    parts.push(m[1] ?? m[2] ?? m[3]);
  }
  return parts.length > 0 ? parts : undefined;
}

function bagKeyArgs(args: Typed[], site: CallSite): void {
  expectDynamic(args, site, [0]);
  expectType(args, 1, ["string", "dynamic"], site);
}

defineScalar("bag_has_key", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    bagKeyArgs(args, site);
    return site.env.rowwise(args, "bool", ([b, k]) => {
      const path = typeof k === "string" ? bagPath(k) : undefined;
      if (!isBag(b) || !path) return false;
      let at: unknown = b;
      for (const part of path) {
        if (!isBag(at) || !Object.hasOwn(at, part)) return false;
        at = at[part];
      }
      return true;
    });
  },
});

defineScalar("bag_remove_keys", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    expectDynamic(args, site);
    return exactRowwise(site.env, args, "dynamic", ([b, keys]) => {
      if (!isBag(b)) return null;
      const out = copyDynamic(b) as Bag;
      for (const key of isArray(keys) ? keys : [keys]) {
        const path = typeof key === "string" ? bagPath(key) : undefined;
        if (!path) continue;
        let at: unknown = out;
        for (const part of path.slice(0, -1)) at = isBag(at) ? at[part] : undefined;
        if (isBag(at)) delete at[path[path.length - 1]];
      }
      return out;
    });
  },
});

defineScalar("bag_set_key", {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    bagKeyArgs(args, site);
    const type = args[2].type;
    return exactRowwise(site.env, args, "dynamic", ([b, k, v]) => {
      const path = typeof k === "string" ? bagPath(k) : undefined;
      if (!isBag(b) || !path) return null;
      const out = copyDynamic(b) as Bag;
      let at: Bag = out;
      for (const part of path.slice(0, -1)) {
        if (!isBag(at[part])) at[part] = {};
        at = at[part] as Bag;
      }
      at[path[path.length - 1]] = jsonValue(v, type);
      return out;
    });
  },
});

defineScalar("bag_zip", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    expectDynamic(args, site);
    return exactRowwise(site.env, args, "dynamic", ([keys, values]) => {
      if (!isArray(keys)) return null;
      const bag: Bag = {};
      keys.forEach((k, i) => {
        // Keys that are not strings are skipped with their values.
        if (typeof k === "string") bag[k] = isArray(values) ? values[i] ?? null : null;
      });
      return bag;
    });
  },
});

// ---------------------------------------------------------------- text

/** Kusto's canonical JSON: bag keys sorted ordinally, no spaces. */
function canonicalJson(v: unknown): string {
  if (isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isBag(v)) {
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

defineScalar(
  "dynamic_to_json",
  rowwise(
    1,
    1,
    "string",
    ([v], [t]) => (t === "dynamic" ? canonicalJson(v) : kustoToString(v, t)),
  ),
);
