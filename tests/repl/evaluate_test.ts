import { deepStrictEqual as assertEquals, ok, rejects, throws } from "node:assert/strict";
import { transformInput, typescript } from "../../repl/_transform.ts";
import { EvaluationCancelled, ScopeEvaluator } from "../../repl/_evaluator.ts";
import { ReplError, ReplSyntaxError } from "../../repl/errors.ts";
import { tempFolder } from "../_helpers.ts";
import { join } from "node:path";

const ts = await typescript();

Deno.test("transformInput() turns top-level declarations into assignments", () => {
  const t = transformInput(ts, "const x: number = 1, { a, b: [c] } = o; let u;");
  assertEquals(t.declared, ["x", "a", "c", "u"]);
  ok(t.body.includes("x = 1;"), t.body);
  ok(t.body.includes("({ a, b: [c] } = o);"), t.body);
  ok(t.body.includes("u = undefined;"), t.body);
  ok(!/\b(const|let)\s+(x|a|u)\b/.test(t.body), t.body);
  assertEquals(t.returnsExpression, false);
});

Deno.test("transformInput() hoists functions, rewrites imports and returns the last expression", () => {
  const t = transformInput(
    ts,
    'f(1);\nfunction f(n: number) { return n }\nimport d, { a as b } from "./m.ts";\nimport type { T } from "./t.ts";\nf(2)',
  );
  assertEquals(t.declared, ["f", "d", "b"]);
  ok(t.body.indexOf("f = function f") < t.body.indexOf("f(1)"), t.body);
  ok(t.body.includes('__m0 = await __import("./m.ts"); d = __m0.default; b = __m0.a;'), t.body);
  ok(!t.body.includes("./t.ts"), t.body);
  ok(t.body.includes("return (f(2)"), t.body);
  assertEquals(t.definitionsOnly, false);
  assertEquals(transformInput(ts, "function g() {}\nconst h = () => 1").definitionsOnly, true);
});

Deno.test("transformInput() reports a syntax error at its position", () => {
  throws(() => transformInput(ts, "const a = 1;\nlet x = 1 +* 2"), (e: unknown) => {
    const err = e as ReplSyntaxError;
    ok(err instanceof ReplSyntaxError);
    assertEquals([err.line, err.column, err.span.start], [2, 12, 24]);
    ok(err.message.startsWith("Expression expected."), err.message);
    return true;
  });
});

Deno.test("ScopeEvaluator keeps declarations between inputs and lets them be declared again", async () => {
  const ev = new ScopeEvaluator({ answer: 42 });
  assertEquals((await ev.evaluate("const x = 1")).value, 1);
  assertEquals((await ev.evaluate("const x = 2")).value, 2);
  assertEquals((await ev.evaluate("x + answer")).value, 44);
  assertEquals((await ev.evaluate("let y: string[] = []; y.push('a'); y")).value, ["a"]);
  assertEquals((await ev.evaluate("const { p, q: [r] } = { p: 1, q: [2] }; p + r")).value, 3);
  assertEquals((await ev.evaluate("class A { v = 3 }\nnew A().v")).value, 3);
  assertEquals((await ev.evaluate("enum E { X, Y }")).value, { 0: "X", 1: "Y", X: 0, Y: 1 });
  assertEquals((await ev.evaluate("{ a: 1 }")).value, { a: 1 });
  assertEquals((await ev.evaluate("await Promise.resolve(7)")).value, 7);
  assertEquals(ev.names().sort(), ["A", "E", "p", "r", "x", "y"]);
  // The API is beneath the variables: a variable may shadow it, the API is unchanged.
  await ev.evaluate("const answer = 1");
  assertEquals((await ev.evaluate("answer")).value, 1);
});

Deno.test("ScopeEvaluator imports npm packages, node modules and local files", async () => {
  const dir = await tempFolder({
    "helper.ts": "export const triple = (n: number): number => n * 3;",
  });
  const ev = new ScopeEvaluator({}, { cwd: dir });
  assertEquals((await ev.evaluate('import { triple } from "./helper.ts"; triple(3)')).value, 9);
  assertEquals(
    (await ev.evaluate('import { basename } from "node:path"; basename("/a/b")')).value,
    "b",
  );
  const polars = await ev.evaluate(
    'import polars from "nodejs-polars"; polars.DataFrame({ a: [1, 2] }).height',
  );
  assertEquals(polars.value, 2);
  const dynamic = await ev.evaluate(
    `const m = await import(${JSON.stringify(join(dir, "helper.ts"))}); m.triple(2)`,
  );
  assertEquals(dynamic.value, 6);
});

Deno.test("ScopeEvaluator: a runtime error keeps earlier variables; a reserved name is refused", async () => {
  const ev = new ScopeEvaluator({});
  await ev.evaluate("const kept = 1");
  await rejects(ev.evaluate("const broken = (null as any).x"), TypeError);
  assertEquals(ev.names(), ["kept"]);
  await rejects(ev.evaluate("const pl = 1"), ReplError);
  await rejects(ev.evaluate("Promise.reject(new RangeError('no'))"), RangeError);
});

Deno.test("ScopeEvaluator stops waiting for a promise when the signal aborts", async () => {
  const ev = new ScopeEvaluator({});
  const controller = new AbortController();
  let timer = 0;
  const running = ev.evaluate("await new Promise((r) => { timer = setTimeout(r, 60_000) })", {
    signal: controller.signal,
  });
  await new Promise((r) => setTimeout(r, 20));
  controller.abort();
  await rejects(running, EvaluationCancelled);
  timer = ev.vars.timer as number;
  clearTimeout(timer);
});
