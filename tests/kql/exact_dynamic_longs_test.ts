/**
 * Longs inside dynamic values stay exact beyond 2^53, as Kusto keeps them in Int64 (issue
 * 16): `tolong(d.a)`, `tostring(d.a)`, the value's own text and `gettype`, in a constant
 * and in a CSV column of JSON. The expected digits are the input's own; JavaScript numbers
 * would round 12345678901234567 to 12345678901234568.
 *
 * Also `isempty`/`isnotempty` of empty arrays and bags, as Kusto's documentation of
 * isempty() gives them: `parsejson("")` is empty, `parsejson("[]")` and `parsejson("{}")`
 * are not.
 */
import assert from "node:assert/strict";
import { runKql } from "../../src/kql/mod.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

const BIG = "12345678901234567";

async function first(query: string): Promise<Record<string, unknown>> {
  return (await runKql(query)).toRecords()[0] as Record<string, unknown>;
}

Deno.test("tolong and tostring of a dynamic long beyond 2^53 keep every digit", async () => {
  const row = await first(
    `print d = parse_json('{"a":${BIG}}') | extend v = tolong(d.a), s = tostring(d.a)` +
      ` | project s, vs = tostring(v), next = tostring(v + 1), t = tostring(d), g = gettype(d.a)`,
  );
  assert.deepEqual(row, {
    s: BIG,
    vs: BIG,
    next: "12345678901234568",
    t: `{"a":${BIG}}`,
    g: "long",
  });
  const low = await first(
    `print d = parse_json('{"a":-9223372036854775808}') | project s = tostring(tolong(d.a))`,
  );
  assert.equal(low.s, "-9223372036854775808");
});

Deno.test("a dynamic literal keeps its longs beyond 2^53 exact, as parse_json does", async () => {
  const row = await first(
    `print d = dynamic({"a":${BIG}, "b":[-9223372036854775808, 1.0]}), e = dynamic(${BIG})` +
      ` | project t = tostring(d), s = tostring(tolong(d.a)), g = gettype(d.a),` +
      ` e = tostring(e), n = tostring(d.a + 1)`,
  );
  assert.deepEqual(row, {
    t: `{"a":${BIG},"b":[-9223372036854775808,1.0]}`,
    s: BIG,
    g: "long",
    e: BIG,
    n: "12345678901234568",
  });
});

Deno.test("tolong of dynamic values that are not integers still converts them", async () => {
  const frame = await runKql(
    `datatable(d:dynamic)[dynamic({'a':5.7}), dynamic({'a':'12'}), dynamic({'a':true}),` +
      ` dynamic(null), dynamic({'a':-3}), dynamic({'b':1})] | project v = tolong(d.a)`,
  );
  // Kusto truncates reals, reads numbers in strings, and bools as 0/1.
  assert.deepEqual(frame.getColumn("v").toArray(), [5, 12, 1, null, -3, null]);
});

Deno.test("tolong of text beyond 2^53 is exact", async () => {
  const row = await first(
    `print v = tolong('${BIG}'), w = tolong('+${BIG}'), x = tolong('99999999999999999999')` +
      ` | project v = tostring(v), w = tostring(w), x`,
  );
  assert.deepEqual(row, { v: BIG, w: BIG, x: null });
});

Deno.test("casefile query --data: a CSV column of JSON keeps its longs exact", async () => {
  const dir = await tempFolder({
    "Events.csv": `Id,Props\n1,"{""a"":${BIG}}"\n2,"{""a"":5}"\n`,
  });
  const run = await runCasefile([
    "query",
    "--data",
    dir,
    "--format",
    "csv",
    "Events | project Id, Props, v = tostring(tolong(Props.a)), s = tostring(Props.a)",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split("\n"), [
    "Id,Props,v,s",
    `1,"{""a"":${BIG}}",${BIG},${BIG}`,
    `2,"{""a"":5}",5,5`,
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("isempty and isnotempty of empty arrays and bags, as Kusto documents", async () => {
  const row = await first(
    `print a = isempty(''), b = isempty('x'), c = isempty(parsejson('')),` +
      ` d = isempty(parsejson('[]')), e = isempty(parsejson('{}')),` +
      ` f = isnotempty(dynamic([])), g = isempty(dynamic({})), h = isnotempty(dynamic({}))`,
  );
  assert.deepEqual(row, {
    a: true,
    b: false,
    c: true,
    d: false,
    e: false,
    f: true,
    g: false,
    h: true,
  });
  // In a column, and at a path (an empty array or bag inside a value, a missing key).
  const frame = await runKql(
    `datatable(d:dynamic)[dynamic({'a':[], 'b':{}})]` +
      ` | project ea = isempty(d.a), eb = isempty(d.b), ec = isempty(d.c), na = isnotempty(d.a)`,
  );
  assert.deepEqual(frame.toRecords(), [{ ea: false, eb: false, ec: true, na: true }]);
});
