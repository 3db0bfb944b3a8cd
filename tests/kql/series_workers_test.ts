/**
 * Series functions on worker threads (src/kql/compile/_job_workers.ts): a large job of a
 * portable row function (src/kql/functions/series/_*_rows.ts) runs in a pool of Deno
 * Workers while the main thread waits. Every series function's job does (each is called
 * below). The main thread's answers are the oracle: the same query over the same rows,
 * workers off, must give the same columns to the character; values worked out by hand check
 * a few functions of each family (element-wise, fills, reductions, transforms) on workers.
 * Ctrl-C (the shared flag of src/interrupt.ts, raised from another thread as the REPL's
 * watcher does) stops a worker job with InterruptedError and leaves no worker running.
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { executeOn, sourceTables } from "../../src/kql/run.ts";
import { jobWorkers, workerStats } from "../../src/kql/compile/_job_workers.ts";
import { clearInterrupt, interruptBuffer, InterruptedError } from "../../src/interrupt.ts";
import { rowOutputs } from "../../src/kql/compile/_portable.ts";
import { SCALAR_FUNCTIONS } from "../../src/kql/functions/_registry.ts";
import { lcg } from "../_helpers.ts";

const NOW = new Date("2026-03-16T00:00:00Z");

/**
 * `rows` hourly series of `length` counts (a daily pattern, noise, rare spikes), with the
 * awkward rows the functions must answer the same for: nulls and reals inside, an empty
 * array, a value that is no array, a null row.
 */
function seriesTable(rows: number, length: number) {
  const random = lcg(7);
  const texts: (string | null)[] = [];
  for (let r = 0; r < rows; r++) {
    const values: unknown[] = [];
    for (let i = 0; i < length; i++) {
      const spike = random() < 0.01 ? 40 : 0;
      values.push(10 + (i % 24 < 8 ? 6 : 0) + Math.floor(random() * 5) + spike);
    }
    if (r % 97 === 1) values[3] = null;
    if (r % 89 === 2) values[5] = 2.5;
    texts.push(JSON.stringify(values));
  }
  texts[4] = "[]";
  texts[5] = '"not a series"';
  texts[6] = null;
  const frame = pl.DataFrame({ Host: texts.map((_, i) => `host-${i}`), n: texts });
  return sourceTables({ T: frame }, {
    T: { name: "T", columns: [{ name: "Host", type: "string" }, { name: "n", type: "dynamic" }] },
  });
}

/** The settings of `jobWorkers`, restored after `body`. */
async function withWorkers<T>(
  settings: Partial<typeof jobWorkers>,
  body: () => Promise<T>,
): Promise<T> {
  const saved = { ...jobWorkers };
  Object.assign(jobWorkers, settings);
  try {
    return await body();
  } finally {
    Object.assign(jobWorkers, saved);
  }
}

/** Every column of the result as text, for a comparison to the character. */
async function columns(query: string, tables: ReturnType<typeof seriesTable>) {
  const { frame } = await executeOn(query, tables, { now: NOW });
  return Object.fromEntries(
    frame.getColumns().map((s) => [s.name, JSON.stringify(s.toArray(), bigints)]),
  );
}

const bigints = (_: string, v: unknown) => typeof v === "bigint" ? `${v}n` : v;

/** Force the workers on (many small batches) or off. */
const ON = { count: 2, minChars: 0, batchChars: 20_000 };
const OFF = { count: 0 };

const QUERIES = [
  // Several outputs, all kept (a function with several outputs given one name).
  "T | extend a = series_decompose_anomalies(n, 1.5, -1, 'linefit')",
  "T | extend (b, s, t, r) = series_decompose(n)",
  "T | extend series_fit_line(n), series_fit_2lines(n), series_fit_poly(n, dynamic(null), 2)",
  "T | extend series_periods_detect(n, 4, 48, 2), series_periods_validate(n, 24, 1e19)",
  // One output each.
  "T | extend f = series_fir(n, dynamic([1, 2, 1])), c = series_fir(n, dynamic([1, -1]), false, true)",
  "T | extend i = series_iir(n, dynamic([0.5]), dynamic([1, -0.5]))",
  "T | extend series_stats(n), d = series_stats_dynamic(n, true)",
  `T | extend o = series_outliers(n), f = series_decompose_forecast(n, 24),
       z = series_seasonal(n), l = series_fit_line_dynamic(n), w = series_fit_2lines_dynamic(n)`,
];

