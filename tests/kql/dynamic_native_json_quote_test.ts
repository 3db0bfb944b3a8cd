/**
 * Strings written as JSON text by Polars (`jsonQuote` in `_dynamic_native.ts`) are exactly
 * what `JSON.stringify` writes, for every user of it: the elements of an expanded array of
 * strings, `pack_array`, `array_slice` and `a[i]` of a native array, and the expansion of
 * arrays of strings computed by JavaScript. The strings hold every control character, a
 * quote, a backslash, a slash, DEL and a C1 control, U+2028 and U+2029, accented and
 * non-BMP characters, and null rows beside them; the oracle is `JSON.stringify` (written
 * here, not by the engine) and the JavaScript path (native reading off). A lone surrogate
 * cannot reach the writer: a Polars string is UTF-8, and one becomes U+FFFD on the way in.
 */
import assert from "node:assert/strict";
import { route, rows } from "./_dynamic_native.ts";
import { explodeJsonStrings } from "../../src/kql/compile/_dynamic_native.ts";
import { pl } from "../../src/polars.ts";

/** Strings of every kind the writer treats apart. */
const STRINGS = [
  ...Array.from({ length: 32 }, (_, c) => `a${String.fromCharCode(c)}b`),
  `q"q`,
  String.raw`back\slash`,
  `s/l`,
  "del\u007f c1\u0080\u009f",
  "ls\u2028ps\u2029",
  "café 😀 𝄞",
  "",
  "plain",
];

/** The texts of table E: the strings in arrays of two, then a null row and an empty array. */
const TEXTS = [
  ...STRINGS.map((s, i) => JSON.stringify([s, STRINGS[(i + 1) % STRINGS.length]])),
  null,
  "[]",
];

/** The query's rows natively, checked equal to the JavaScript path's, and its route. */
async function both(query: string): Promise<Record<string, unknown>[]> {
  const native = await rows(TEXTS, query);
  assert.deepStrictEqual(native, await rows(TEXTS, query, false), query);
  assert.equal(route(TEXTS, query), "native", query);
  return native;
}

Deno.test("expanded strings are written as JSON.stringify writes them", async () => {
  const got = await both("E | mv-expand F | where isnotnull(F) | project F");
  const expected = STRINGS.flatMap((s, i) => [s, STRINGS[(i + 1) % STRINGS.length]]);
  assert.deepStrictEqual(got.map((r) => r.F), expected.map((s) => JSON.stringify(s)));
  // By hand, a few: the escapes JavaScript writes, and the characters it writes as they are.
  assert.equal(got[0].F, String.raw`"a\u0000b"`);
  assert.equal(got[2 * 10].F, String.raw`"a\nb"`);
  assert.equal(got[2 * 31].F, String.raw`"a\u001fb"`);
  assert.equal(got[2 * 32].F, String.raw`"q\"q"`);
  assert.equal(got[2 * 33].F, String.raw`"back\\slash"`);
  assert.equal(got[2 * 35].F, `"del\u007f c1\u0080\u009f"`);
  assert.equal(got[2 * 36].F, `"ls\u2028ps\u2029"`);
  // A null row expands to one null element.
  assert.deepStrictEqual(
    (await both("E | mv-expand F | project Id, F")).filter((r) => r.F === null),
    [{ Id: STRINGS.length + 1, F: null }],
  );
});

Deno.test("pack_array, array_slice and a[i] of native arrays write strings as JSON.stringify does", async () => {
  const query = `E | mv-expand F | extend S = tostring(F) | where isnotempty(S)
    | project P = pack_array(S, "x"), L = array_slice(pack_array(S, "y"), 0, 0),
      I = pack_array("z", S)[1], T = tostring(pack_array(S))`;
  const got = await both(query);
  const strings = STRINGS.flatMap((s, i) => [s, STRINGS[(i + 1) % STRINGS.length]])
    .filter((s) => s !== "");
  assert.deepStrictEqual(
    got,
    strings.map((s) => ({
      P: JSON.stringify([s, "x"]),
      L: JSON.stringify([s]),
      I: JSON.stringify(s),
      T: JSON.stringify([s]),
    })),
  );
});

Deno.test("arrays of strings computed by JavaScript expand to JSON.stringify's texts", () => {
  const data = pl.DataFrame([pl.Series("t", TEXTS, pl.Utf8)]);
  const frame = explodeJsonStrings(data, "t", "e", "dynamic");
  assert.ok(frame);
  const expected = [
    ...STRINGS.flatMap((s, i) => [s, STRINGS[(i + 1) % STRINGS.length]]).map((s) =>
      JSON.stringify(s)
    ),
    null,
  ];
  assert.deepStrictEqual(frame.collectSync().getColumn("e").toArray(), expected);
});

Deno.test("a lone surrogate never reaches a Polars string: it is U+FFFD there", () => {
  const series = pl.Series("s", ["a\uD800b", "\uDC00"], pl.Utf8);
  assert.deepStrictEqual(series.toArray(), ["a\uFFFDb", "\uFFFD"]);
});
