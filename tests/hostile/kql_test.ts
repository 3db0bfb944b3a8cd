/**
 * Hostile KQL (issue 18): regexes that backtrack exponentially in JavaScript, queries
 * nested or chained past the stack, recursive functions, and arguments that used to reach
 * the user as raw Polars or JavaScript errors. Each must finish, and fail (when it fails)
 * with a casefile error that says where.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError, KqlSyntaxError } from "../../src/kql/mod.ts";
import { jsRegex, LinearRegex } from "../../src/kql/runtime/_regex.ts";
import {
  casefileSyntaxError,
  huntSamples,
  moreMutations,
  mutations,
  type Sample,
} from "../kql/_parser_reference.ts";

const NOW = new Date("2026-01-01T00:00:00Z");

async function rows(query: string) {
  return (await executeKql(query, { now: NOW })).frame.toRecords();
}

/** The rows of a query run in a worker, or a failure once `ms` have passed. */
function rowsWithin(query: string, ms: number): Promise<Record<string, unknown>[]> {
  const worker = new Worker(new URL("./_kql_worker.ts", import.meta.url), { type: "module" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Promise<Record<string, unknown>[]>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms: ${query}`)), ms);
    worker.onmessage = (event) => {
      if (event.data.error) reject(new Error(event.data.error));
      else resolve(event.data.rows);
    };
    worker.postMessage(query);
  }).finally(() => {
    clearTimeout(timer);
    worker.terminate();
  });
}

/** Asserts that `query` fails with `type`, at `line`:`column`, and a message matching `message`. */
async function assertFailsAt(
  query: string,
  type: typeof KqlSyntaxError | typeof KqlSemanticError,
  where: { line: number; column: number },
  message: RegExp,
) {
  await assert.rejects(() => executeKql(query, { now: NOW }), (error: unknown) => {
    assert.ok(error instanceof type, `${(error as Error).name}: ${(error as Error).message}`);
    assert.match(error.message, message);
    assert.equal(error.line, where.line);
    assert.equal(error.column, where.column);
    return true;
  });
}

// ---------------------------------------------------------------- regexes in linear time

Deno.test("regexes not run by Polars run in a linear-time engine", () => {
  assert.ok(jsRegex("(a+)+$") instanceof LinearRegex);
  // RE2 syntax, not JavaScript's: lookaround and backreferences do not exist in RE2.
  assert.throws(() => jsRegex("a(?=b)"));
  assert.throws(() => jsRegex("(a)\\1"));
});

// Both took 10-30 s in JavaScript's backtracking engine, exponentially more per extra `a`;
// with 60 `a`s a backtracking engine takes years, so the cap only fails a regression.
Deno.test("catastrophic patterns finish: extract_all, matches regex and friends", async () => {
  const a = "a".repeat(60);
  assert.deepEqual(
    await rowsWithin(`print r = extract_all('((a|aa)+c)', '${a}')`, 60_000),
    [{ r: null }],
  );
  assert.deepEqual(
    await rowsWithin(`print r = '${a}b' matches regex '(a+)+$'`, 60_000),
    [{ r: false }],
  );
  assert.deepEqual(
    await rowsWithin(
      `datatable(s: string)['${a}b'] | extend m = s matches regex '(a+)+$', ` +
        `e = extract('(a|aa)+$', 0, s), c = countof(s, '(a|aa)+c', 'regex'), ` +
        `i = indexof_regex(s, '(a|aa)+c'), x = replace_regex(s, '(a|aa)+c', 'X') | project-away s`,
      60_000,
    ),
    [{ m: false, e: "", c: 0, i: -1, x: `${a}b` }],
  );
});

Deno.test("RE2 semantics in the JavaScript paths (hand-checked values)", async () => {
  assert.deepEqual(
    await rows(
      `print a = extract_all(@'(\\w+)=(\\d+)', 'k=1 v=22 x=y'), ` +
        `b = replace_regex('abc abc', @'b(c)', @'[\\1]'), ` +
        `c = extract('(?U)a+', 0, 'aaa'), ` +
        `d = 'AbC' matches regex '(?i)^abc$', ` +
        `e = indexof_regex('xx😀ab', 'ab'), ` +
        `f = countof('aaa', 'a*', 'regex')`,
    ),
    [{
      a: JSON.stringify([["k", "1"], ["v", "22"]]),
      b: "a[c] a[c]",
      c: "a",
      d: true,
      e: 4,
      f: 2,
    }],
  );
});

// ---------------------------------------------------------------- depth and recursion

Deno.test("deep nesting is a located syntax error, not a stack overflow", async () => {
  // 782 parentheses and 1,368 nested calls overflowed the stack.
  const open = "print x = ".length + 1;
  await assertFailsAt(
    `print x = ${"(".repeat(782)}1${")".repeat(782)}`,
    KqlSyntaxError,
    { line: 1, column: open + 200 },
    /nests .* too deeply/,
  );
  await assertFailsAt(
    `print x = ${"abs(".repeat(1368)}-1${")".repeat(1368)}`,
    KqlSyntaxError,
    { line: 1, column: open + 4 * 200 },
    /nests .* too deeply/,
  );
  // Within the limit, the query runs.
  assert.deepEqual(await rows(`print x = ${"(".repeat(150)}1${")".repeat(150)}`), [{ x: 1 }]);
  assert.deepEqual(await rows(`print x = ${"abs(".repeat(150)}-1${")".repeat(150)}`), [{ x: 1 }]);
});

Deno.test("long chains of and, + and pipes are a located error past the limit", async () => {
  await assert.rejects(
    () => executeKql(`print x = ${Array(3126).fill("true").join(" and ")}`),
    KqlSyntaxError,
  );
  await assert.rejects(
    () => executeKql(`print x = 1${" | extend y = 1".repeat(12_306)}`),
    (e: unknown) =>
      e instanceof KqlSyntaxError && e.line === 1 && /nested too deeply/.test(e.message),
  );
  // 500 terms and 500 pipes are fine.
  assert.deepEqual(await rows(`print x = ${Array(500).fill("1").join(" + ")}`), [{ x: 500 }]);
  assert.deepEqual(
    await rows(`print x = 1${" | extend x = x + 1".repeat(500)}`),
    [{ x: 501 }],
  );
});

Deno.test("recursive let functions and views are refused where they recurse", async () => {
  await assertFailsAt(
    "let f = (n: long) { f(n - 1) };\nprint f(3)",
    KqlSemanticError,
    { line: 1, column: 21 },
    /'f' refers to itself/,
  );
  await assertFailsAt(
    "let T = view () { T | take 1 };\nT",
    KqlSemanticError,
    { line: 1, column: 19 },
    /'T' refers to itself/,
  );
  await assertFailsAt(
    "let g = (t: (*)) { t | invoke g() };\nprint x = 1 | invoke g()",
    KqlSemanticError,
    { line: 1, column: 31 },
    /'g' refers to itself/,
  );
  // A function used twice, or inside its own arguments, is not recursion.
  assert.deepEqual(
    await rows("let f = (n: long) { n + 1 }; print a = f(f(f(1))), b = f(10)"),
    [{ a: 4, b: 11 }],
  );
});

// ---------------------------------------------------------------- raw errors

Deno.test("percentiles outside 0-100 are a located error (Kusto rejects them too)", async () => {
  await assertFailsAt(
    "range x from 1 to 10 step 1\n| summarize percentile(x, 150)",
    KqlSemanticError,
    { line: 2, column: 27 },
    /between 0 and 100/,
  );
  await assertFailsAt(
    "range x from 1 to 10 step 1 | summarize percentiles(x, 50, -1)",
    KqlSemanticError,
    { line: 1, column: 60 },
    /between 0 and 100/,
  );
  // The bounds themselves are valid: the smallest and the largest value.
  assert.deepEqual(
    await rows("range x from 1 to 10 step 1 | summarize percentiles(x, 0, 100)"),
    [{ percentile_x_0: 1, percentile_x_100: 10 }],
  );
});

Deno.test("range with a NaN or infinite bound or step is a located error", async () => {
  await assertFailsAt(
    "range x from 1.0 to 10.0 step real(nan)",
    KqlSemanticError,
    { line: 1, column: 31 },
    /step of 'range' must be a finite number/,
  );
  await assertFailsAt(
    "range x from 1.0 to real(+inf) step 1.0",
    KqlSemanticError,
    { line: 1, column: 21 },
    /end of 'range' must be a finite number/,
  );
});

Deno.test("strrep past the engine's string limit is a located error", async () => {
  await assertFailsAt(
    "print strrep(strrep('a', 100000), 100000)",
    KqlSemanticError,
    { line: 1, column: 35 },
    /strrep\(\) would make a string of 10000000000 characters/,
  );
  assert.deepEqual(await rows("print s = strrep('ab', 3, '-')"), [{ s: "ab-ab-ab" }]);
});

// ---------------------------------------------------------------- mutated hunting queries

/** Runs `samples` on the demo case in one worker, each bounded by `ms`, in order. */
async function outcomes(samples: readonly Sample[], ms: number) {
  const worker = new Worker(new URL("./_hunt_worker.ts", import.meta.url), { type: "module" });
  let reply: (data: Record<string, unknown>) => void = () => {};
  worker.onmessage = (event) => reply(event.data);
  const next = () => new Promise<Record<string, unknown>>((resolve) => (reply = resolve));
  try {
    await next(); // ready
    const out: Array<{ sample: Sample; result: Record<string, unknown> }> = [];
    for (const sample of samples) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const result = await Promise.race([
        (worker.postMessage(sample.text), next()),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`still running after ${ms} ms: ${sample.id}`)),
            ms,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      out.push({ sample, result });
    }
    return out;
  } finally {
    worker.terminate();
  }
}

// Issue 18: mutated queries (a token dropped, duplicated, swapped, replaced by odd text)
// that still parse run on the demo case, and each either runs or fails with a casefile
// error; a KQL error says where. Every other one of the hunt library's (fixed seeds).
Deno.test("mutated hunting queries on the demo case: no raw error, none past 20 s", async () => {
  const hunts = huntSamples();
  const parsing = [...mutations(hunts), ...moreMutations(hunts)]
    .filter((s) => casefileSyntaxError(s.text) === undefined)
    .filter((_, i) => i % 2 === 0);
  assert.ok(parsing.length >= 50, `only ${parsing.length} mutated queries`);
  const results = await outcomes(parsing, 20_000);
  const raw = results.filter(({ result }) => !result.ok && !result.casefile);
  assert.deepEqual(
    raw.map(({ sample, result }) => `${sample.id}: ${result.name}: ${result.message}`),
    [],
  );
  const unlocated = results.filter(({ result }) =>
    !result.ok && /^Kql/.test(String(result.name)) &&
    !(Number(result.line) >= 1 && Number(result.column) >= 1)
  );
  assert.deepEqual(unlocated.map(({ sample, result }) => `${sample.id}: ${result.message}`), []);
  // Some run and some fail: the mutations reach both the engine and its errors.
  assert.ok(results.some(({ result }) => result.ok));
  assert.ok(results.some(({ result }) => !result.ok));
});

// ---------------------------------------------------------------- found by the campaign

Deno.test("pivot over a big table's 200,000 distinct times fails at pivot, within 20 s", async () => {
  // The demo case's SecurityEvent: 202,743 rows (its manifest). Pivot groups by every other
  // column; grouping all of them before counting the columns ran past 20 s.
  const worker = new Worker(new URL("./_hunt_worker.ts", import.meta.url), { type: "module" });
  let reply: (data: Record<string, unknown>) => void = () => {};
  worker.onmessage = (event) => reply(event.data);
  const next = () => new Promise<Record<string, unknown>>((resolve) => (reply = resolve));
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await next(); // ready
    const query = "SecurityEvent | evaluate pivot(TimeGenerated)";
    const result = await Promise.race([
      (worker.postMessage(query), next()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still running after 20 s: ${query}`)), 20_000);
      }),
    ]);
    assert.equal(result.ok, false);
    assert.equal(result.name, "KqlSemanticError");
    assert.match(
      String(result.message),
      /^pivot\(\) would make \d+ columns, more than the limit of 1000/,
    );
    // At 'pivot' (column 26 of the query).
    assert.deepEqual([result.line, result.column], [1, 26]);
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
});

Deno.test("a dynamic value nested past the engine's stack is said in plain words", async () => {
  for (
    const query of [
      "print d = todynamic(strcat(strrep('[', 5000), strrep(']', 5000)))",
      "print d = parse_json(strcat(strrep('{\"a\":', 3000), '1', strrep('}', 3000)))",
    ]
  ) {
    await assert.rejects(() => executeKql(query, { now: NOW }), (error: unknown) => {
      assert.ok(error instanceof KqlSemanticError, String(error));
      assert.match(error.message, /nested too deeply/);
      assert.doesNotMatch(error.message, /Maximum call stack|could not deserialize/);
      return true;
    });
  }
  // 500 levels are fine: the value comes back whole.
  const [row] = await rows("print d = todynamic(strcat(strrep('[', 500), strrep(']', 500)))");
  const text = typeof row.d === "string" ? row.d : JSON.stringify(row.d);
  assert.equal(text, "[".repeat(500) + "]".repeat(500));
});