for (const query of QUERIES) {
  Deno.test(`a series job on workers answers as on the main thread: ${query}`, async () => {
    const tables = seriesTable(600, 72);
    const main = await withWorkers(OFF, () => columns(query, tables));
    const jobs = workerStats.jobs;
    const workers = await withWorkers(ON, () => columns(query, tables));
    assert.ok(workerStats.jobs > jobs, "the job ran on workers");
    assert.equal(workerStats.running, 0, "no worker left running");
    assert.deepEqual(Object.keys(workers), Object.keys(main));
    for (const name of Object.keys(main)) assert.equal(workers[name], main[name], name);
  });
}

Deno.test("several outputs read as their JSON text would: 1e19 becomes a real, reals stay reals", async () => {
  // By hand: 1e19 is written 10000000000000000000 (no exponent below 1e21), beyond Int64,
  // which Kusto reads as a real; the line's values are integral reals, written `1.0`.
  const tables = seriesTable(8, 24);
  const out = await columns(
    `T | take 1 | extend (p, s) = series_periods_validate(n, 1e19),
                 (rsquare, slope, v, rv, i, line) = series_fit_line(dynamic([1, 2, 3]))`,
    tables,
  );
  assert.equal(out.p, JSON.stringify(["[10000000000000000000.0]"]));
  assert.equal(out.line, JSON.stringify(["[1.0,2.0,3.0]"]));
  assert.equal(out.slope, "[1]");
});

Deno.test("a small series job stays on the main thread", async () => {
  const tables = seriesTable(50, 24);
  const jobs = workerStats.jobs;
  await withWorkers({ count: 2 }, () => columns("T | extend a = series_outliers(n)", tables));
  assert.equal(workerStats.jobs, jobs);
});

Deno.test("workers that do not start in time leave the job to the main thread", async () => {
  const tables = seriesTable(300, 48);
  const query = "T | extend a = series_decompose_anomalies(n)";
  const main = await withWorkers(OFF, () => columns(query, tables));
  const jobs = workerStats.jobs;
  const late = await withWorkers({ ...ON, startMs: -1 }, () => columns(query, tables));
  assert.equal(workerStats.jobs, jobs, "no job finished on workers");
  assert.equal(workerStats.running, 0);
  assert.deepEqual(late, main);
});

/** A thread that raises the Ctrl-C flag `afterMs` after it starts, as the REPL's watcher. */
function raiser(afterMs: number): { worker: Worker; raisedAt: Float64Array } {
  const raisedAt = new Float64Array(new SharedArrayBuffer(8));
  const code = `self.onmessage = ({ data }) => setTimeout(() => {
      data.at[0] = performance.timeOrigin + performance.now();
      Atomics.store(new Int32Array(data.flag), 0, 1);
    }, data.afterMs);`;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  URL.revokeObjectURL(url);
  worker.postMessage({ flag: interruptBuffer(), at: raisedAt, afterMs });
  return { worker, raisedAt };
}

Deno.test("Ctrl-C stops a series job on workers with InterruptedError and stops the workers", async () => {
  // Long enough that the job is still running when the flag goes up (seconds of work).
  const tables = seriesTable(8000, 168);
  clearInterrupt();
  const { worker, raisedAt } = raiser(400);
  const jobs = workerStats.jobs;
  try {
    const error = await withWorkers(
      { ...ON, batchChars: 50_000 },
      () =>
        executeOn("T | extend a = series_decompose_anomalies(n)", tables, { now: NOW }).then(
          () => undefined,
          (e) => e,
        ),
    );
    const stoppedAt = performance.timeOrigin + performance.now();
    assert.ok(error instanceof InterruptedError, `expected InterruptedError, got ${error}`);
    assert.ok(raisedAt[0] > 0, "the flag was raised while the job ran");
    assert.equal(workerStats.jobs, jobs, "the workers' job stopped before its end");
    assert.equal(workerStats.running, 0, "no worker left running");
    // Generous: the main thread looks at the flag every 20 ms while it waits.
    assert.ok(stoppedAt - raisedAt[0] < 2000, `stopped ${stoppedAt - raisedAt[0]} ms after`);
  } finally {
    worker.terminate();
    clearInterrupt();
  }
});

