/**
 * Engine bugs the hunting-library writers hit (issue 16), by class: term operators with
 * backslashes and regex metacharacters, `Name = expr` outputs of aggregates, rounding and
 * division to the nearest double, and reals inside dynamic values. Expected values come from
 * Kusto's documentation, Kusto.Language (names) and hand computation.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runKql } from "../../src/kql/mod.ts";
import { bindKql } from "./_kusto_binder.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

async function rows(query: string): Promise<Record<string, unknown>[]> {
  return (await runKql(query)).toRecords() as Record<string, unknown>[];
}

/** `casefile query <kql> --format json` on the demo case, as a person runs it. */
async function casefileJson(kql: string): Promise<Record<string, unknown>[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "repl/main.ts", "query", kql, "--format", "json"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** A KQL string literal of `text` (backslashes and quotes escaped). */
function kqlString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

// ---------------------------------------------------------------- term operators

Deno.test("casefile query: has_any finds the service installed from \\Temp\\ (answer key)", async () => {
  // The answer key: service WinSysHealth (4697) runs C:\Windows\Temp\wsh.exe.
  const out = await casefileJson(
    String
      .raw`SecurityEvent | where EventID == 4697 | extend V = ServiceFileName has_any ("\\Temp\\"), W = ServiceFileName has "\\Temp\\" | project ServiceName, ServiceFileName, V, W`,
  );
  const hits = out.filter((r) => r.V === true);
  assert.deepEqual(hits.map((r) => [r.ServiceName, r.ServiceFileName]), [
    ["WinSysHealth", String.raw`C:\Windows\Temp\wsh.exe`],
  ]);
  // has_any of one term is has of that term.
  for (const r of out) assert.equal(r.V, r.W, `has_any and has differ on ${r.ServiceFileName}`);
});

/**
 * Kusto's term rule, by hand: text is split into runs of ASCII letters and digits; a needle
 * matches where its alphanumeric ends fall on term boundaries (a non-alphanumeric end
 * needs none), case-insensitively unless `_cs`.
 */
const TERM_CASES: Array<[text: string, needle: string, has: boolean]> = [
  [String.raw`C:\Windows\Temp\wsh.exe`, String.raw`\Temp\ `.trim(), true],
  [String.raw`C:\Windows\Temp\wsh.exe`, String.raw`Temp\ `.trim(), true],
  [String.raw`C:\Windows\Temp\wsh.exe`, String.raw`\temp`, true],
  [String.raw`C:\Windows\Temp\wsh.exe`, String.raw`\Tem`, false],
  [String.raw`C:\Windows\Temp\wsh.exe`, ".exe", true],
  [String.raw`C:\Windows\Temp\wsh.exe`, "\\", true],
  ["a.b*c?d", "b*c?", true],
  ["a.b*c?d", ".b*", true],
  ["a.b*c?d", "a.b", true],
  ["ab*c", "b*c", false],
  ["$x^y|z", "^y|z", true],
  ["$x^y|z", "y|", true],
  ["xx(c)[d]", "(c)", true],
  ["xx(c)[d]", "[d]", true],
  ["foo-bar", "-bar", true],
  ["foo-barx", "-bar", false],
  ["a+b", "a+b", true],
  ["aa+b", "a+b", false],
];

Deno.test("the has family matches terms with backslashes and regex metacharacters on columns and literals alike", async () => {
  const data = `datatable(S:string, N:string)[${
    TERM_CASES.map(([t, n]) => `${kqlString(t)}, ${kqlString(n)}`).join(", ")
  }]`;
  for (const [i, [text, needle, has]] of TERM_CASES.entries()) {
    const n = kqlString(needle);
    const t = kqlString(text);
    const [col] = await rows(
      `${data} | where S == ${t} and N == ${n} | take 1 | extend has = S has ${n}, not_has = S !has ${n}, hasCs = S has_cs ${n}, any = S has_any (${n}, "zzzz"), none = S !has_any (${n}), all = S has_all (${n}), rowwise = S has N, contains = S contains ${n}`,
    );
    const [lit] = await rows(
      `print has = ${t} has ${n}, any = ${t} has_any (${n}, "zzzz"), all = ${t} has_all (${n})`,
    );
    const where = `case ${i}: ${text} has ${needle}`;
    assert.equal(col.has, has, where);
    assert.equal(col.not_has, !has, where);
    assert.equal(col.any, has, `${where} (has_any on a column)`);
    assert.equal(col.none, !has, `${where} (!has_any on a column)`);
    assert.equal(col.all, has, `${where} (has_all on a column)`);
    assert.equal(col.rowwise, has, `${where} (needle from a column)`);
    assert.equal(lit.has, has, `${where} (literal)`);
    assert.equal(lit.any, has, `${where} (has_any on a literal)`);
    assert.equal(lit.all, has, `${where} (has_all on a literal)`);
    // Exact case here, so has_cs agrees; and a term match is always a substring.
    assert.equal(col.hasCs, text.includes(needle) ? col.has : false, where);
    if (has) assert.equal(col.contains, true, where);
  }
});

Deno.test("has_any with several needles is true when any one of them matches as has does", async () => {
  const out = await rows(
    String
      .raw`datatable(S:string)["C:\\Windows\\Temp\\a.exe", "C:\\Users\\Public\\b.ps1", "C:\\Windows\\notemp.exe"]
    | extend V = S has_any ("\\Temp\\", "\\Public\\"), W = S has_all ("\\Windows\\", ".exe")`,
  );
  assert.deepEqual(out.map((r) => [r.V, r.W]), [[true, true], [true, false], [false, true]]);
});

// ---------------------------------------------------------------- named aggregate outputs

const T = "(TimeGenerated:datetime, User:string, IsMFARegistered:bool, Score:long, Ratio:real)";
const DATA = `datatable${T}[
  datetime(2026-03-01), "alice", false, 3, 1.5,
  datetime(2026-03-02), "alice", true, 7, 2.5,
  datetime(2026-03-03), "bob", true, 5, 0.5]`;

/** The result's column names, as casefile gives them and as Kusto.Language binds them. */
async function namesBoth(tail: string): Promise<[string[], string[]]> {
  const frame = await runKql(`${DATA} ${tail}`);
  const bound = bindKql(`T ${tail}`, { T });
  assert.deepEqual(bound.errors, [], `Kusto.Language rejects: T ${tail}`);
  return [frame.columns, bound.columns.map((c) => c.name)];
}

Deno.test("casefile query: arg_min(t, Name = expr) returns the column Name (Kusto.Language's names)", async () => {
  const tail =
    "| summarize arg_min(TimeGenerated, WasRegistered = IsMFARegistered) by User | sort by User asc";
  const out = await casefileJson(`${DATA} ${tail}`);
  // By hand: alice's first sign-in (1 March) was not registered; bob's only one was.
  assert.deepEqual(out.map((r) => [r.User, r.WasRegistered]), [["alice", false], ["bob", true]]);
  assert.deepEqual(
    Object.keys(out[0]),
    bindKql(`T ${tail}`, { T }).columns.map((c) => c.name),
  );
});

Deno.test("named and unnamed outputs of arg_max, arg_min, take_any, take_anyif are named as Kusto.Language names them", async () => {
  const tails = [
    "| summarize arg_max(Score, Name = tostring(Ratio), User)",
    "| summarize arg_max(Score, Half = Ratio / 2, *)",
    "| summarize arg_max(Top = Score, Ratio + 1)",
    "| summarize arg_min(Score * 2, Ratio + 1)",
    "| summarize arg_max(Score, Ratio * 2, Ratio * 3, User)",
    "| summarize M = arg_max(Score, Name = Ratio)",
    "| summarize take_any(A = Score, User)",
    "| summarize take_anyif(A = Score, Score > 3)",
    "| summarize take_anyif(Score + 1, Score > 3), take_anyif(Score + 2, Score > 3)",
    "| summarize argmax(Score, Ratio + 1, User)",
    "| summarize argmax(Score, A = Ratio)",
    "| summarize sum(A = Score), make_list(B = User)",
  ];
  for (const tail of tails) {
    const [ours, kusto] = await namesBoth(tail);
    assert.deepEqual(ours, kusto, tail);
  }
});

Deno.test("named aggregate outputs carry the values of the row with the extreme", async () => {
  const [r] = await rows(
    `${DATA} | summarize arg_max(Score, Name = tostring(Ratio), Half = Ratio / 2), take_anyif(Big = Score, Score > 6)`,
  );
  // By hand: the highest Score is 7 (alice, 2.5).
  assert.deepEqual(r, { Score: 7, Name: "2.5", Half: 1.25, Big: 7 });
});

// ---------------------------------------------------------------- rounding and division

Deno.test("round() gives the double nearest the decimal result, on literals and columns", async () => {
  // Kusto: round(todouble(2849)/56, 1) is 50.9 (issue 16); the others are the examples of
  // Kusto's round() documentation.
  const expected = { a: 50.9, b: 2.988, c: 2.2, d: 2, e: -100, f: 20 };
  const [lit] = await rows(
    "print a = round(todouble(2849)/56, 1), b = round(2.98765, 3), c = round(2.15, 1), d = round(2.15), e = round(-50.55, -2), f = round(21.5, -1)",
  );
  assert.deepEqual(lit, expected);
  // Two rows: Polars computes a one-row column as a scalar, which hides the difference.
  const [col] = await rows(
    "datatable(n:long, x:real, y:real, z:real)[2849, 2.98765, 2.15, -50.55, 0, 0.0, 0.0, 0.0] | extend w = 21.5 | project a = round(todouble(n)/56, 1), b = round(x, 3), c = round(y, 1), d = round(y), e = round(z, -2), f = round(w, -1)",
  );
  assert.deepEqual(col, expected);
  const [rowwise] = await rows(
    "datatable(x:real, p:long)[50.875, 1, 0.0, 1] | project r = round(x, p)",
  );
  assert.equal(rowwise.r, 50.9);
});

Deno.test("dividing by a constant is IEEE division: 3.0 / 10 is 0.3 and 49 / 49 is 1", async () => {
  // Two rows: Polars computes a one-row column as a scalar, which hides the difference.
  const [r] = await rows(
    "datatable(x:real, n:long, m:long)[3.0, 49, -7, 0.0, 0, 1] | project a = x / 10, b = n / 49, c = todouble(n) / 49, d = m / 2, e = n / -2, f = 98 / m",
  );
  // By hand; Kusto's long division truncates toward zero.
  assert.deepEqual(r, { a: 0.3, b: 1, c: 1, d: -3, e: -24, f: -14 });
});

// ---------------------------------------------------------------- reals in dynamic values

Deno.test("reals inside dynamic values stay reals: printed with their fraction, gettype real", async () => {
  const [r] = await rows(
    `print a = dynamic([1, 2.0]), b = todynamic("1.0"), c = pack("a", 1.0), d = gettype(dynamic(2.0)), e = gettype(todynamic("1.0")), f = gettype(todynamic("1")), g = tostring(dynamic([1, 2.0])), h = pack_array(1.0, 2, 2.5), i = tostring(parse_json('{"v": 118.0, "n": 5}'))`,
  );
  assert.deepEqual(r, {
    a: "[1,2.0]",
    b: "1.0",
    c: '{"a":1.0}',
    d: "real",
    e: "real",
    // gettype-function.md: gettype(parse_json('1')) is int (a whole number in 32 bits).
    f: "int",
    g: "[1,2.0]",
    h: "[1.0,2,2.5]",
    i: '{"v":118.0,"n":5}',
  });
});

Deno.test("a real taken out of parsed JSON is still a real (Kusto's parse_json example)", async () => {
  const out = await rows(
    String
      .raw`datatable(m:string)['{"duration":{"value":118.0,"count":5.0,"min":100.0}}', '{"duration":{"value":1.5}}']
    | extend d = parse_json(m) | project v = d.duration.value, lo = d.duration.min, t = gettype(d.duration.value), n = todouble(d.duration.count) + 1`,
  );
  // Kusto's documentation of parse_json shows 118.0 and 100.0.
  assert.deepEqual(out, [
    { v: "118.0", lo: "100.0", t: "real", n: 6 },
    { v: "1.5", lo: null, t: "real", n: null },
  ]);
});

Deno.test("mv-expand keeps reals and longs apart in the expanded dynamic values", async () => {
  const out = await rows(
    'print d = dynamic([1, 2.0, {"a": 3.0}]), n = 2 | mv-expand d | extend t = gettype(d)',
  );
  // gettype-function.md: a dynamic whole number in 32 bits is int.
  assert.deepEqual(out.map((r) => [r.d, r.t]), [
    ["1", "int"],
    ["2.0", "real"],
    ['{"a":3.0}', "dictionary"],
  ]);
});

Deno.test("casefile query: lists and series of reals print as Kusto's documentation shows them", async () => {
  // Kusto's documentation: summarize make_set of real(5) is [5.0]; series_pow and
  // series_ceiling give reals; series_add of longs stays long.
  const [set] = await casefileJson(
    "range x from 1 to 2 step 1 | extend y = iff(x == 1, real(null), real(5)) | summarize make_set(y)",
  );
  assert.deepEqual(Object.values(set), [[5]]);
  const raw = await rows(
    "range x from 1 to 2 step 1 | extend y = iff(x == 1, real(null), real(5)) | summarize s = make_set(y) | extend p = series_pow(dynamic([1, 2, 3, 4]), dynamic([1, 2, 3, 0.5])), c = series_ceiling(dynamic([-1.5, 1, 2.5])), a = series_add(dynamic([1, 2, 4]), dynamic([4, 2, 1]))",
  );
  assert.deepEqual(raw[0], {
    s: "[5.0]",
    p: "[1.0,4.0,27.0,2.0]",
    c: "[-1.0,1.0,3.0]",
    a: "[5,4,5]",
  });
});
