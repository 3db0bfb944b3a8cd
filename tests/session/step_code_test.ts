/**
 * A code step typed as text, written back as a function of the values it reads: input next
 * to output. Each case is also run both ways (as text in a session, and as the function)
 * and must give the same value.
 */
import assert from "node:assert/strict";
import { stepFunction } from "../../src/session/_step_code.ts";
import { transformInput, typescript } from "../../src/session/_transform.ts";
import type { StepRecord } from "../../src/session/_journal.ts";
import { openSession } from "../../src/session/session.ts";
import { tempFolder } from "../_helpers.ts";

const ts = await typescript();

/** A journal record for `code` as the session writes it (binds and uses from the code). */
function record(
  name: string,
  code: string,
  uses: Record<string, number> = {},
  imports?: StepRecord["imports"],
): StepRecord {
  const t = transformInput(ts, code);
  const bound = [...t.declared, ...t.assigned];
  const binds = bound.includes(name) ? bound : [...bound, name];
  return {
    type: "step",
    position: 9,
    revision: 1,
    name,
    kind: "code",
    code,
    params: {},
    status: "ok",
    startedAt: "2026-03-16T00:00:00Z",
    durationMs: 1,
    binds: binds.length > 1 || binds[0] !== name ? binds : undefined,
    uses: Object.keys(uses).length ? uses : undefined,
    imports,
  };
}

const VARIABLES = new Set(["flows", "spray", "rows", "total", "tree", "x"]);

const CASES: {
  name: string;
  code: string;
  uses?: Record<string, number>;
  previous?: string;
  expected: string;
  bind?: string[];
}[] = [
  {
    name: "top",
    code: "const top = flows.head(3)",
    uses: { flows: 1 },
    expected: '({ flows }: Pick<Steps, "flows">) => flows.head(3)',
  },
  {
    name: "_3",
    code: "spray.height",
    uses: { spray: 1 },
    expected: '({ spray }: Pick<Steps, "spray">) => spray.height',
  },
  {
    name: "flows",
    code: 'const flows = flows.filter(pl.col("n").gt(1))',
    uses: { flows: 1 },
    expected: '({ flows }: Pick<Steps, "flows">) => flows.filter(pl.col("n").gt(1))',
  },
  {
    name: "x",
    code: "x = x.head(2)",
    uses: { x: 1 },
    expected: '({ x }: Pick<Steps, "x">) => x.head(2)',
  },
  {
    name: "total",
    code: "for (const r of rows) total += r.n",
    uses: { rows: 1, total: 2 },
    expected: '({ rows, total }: Pick<Steps, "rows" | "total">) => {\n' +
      "  for (const r of rows) total += r.n\n  return total;\n}",
  },
  {
    name: "_12",
    code: "for (const r of rows) r.seen = true",
    uses: { rows: 1 },
    expected: '({ rows }: Pick<Steps, "rows">) => {\n  for (const r of rows) r.seen = true\n}',
  },
  {
    name: "b",
    code: "const a = 1, b = a + 1",
    expected: "() => {\n  const a = 1, b = a + 1\n  return { a, b };\n}",
    bind: ["a", "b"],
  },
  {
    name: "base",
    code: 'import { basename as base } from "node:path"',
    expected:
      'async () => {\n  const { basename: base } = await import("node:path");\n  return base;\n}',
  },
  {
    name: "_10",
    code: "_.summary()",
    uses: { _: 4 },
    previous: "tree",
    expected: '({ tree: _ }: Pick<Steps, "tree">) => _.summary()',
  },
  {
    name: "_11",
    code: "{ a: 1, b: spray.height }",
    uses: { spray: 1 },
    expected: '({ spray }: Pick<Steps, "spray">) => ({ a: 1, b: spray.height })',
  },
  {
    name: "flows",
    code: "const flows = flows.head(2);\nconsole.log(flows.height)",
    uses: { flows: 1 },
    expected: '({ flows }: Pick<Steps, "flows">) => {\n' +
      "  flows = flows.head(2);\n  console.log(flows.height)\n  return flows;\n}",
  },
  {
    name: "n",
    code: "const n = await Promise.resolve(spray.height)",
    uses: { spray: 1 },
    expected: 'async ({ spray }: Pick<Steps, "spray">) => await Promise.resolve(spray.height)',
  },
  {
    name: "_13",
    code: "const t = rows.length;\nt * 2",
    uses: { rows: 1 },
    expected: '({ rows }: Pick<Steps, "rows">) => {\n  const t = rows.length;\n' +
      "  const _13 = t * 2;\n  return { t, _13 };\n}",
    bind: ["t", "_13"],
  },
];

Deno.test("stepFunction() writes a code step as a function of the values it reads", () => {
  for (const c of CASES) {
    const fn = stepFunction(ts, record(c.name, c.code, c.uses), {
      types: true,
      previous: c.previous,
      variables: VARIABLES,
    });
    assert.equal(fn.text, c.expected, c.code);
    assert.deepEqual(fn.bind, c.bind, `bind of ${c.code}`);
  }
  const untyped = stepFunction(ts, record("top", "const top = flows.head(3)", { flows: 1 }), {
    types: false,
    variables: VARIABLES,
  });
  assert.equal(untyped.text, "({ flows }) => flows.head(3)");
});

Deno.test("a code step gives the same value as text and as the function it is exported as", async () => {
  const scope = {
    flows: [{ n: 1 }, { n: 5 }, { n: 2 }],
    rows: [{ n: 1 }, { n: 2 }],
    total: 10,
    x: [3, 4, 5],
  };
  const cases: [string, string, Record<string, number>][] = [
    ["top", "const top = flows.slice(0, 2)", { flows: 1 }],
    ["total", "for (const r of rows) total += r.n", { rows: 2, total: 3 }],
    ["x", "x = x.map((v) => v * 2)", { x: 4 }],
    ["_9", "flows.filter((f) => f.n > 1).length + total", { flows: 1, total: 3 }],
    ["big", "const big = flows.filter((f) => f.n > 1);\nbig.push({ n: total })", {
      flows: 1,
      total: 3,
    }],
    ["_6", "const t = rows.length;\nt * 2", { rows: 2 }],
    ["_7", "for (const f of flows) f.n += 1", { flows: 1 }],
  ];
  for (const [name, code, uses] of cases) {
    const session = await openSession("both", { home: await tempFolder(), cache: false });
    for (const [key, value] of Object.entries(scope)) await session.record(key, value);
    const asText = await session.run(name, code);
    const fn = stepFunction(ts, record(name, code, uses), {
      types: false,
      variables: new Set(Object.keys(scope)),
    });
    const compiled = new Function(
      `return (${ts.transpile(fn.text).trim().replace(/;$/, "")})`,
    )() as (
      s: Record<string, unknown>,
    ) => unknown;
    const fresh = structuredClone(scope);
    const result = await compiled(fresh);
    const asFunction = fn.bind ? (result as Record<string, unknown>)[name] : result;
    assert.deepEqual(asFunction, asText, code);
    await session.close();
  }
});