Deno.test("rowOutputs() reads each output as the JSON text of the outputs array would", () => {
  // By hand, from JSON: NaN and infinities are written null; -0 is written 0; inside a
  // dynamic value they are written null too (the text, not the value, is what is kept).
  const types = ["real", "real", "dynamic", "dynamic", "long", "string"] as const;
  const out = rowOutputs([NaN, -0, [NaN, 1.5], { a: 1 }, 7], types);
  assert.deepEqual(out.slice(0, 2), [null, 0]);
  assert.ok(Object.is(out[1], 0));
  assert.equal(JSON.stringify(out[2]), "[null,1.5]");
  assert.equal(JSON.stringify(out[3]), '{"a":1}');
  assert.deepEqual(out.slice(4), [7, null]);
  // Not an array: every output null.
  assert.deepEqual(rowOutputs("no", ["real", "dynamic"]), [null, null]);
  assert.deepEqual(rowOutputs(null, ["real"]), [null]);
});

// ------------------------------------------------------------ every series function

/**
 * `rows` pairs of series of reals (`n`, `m`) with what the element-wise functions, fills
 * and reductions must treat alike on both sides: nulls, a placeholder (-1), a string
 * element, series of different lengths, integral reals written `2.0`, whole-number series
 * (the native path's rows, with the reals left to JavaScript), an empty array, a value that
 * is no array and a null row.
 */
function realTable(rows: number, length: number) {
  const random = lcg(11);
  const n: (string | null)[] = [];
  const m: (string | null)[] = [];
  for (let r = 0; r < rows; r++) {
    const a: unknown[] = [];
    const b: unknown[] = [];
    for (let i = 0; i < length; i++) {
      a.push(random() < 0.1 ? null : Math.round((random() * 20 - 5) * 4) / 4);
      b.push(random() < 0.05 ? null : Math.round(random() * 40) / 8);
    }
    if (r % 7 === 1) a[2] = -1;
    if (r % 11 === 2) b[4] = "x";
    if (r % 13 === 3) b.length = length - 5;
    n.push(
      r % 5 === 4
        ? JSON.stringify(a.map((v) => (typeof v === "number" ? Math.round(v) : v)))
        : JSON.stringify(a),
    );
    m.push(JSON.stringify(b).replace(/,2,/g, ",2.0,"));
  }
  n[0] = "[]";
  m[1] = '"not a series"';
  n[2] = null;
  const frame = pl.DataFrame({ Host: n.map((_, i) => `host-${i}`), n, m });
  return sourceTables({ T: frame }, {
    T: {
      name: "T",
      columns: [
        { name: "Host", type: "string" },
        { name: "n", type: "dynamic" },
        { name: "m", type: "dynamic" },
      ],
    },
  });
}

