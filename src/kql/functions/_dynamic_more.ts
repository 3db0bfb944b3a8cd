/**
 * Dynamic-value functions beyond the dynamic family: `set_equals`, `treepath`, and
 * `extract_json` (also `extractjson`), which reads one JSONPath out of JSON text.
 *
 * @module
 */
import { constant, type Typed } from "../compile/_context.ts";
import { convert, toStringTyped } from "../compile/_conversion.ts";
import { parseJsonKeepingReals } from "../runtime/_values.ts";
import { exactIdentity, exactRowwise } from "../compile/_exact_values.ts";
import { pl } from "../../polars.ts";
import { kustoTypeFromName, polarsTypeOf } from "../../schema/types.ts";
import { type CallSite, defineScalar } from "./_registry.ts";
import { expectType } from "./_define.ts";

// ---------------------------------------------------------------- set_equals

defineScalar("set_equals", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    expectType(args, 0, ["dynamic"], site);
    expectType(args, 1, ["dynamic"], site);
    // Longs beyond 2^53 compare by their digits (`_exact_values.ts`).
    return exactRowwise(site.env, args, "bool", ([a, b]) => {
      if (!Array.isArray(a) || !Array.isArray(b)) return null;
      const left = new Set(a.map(exactIdentity));
      const right = new Set(b.map(exactIdentity));
      return left.size === right.size && [...left].every((v) => right.has(v));
    });
  },
});

// ---------------------------------------------------------------- treepath

/**
 * The paths to the leaves of a property bag, as Kusto writes them: `['key']` per property,
 * `[0]` for the elements of an array (all elements share it).
 */
export function treePaths(value: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      out.add(`${path}[0]`);
      const bags = v.filter((e) => e !== null && typeof e === "object" && !Array.isArray(e));
      for (const bag of bags) walk(bag, `${path}[0]`);
      return;
    }
    if (v === null || typeof v !== "object") return;
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      const p = `${path}['${k.replaceAll("'", "\\'")}']`;
      out.add(p);
      if (item !== null && typeof item === "object") walk(item, p);
    }
  };
  walk(value, "");
  return [...out];
}

defineScalar("treepath", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    expectType(args, 0, ["dynamic"], site);
    return site.env.rowwise(
      args,
      "dynamic",
      ([v]) => (v !== null && typeof v === "object" && !Array.isArray(v) ? treePaths(v) : null),
    );
  },
});

// ---------------------------------------------------------------- extract_json

type Step = string | number;

/** A JSONPath of Kusto's subset: `$`, `.name`, `['name']`, `[index]`; null if invalid. */
export function readJsonPath(path: string): Step[] | null {
  const text = path.trim();
  if (!text.startsWith("$")) return null;
  const steps: Step[] = [];
  const re =
    /\.([^.[\]]+)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*(-?\d+)\s*\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (!m) return null;
    if (m[4] !== undefined) steps.push(Number(m[4]));
    else steps.push((m[1] ?? m[2] ?? m[3]).replace(/\\(.)/g, "$1"));
  }
  return steps;
}

function follow(value: unknown, steps: readonly Step[]): unknown {
  let v = value;
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(v)) return undefined;
      v = v[step < 0 ? v.length + step : step];
    } else {
      if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
      v = (v as Record<string, unknown>)[step];
    }
  }
  return v;
}

for (const name of ["extract_json", "extractjson"]) {
  defineScalar(name, {
    minArgs: 2,
    maxArgs: 3,
    compile(args, site) {
      const path = args[0];
      if (path.type !== "string" || typeof path.constant?.value !== "string") {
        throw site.env.ctx.error(
          `the JSONPath of ${name}() must be a constant string`,
          site.call.args[0].span,
        );
      }
      const steps = readJsonPath(path.constant.value);
      if (!steps) {
        throw site.env.ctx.error(
          `'${path.constant.value}' is not a JSONPath ${name}() reads`,
          site.call.args[0].span,
          "Use $ followed by .name, ['name'] or [index] steps.",
        );
      }
      const json = toStringTyped(args[1], site.env);
      const text = site.env.rowwise([json], "string", ([t]) => {
        if (t === null || t === "") return "";
        // Read keeping longs beyond 2^53 (and reals such as 2.0) as written.
        const found = follow(parseJsonKeepingReals(String(t)), steps);
        if (found === undefined || found === null) return "";
        return typeof found === "string" ? found : JSON.stringify(found);
      });
      return args[2] ? typed(text, args, site) : text;
    },
  });
}

/** The extracted text as the type a `typeof(T)` third argument names (null when absent). */
function typed(text: Typed, args: Typed[], site: CallSite): Typed {
  const name = args[2].constant?.value;
  const type = typeof name === "string" ? kustoTypeFromName(name) : undefined;
  if (!type) {
    throw site.env.ctx.error(
      `the last argument of ${site.call.name}() must be a type, like typeof(long)`,
      site.call.args[2].span,
    );
  }
  if (type === "string") return text;
  if (text.constant) {
    return text.constant.value === "" ? constant(null, type) : convert(text, type, site.env);
  }
  const value = convert(text, type, site.env);
  return {
    expr: pl.when(text.expr.eq(pl.lit(""))).then(pl.lit(null).cast(polarsTypeOf(type)))
      .otherwise(value.expr),
    type,
  };
}
