import assert from "node:assert/strict";
import { kql, kqlIdent, kqlLiteral, rawKql } from "../../src/session/kql_template.ts";
import { KqlTemplateError } from "../../src/session/errors.ts";
import { param, ParamSet, Timespan } from "../../src/session/params.ts";
import { runKql, tokenizeKql } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { rng as mulberry32 } from "../_order.ts";

Deno.test("kql renders each value as a literal of its type", () => {
  const q = kql`T | where a == ${"x"} and b > ${new Date("2026-03-10T00:00:00Z")} and c < ${
    Timespan.parse("90m")
  } and d in (${["p", "q"]}) and e == ${42} and f == ${-3} and g == ${1.5} and h == ${true}`;
  assert.deepEqual(
    q.text,
    'T | where a == "x" and b > datetime(2026-03-10T00:00:00.000Z) and c < timespan(0.01:30:00.000000)' +
      ' and d in (dynamic(["p","q"])) and e == 42 and f == long(-3) and g == real(1.5) and h == true',
  );
});

Deno.test("kql rejects values that have no literal, naming which", () => {
  assert.throws(
    () => kql`T | where a == ${"ok"} and b == ${undefined}`,
    (e: unknown) => e instanceof KqlTemplateError && e.index === 1 && /Value 2/.test(e.message),
  );
  assert.throws(() => kqlLiteral(() => 1), KqlTemplateError);
  assert.throws(() => kqlLiteral(new Map()), KqlTemplateError);
  assert.throws(() => kqlLiteral(new Date("nope")), KqlTemplateError);
  assert.throws(() => kqlLiteral(2n ** 64n), KqlTemplateError);
});

Deno.test("raw fragments and identifiers are opt-in", () => {
  assert.deepEqual(kql`${rawKql("SigninLogs")} | take 1`.text, "SigninLogs | take 1");
  assert.deepEqual(
    kql`${kqlIdent("Signin Logs")} | project ${kqlIdent("a")}`.text,
    `["Signin Logs"] | project a`,
  );
  // A plain string is never raw.
  assert.deepEqual(kql`${"SigninLogs"} | take 1`.text, `"SigninLogs" | take 1`);
});

Deno.test("a time range parameter must be used by its start and end", () => {
  const params = new ParamSet();
  params.define({ window: param.timerange("2026-03-10..2026-03-12") });
  const window = params.ref("window");
  assert.throws(() => kql`T | where t > ${window}`, KqlTemplateError);
  assert.deepEqual(
    kql`T | where t between (${window.start} .. ${window.end})`.text,
    "T | where t between (datetime(2026-03-10T00:00:00.000Z) .. datetime(2026-03-12T00:00:00.000Z))",
  );
});

// Hostile values: each must come back from the lexer as one string token with the value.
const HOSTILE = [
  `"`,
  `'`,
  `\\`,
  `\\"`,
  `a" or 1==1 //`,
  `x' | union *`,
  "line\nbreak | take 1",
  "cr\r\nlf",
  "tab\tnul\0",
  "| where true",
  "// comment",
  "/* c */",
  "```fence```",
  "~~~",
  "h'obfuscated'",
  "@'verbatim'",
  "emoji 😀 and ünïcödé",
  "\u2028\u2029\u0085",
  "\ud800 lone surrogate",
  "${not} `template`",
  ")) ; drop table",
  "\\u0022 escaped quote",
];

Deno.test("no string value can change a query's structure", async (t) => {
  const random = mulberry32(7);
  const alphabet = [
    `"`,
    `'`,
    "\\",
    "\n",
    "\r",
    "|",
    "/",
    "*",
    "(",
    ")",
    ";",
    "`",
    "~",
    "@",
    "h",
    "😀",
    "\u0000",
    " ",
    "a",
    "é",
  ];
  const generated = Array.from(
    { length: 300 },
    () =>
      Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join(""),
  );
  for (const value of [...HOSTILE, ...generated]) {
    const text = kql`T | where Name == ${value} | project Name`.text;
    const tokens = tokenizeKql(text).filter((tok) => tok.kind !== "eof");
    const kinds = tokens.map((tok) => tok.kind === "string" ? "S" : tok.text).join(" ");
    assert.deepEqual(kinds, "T | where Name == S | project Name", `for ${JSON.stringify(value)}`);
    assert.deepEqual(tokens[5].value, value);
  }
  await t.step("the engine matches the exact value", async () => {
    for (const value of HOSTILE) {
      const frame = pl.DataFrame({ Name: [value, "other"] });
      const result = await runKql(kql`T | where Name == ${value} | count`.text, {
        tables: { T: frame },
      });
      assert.deepEqual(result.getColumn("Count").toArray()[0], 1, JSON.stringify(value));
    }
  });
  await t.step("inside lists too", () => {
    const text = kql`T | where Name in (${HOSTILE})`.text;
    const tokens = tokenizeKql(text).filter((tok) => tok.kind !== "eof");
    assert.deepEqual(
      tokens.map((tok) => tok.kind === "typed" ? "D" : tok.text).join(" "),
      "T | where Name in ( D )",
    );
  });
});