/** A call of every series function, over the columns of {@link realTable}. */
const CALLS: Record<string, string> = {
  series_add: "series_add(n, m)",
  series_subtract: "series_subtract(n, 1.5)",
  series_multiply: "series_multiply(2, m)",
  series_divide: "series_divide(n, m)",
  series_pow: "series_pow(m, 2)",
  series_greater: "series_greater(n, m)",
  series_greater_equals: "series_greater_equals(n, 0)",
  series_less: "series_less(n, m)",
  series_less_equals: "series_less_equals(m, n)",
  series_equals: "series_equals(n, m)",
  series_not_equals: "series_not_equals(n, 2)",
  series_abs: "series_abs(n)",
  series_ceiling: "series_ceiling(n)",
  series_floor: "series_floor(m)",
  series_sign: "series_sign(n)",
  series_exp: "series_exp(m)",
  series_log: "series_log(n)",
  series_sin: "series_sin(n)",
  series_cos: "series_cos(n)",
  series_tan: "series_tan(n)",
  series_asin: "series_asin(n)",
  series_acos: "series_acos(m)",
  series_atan: "series_atan(n)",
  series_sum: "series_sum(n)",
  series_magnitude: "series_magnitude(m)",
  series_product: "series_product(m)",
  series_dot_product: "series_dot_product(n, m)",
  series_cosine_similarity: "series_cosine_similarity(n, m)",
  series_pearson_correlation: "series_pearson_correlation(n, m)",
  series_stats: "series_stats(n)",
  series_stats_dynamic: "series_stats_dynamic(m, true)",
  series_fill_forward: "series_fill_forward(n)",
  series_fill_backward: "series_fill_backward(n, -1)",
  series_fill_const: "series_fill_const(n, 0.5, -1)",
  series_fill_linear: "series_fill_linear(n, -1, false, 7)",
  series_fir: "series_fir(n, dynamic([1, 2, 1]))",
  series_iir: "series_iir(m, dynamic([0.5]), dynamic([1, -0.5]))",
  series_fft: "series_fft(n)",
  series_ifft: "series_ifft(n, m)",
  series_fit_line: "series_fit_line(n)",
  series_fit_line_dynamic: "series_fit_line_dynamic(n)",
  series_fit_2lines: "series_fit_2lines(n)",
  series_fit_2lines_dynamic: "series_fit_2lines_dynamic(m)",
  series_fit_poly: "series_fit_poly(n, dynamic(null), 2)",
  series_periods_detect: "series_periods_detect(n, 2, 8, 2)",
  series_periods_validate: "series_periods_validate(n, 4)",
  series_seasonal: "series_seasonal(n, 4)",
  series_decompose: "series_decompose(n, 4)",
  series_decompose_anomalies: "series_decompose_anomalies(n, 1.5, 4)",
  series_decompose_forecast: "series_decompose_forecast(n, 4)",
  series_outliers: "series_outliers(n)",
};

Deno.test("every series function is called below (its JavaScript job is tested on workers)", () => {
  const defined = [...SCALAR_FUNCTIONS.keys()].filter((n) => n.startsWith("series_")).sort();
  assert.deepEqual(Object.keys(CALLS).sort(), defined);
});

for (const [name, call] of Object.entries(CALLS)) {
  Deno.test(`${name} on workers answers as on the main thread`, async () => {
    const tables = realTable(120, 24);
    const query = `T | extend x = ${call}`;
    const main = await withWorkers(OFF, () => columns(query, tables));
    const jobs = workerStats.jobs;
    const workers = await withWorkers({ ...ON, batchChars: 600 }, () => columns(query, tables));
    assert.ok(workerStats.jobs > jobs, "the job ran on workers");
    assert.equal(workerStats.running, 0, "no worker left running");
    assert.deepEqual(Object.keys(workers), Object.keys(main));
    for (const column of Object.keys(main)) assert.equal(workers[column], main[column], column);
  });
}

/** One row per case: the case's name and its series `a` and `b` (JSON text). */
function handTable(cases: readonly (readonly [string, string, string])[]) {
  const frame = pl.DataFrame({
    Case: cases.map(([c]) => c),
    a: cases.map(([, a]) => a),
    b: cases.map(([, , b]) => b),
  });
  return sourceTables({ T: frame }, {
    T: {
      name: "T",
      columns: [
        { name: "Case", type: "string" },
        { name: "a", type: "dynamic" },
        { name: "b", type: "dynamic" },
      ],
    },
  });
}

/** The query's column `column` by case, computed on workers (every row its own batch). */
async function byCase(query: string, tables: ReturnType<typeof handTable>, column: string) {
  const jobs = workerStats.jobs;
  const { frame } = await withWorkers(
    { ...ON, batchChars: 1 },
    () => executeOn(query, tables, { now: NOW }),
  );
  assert.ok(workerStats.jobs > jobs, "the job ran on workers");
  const cases = frame.getColumn("Case").toArray() as string[];
  const values = frame.getColumn(column).toArray();
  return Object.fromEntries(cases.map((c, i) => [c, values[i]]));
}

Deno.test("element-wise functions on workers give the values worked out by hand", async () => {
  const tables = handTable([
    ["reals", "[1.5, null, 4, -2.5]", "[1, 2.5, 2, 0.5]"],
    ["shorter b", '[1.5, "x", 4]', "[2]"],
    ["no series", '"text"', "[1]"],
  ]);
  const q = (call: string) => `T | extend x = ${call}`;
  // By hand: the longer series sets the length; a missing element gives null.
  assert.deepEqual(await byCase(q("series_add(a, b)"), tables, "x"), {
    "reals": "[2.5,null,6,-2]",
    "shorter b": "[3.5,null,null]",
    "no series": null,
  });
  // Quotients are reals, written 2.0 when integral.
  assert.deepEqual(await byCase(q("series_divide(a, b)"), tables, "x"), {
    "reals": "[1.5,null,2.0,-5.0]",
    "shorter b": "[0.75,null,null]",
    "no series": null,
  });
  assert.deepEqual(await byCase(q("series_greater(a, 2)"), tables, "x"), {
    "reals": "[false,null,true,false]",
    "shorter b": "[false,null,true]",
    "no series": null,
  });
  assert.deepEqual(await byCase(q("series_abs(a)"), tables, "x"), {
    "reals": "[1.5,null,4.0,2.5]",
    "shorter b": "[1.5,null,4.0]",
    "no series": null,
  });
});

Deno.test("fills on workers give the values worked out by hand", async () => {
  const tables = handTable([
    ["reals", "[null, 1.5, null, 2.5, null]", "[]"],
    ["longs", "[null, 1, -1, 4, null]", "[]"],
    ["nothing", "[null, null]", "[]"],
  ]);
  const q = (call: string) => `T | extend x = ${call}`;
  assert.deepEqual(await byCase(q("series_fill_forward(a)"), tables, "x"), {
    "reals": "[null,1.5,1.5,2.5,2.5]",
    "longs": "[null,1,-1,4,4]",
    "nothing": "[null,null]",
  });
  assert.deepEqual(await byCase(q("series_fill_backward(a, -1)"), tables, "x"), {
    "reals": "[1.5,1.5,2.5,2.5,null]",
    "longs": "[1,1,4,4,null]",
    "nothing": "[null,null]",
  });
  assert.deepEqual(await byCase(q("series_fill_const(a, 0.5)"), tables, "x"), {
    "reals": "[0.5,1.5,0.5,2.5,0.5]",
    "longs": "[0.5,1,-1,4,0.5]",
    "nothing": "[0.5,0.5]",
  });
  // Defaults: edges filled, a series with no number filled with 0. Reals are interpolated
  // as reals; a series of longs keeps longs, truncated (1 + 3 · 1/2 = 2.5 gives 2).
  assert.deepEqual(await byCase(q("series_fill_linear(a)"), tables, "x"), {
    "reals": "[1.5,1.5,2.0,2.5,2.5]",
    "longs": "[1,1,-1,4,4]",
    "nothing": "[0,0]",
  });
  assert.deepEqual(await byCase(q("series_fill_linear(a, -1, false, 9)"), tables, "x"), {
    "reals": "[null,1.5,2.0,2.5,null]",
    "longs": "[null,1,2,4,null]",
    "nothing": "[9,9]",
  });
});

Deno.test("reductions and transforms on workers give the values worked out by hand", async () => {
  const tables = handTable([
    ["line", "[1, 2, 3]", "[2, 4, 6]"],
    ["impulse", "[1, 0, 0, 0]", "[0.5, 0.5]"],
    ["pair", "[1, 1]", '"no"'],
  ]);
  const q = (call: string) => `T | extend x = ${call}`;
  // 1·2 + 2·4 + 3·6 = 28; the longer series is cut to the shorter: 1·0.5 + 0·0.5 = 0.5.
  assert.deepEqual(await byCase(q("series_dot_product(a, b)"), tables, "x"), {
    "line": 28,
    "impulse": 0.5,
    "pair": null,
  });
  // b = 2a: a correlation of exactly 1; series of different lengths have none.
  assert.deepEqual(await byCase(q("series_pearson_correlation(a, b)"), tables, "x"), {
    "line": 1,
    "impulse": null,
    "pair": null,
  });
  assert.deepEqual(await byCase(q("series_product(a)"), tables, "x"), {
    "line": 6,
    "impulse": 0,
    "pair": 1,
  });
  // The transform of an impulse is flat; of [1, 1], the sum and the difference.
  const fft = "T | extend (re, im) = series_fft(a)";
  const re = await byCase(fft, tables, "re");
  assert.equal(re.impulse, "[1,1,1,1]");
  assert.equal(re.pair, "[2,0]");
  const im = await byCase(fft, tables, "im");
  assert.equal(im.impulse, "[0,0,0,0]");
  assert.equal(im.pair, "[0,0]");
});

/**
 * Runs `query` on workers with Ctrl-C pressed `afterMs` into it: it must fail with
 * InterruptedError, while the workers' job is still running, soon after the flag.
 */
async function interruptedOnWorkers(
  query: string,
  tables: ReturnType<typeof realTable>,
  afterMs: number,
): Promise<void> {
  clearInterrupt();
  const { worker, raisedAt } = raiser(afterMs);
  const { jobs, batches } = workerStats;
  try {
    const error = await withWorkers(
      { ...ON, batchChars: 50_000 },
      () => executeOn(query, tables, { now: NOW }).then(() => undefined, (e) => e),
    );
    const stoppedAt = performance.timeOrigin + performance.now();
    assert.ok(error instanceof InterruptedError, `expected InterruptedError, got ${error}`);
    assert.ok(raisedAt[0] > 0, "the flag was raised while the job ran");
    assert.ok(workerStats.batches > batches, "the job was running on workers");
    assert.equal(workerStats.jobs, jobs, "the workers' job stopped before its end");
    assert.equal(workerStats.running, 0, "no worker left running");
    assert.ok(stoppedAt - raisedAt[0] < 2000, `stopped ${stoppedAt - raisedAt[0]} ms after`);
  } finally {
    worker.terminate();
    clearInterrupt();
  }
}

Deno.test("Ctrl-C stops a large series_fill_linear job on workers", async () => {
  // 40,000 series of 168 reals: seconds of work, most of it reading and writing the arrays.
  await interruptedOnWorkers(
    "T | extend f = series_fill_linear(n, -1)",
    realTable(40_000, 168),
    250,
  );
});

Deno.test("Ctrl-C stops a large series_fft job on workers", async () => {
  // 168 points is no power of two: the plain transform, n² terms a series (seconds of work).
  await interruptedOnWorkers(
    "T | extend (re, im) = series_fft(n, m)",
    realTable(10_000, 168),
    300,
  );
});

Deno.test("series_fill_linear on workers keeps longs longs and reals reals, as the text says", async () => {
  // By hand: a series is of longs when every number in its text is written as an integer
  // (then the filled values are truncated), of reals otherwise (`2.0`, `1e2`, `2.5`).
  const tables = handTable([
    ["integral reals", "[2.0, null, 3]", "[]"],
    ["longs", "[2, null, 3]", "[]"],
    ["exponent", "[1e2, null, 200]", "[]"],
    ["longs, two gaps", "[5, null, null, 8]", "[]"],
    ["a string", '["a", 1, null, 3]', "[]"],
  ]);
  assert.deepEqual(await byCase("T | extend x = series_fill_linear(a, -1, false)", tables, "x"), {
    "integral reals": "[2.0,2.5,3.0]",
    "longs": "[2,2,3]",
    "exponent": "[100.0,150.0,200.0]",
    "longs, two gaps": "[5,6,7,8]",
    "a string": '["a",1.0,2.0,3.0]',
  });
});
