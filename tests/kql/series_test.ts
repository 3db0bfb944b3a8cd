/**
 * KQL series functions (src/kql/functions/_series.ts): query in, values out.
 *
 * Dynamic results are compared as parsed JSON; reals to 1e-9. The decomposition tests
 * also replay the documentation's own random series through casefile and compare with
 * the baselines, scores and flags Kusto computed for them (when the conformance cases are
 * present).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { SERIES_OUTPUT_NAMES } from "../../src/kql/functions/_series.ts";
import { hasCases, loadCases } from "./_conformance.ts";

/** The first row of `query`, dynamic columns parsed, with the result's Kusto types. */
async function row(
  query: string,
): Promise<{ values: Record<string, unknown>; types: Record<string, string> }> {
  const { frame, schema } = await executeKql(query);
  const types = Object.fromEntries(schema.columns.map((c) => [c.name, c.type as string]));
  const record = frame.toRecords()[0] ?? {};
  const values = Object.fromEntries(
    Object.entries(record).map(([k, v]) => [
      k,
      types[k] === "dynamic" && typeof v === "string"
        ? JSON.parse(v)
        : typeof v === "bigint"
        ? Number(v)
        : v,
    ]),
  );
  return { values, types };
}

/** `r` in the first row of `query`. */
async function r(query: string): Promise<unknown> {
  return (await row(query)).values.r;
}

/** Asserts two values are equal, numbers (also inside arrays and bags) to 1e-9. */
function close(actual: unknown, expected: unknown, path = "value"): void {
  if (typeof expected === "number" && typeof actual === "number") {
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(actual - expected) <= tolerance, `${path}: ${actual} ≉ ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: ${JSON.stringify(actual)} is not an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => close(actual[i], e, `${path}[${i}]`));
  } else if (expected && typeof expected === "object") {
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), path);
    for (const [k, e] of Object.entries(expected)) {
      close((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    }
  } else {
    assert.deepEqual(actual, expected, path);
  }
}

async function rejects(query: string, message: RegExp): Promise<void> {
  await assert.rejects(() => executeKql(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, `expected a KqlSemanticError, got ${e}`);
    assert.match(e.message, message);
    return true;
  });
}

// ---------------------------------------------------------------- element-wise

Deno.test("series_add() adds element-wise; the shorter series gives nulls", async () => {
  assert.deepEqual(await r("print r = series_add(dynamic([1, 2, 3]), dynamic([10, 20]))"), [
    11,
    22,
    null,
  ]);
});

Deno.test("series_multiply() applies a number to every element, on either side", async () => {
  assert.deepEqual(await r("print r = series_multiply(10, dynamic([1, -1, 0]))"), [10, -10, 0]);
  assert.deepEqual(await r("print r = series_subtract(dynamic([1, 2]), 0.5)"), [0.5, 1.5]);
});

Deno.test("series_divide() gives reals; non-numeric elements and division by zero give null", async () => {
  assert.deepEqual(
    await r(`print r = series_divide(dynamic([1, "a", 4, 1]), dynamic([4, 2, null, 0]))`),
    [0.25, null, null, null],
  );
});

Deno.test("series_pow() raises element-wise (docs example)", async () => {
  assert.deepEqual(
    await r("print r = series_pow(dynamic([1, 2, 3, 4]), dynamic([1, 2, 3, 0.5]))"),
    [1, 4, 27, 2],
  );
});

Deno.test("series comparisons give bools (docs examples)", async () => {
  const { values } = await row(`print s1 = dynamic([1, 2, 4]), s2 = dynamic([4, 2, 1])
    | extend g = series_greater(s1, s2), ge = series_greater_equals(s1, s2),
      l = series_less(s1, s2), le = series_less_equals(s1, s2),
      e = series_equals(s1, s2), ne = series_not_equals(s1, s2)`);
  assert.deepEqual(values.g, [false, false, true]);
  assert.deepEqual(values.ge, [false, true, true]);
  assert.deepEqual(values.l, [true, false, false]);
  assert.deepEqual(values.le, [true, true, false]);
  assert.deepEqual(values.e, [false, true, false]);
  assert.deepEqual(values.ne, [true, false, true]);
});

Deno.test("unary series functions apply element-wise over table columns", async () => {
  const { values } = await row(`datatable(s: dynamic) [dynamic([-1.5, 1, 2.5, null])]
    | extend a = series_abs(s), c = series_ceiling(s), f = series_floor(s), g = series_sign(s)`);
  assert.deepEqual(values.a, [1.5, 1, 2.5, null]);
  assert.deepEqual(values.c, [-1, 1, 3, null]);
  assert.deepEqual(values.f, [-2, 1, 2, null]);
  assert.deepEqual(values.g, [-1, 1, 1, null]);
  close(await r("print r = series_sin(dynamic([-1, 0, 1]))"), [
    -0.8414709848078965,
    0,
    0.8414709848078965,
  ]);
  close(await r("print r = series_log(dynamic([1, 2, 3]))"), [
    0,
    0.6931471805599453,
    1.0986122886681098,
  ]);
});

Deno.test("series functions give null for a dynamic that is not an array", async () => {
  assert.equal(await r("print r = series_abs(dynamic(null))"), null);
  assert.equal(await r(`print r = series_add(dynamic({"a": 1}), dynamic([1]))`), null);
  assert.equal(await r("print r = series_sum(dynamic(5))"), null);
});

Deno.test("series functions reject arguments that are not series or numbers", async () => {
  await rejects(`print r = series_add("a", dynamic([1]))`, /argument 1 of series_add\(\)/);
  await rejects("print r = series_add(1, 2)", /needs at least one dynamic array/);
  await rejects("print r = series_abs(5)", /must be dynamic, not long/);
});

// ---------------------------------------------------------------- reductions

Deno.test("series_sum() and series_magnitude() reduce a series to a real", async () => {
  const { values, types } = await row(
    "print s = series_sum(dynamic([1, 2, 3, 4])), m = series_magnitude(dynamic([1, 2, 3, 4]))",
  );
  assert.equal(values.s, 10);
  close(values.m, 5.477225575051661);
  assert.equal(types.s, "real");
});

Deno.test("series_dot_product() cuts the longer series and broadcasts a number", async () => {
  assert.equal(
    await r("print r = series_dot_product(dynamic([1, 2, 4]), dynamic([4, 2, 1, 9]))"),
    12,
  );
  assert.equal(await r("print r = series_dot_product(dynamic([1, 2, 4]), 1)"), 7);
  assert.equal(await r("print r = series_dot_product(dynamic([]), dynamic([1]))"), null);
});

Deno.test("series_cosine_similarity() matches the docs example", async () => {
  close(
    await r(
      "print r = series_cosine_similarity(dynamic([0.1,0.2,0.1,0.2]), dynamic([0.11,0.2,0.11,0.21]))",
    ),
    0.99935343825504,
  );
});

Deno.test("series_pearson_correlation() is null for series of different lengths", async () => {
  close(
    await r("print r = series_pearson_correlation(dynamic([1,2,3,4,5]), dynamic([2,4,6,8,10]))"),
    1,
  );
  close(await r("print r = series_pearson_correlation(dynamic([1,2,3]), dynamic([3,2,1]))"), -1);
  assert.equal(
    await r("print r = series_pearson_correlation(dynamic([1,2]), dynamic([1,2,3]))"),
    null,
  );
});

Deno.test("series_stats() fills several names; series_stats_dynamic() gives a bag", async () => {
  const { values, types } = await row(
    `print x = dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29])
    | extend (mn, mni, mx, mxi, avg, sd, v) = series_stats(x), d = series_stats_dynamic(x)`,
  );
  close(
    [values.mn, values.mni, values.mx, values.mxi, values.avg, values.sd, values.v],
    [2, 8, 87, 3, 32.8, 28.5036338535483, 812.457142857143],
  );
  assert.equal(types.mni, "long");
  close(values.d, {
    min: 2,
    min_idx: 8,
    max: 87,
    max_idx: 3,
    avg: 32.8,
    stdev: 28.503633853548269,
    variance: 812.45714285714291,
    sum: 492,
    len: 15,
  });
});

Deno.test("series_stats() is null with missing values unless told to ignore them", async () => {
  const { values } = await row(`print x = dynamic([1, null, 3])
    | extend (a, b) = series_stats(x), (c, d) = series_stats(x, true)`);
  assert.deepEqual([values.a, values.b, values.c, values.d], [null, null, 1, 0]);
});

// ---------------------------------------------------------------- fills and filters

Deno.test("series_fill_forward(), _backward() and _const() fill nulls (docs examples)", async () => {
  const { values } = await row(
    `print arr = dynamic([null, null, 36, 41, null, null, 16, 61, 33, null, null])
    | extend f = series_fill_forward(arr), b = series_fill_backward(arr),
      c = series_fill_const(arr, 0.0), m = series_fill_const(arr, -1, 36)`,
  );
  assert.deepEqual(values.f, [null, null, 36, 41, 41, 41, 16, 61, 33, 33, 33]);
  assert.deepEqual(values.b, [36, 36, 36, 41, 16, 16, 16, 61, 33, null, null]);
  assert.deepEqual(values.c, [0, 0, 36, 41, 0, 0, 16, 61, 33, 0, 0]);
  assert.deepEqual(values.m, [-1, -1, -1, 41, -1, -1, 16, 61, 33, -1, -1]);
});

Deno.test("series_fill_linear() interpolates, fills edges unless told not to", async () => {
  const { values } = await row(
    `print arr = dynamic([null, 111.0, null, 36.0, 41.0, null, null, 16.0, 61.0, 33.0, null, null])
    | extend a = series_fill_linear(arr), e = series_fill_linear(arr, double(null), false)`,
  );
  close(values.a, [
    111,
    111,
    73.5,
    36,
    41,
    32.666666666666667,
    24.333333333333336,
    16,
    61,
    33,
    33,
    33,
  ]);
  close(values.e, [
    null,
    111,
    73.5,
    36,
    41,
    32.666666666666667,
    24.333333333333336,
    16,
    61,
    33,
    null,
    null,
  ]);
});

Deno.test("series_fill_linear() fills an all-missing series with the constant (0 by default)", async () => {
  const { values } = await row(`print arr = dynamic([null, null, null])
    | extend z = series_fill_linear(arr), c = series_fill_linear(arr, double(null), true, 3.14159),
      n = series_fill_linear(arr, double(null), true, double(null))`);
  assert.deepEqual(values.z, [0, 0, 0]);
  assert.deepEqual(values.c, [3.14159, 3.14159, 3.14159]);
  assert.deepEqual(values.n, [null, null, null]);
});

Deno.test("series_fill_linear() treats a placeholder value as missing", async () => {
  assert.deepEqual(await r("print r = series_fill_linear(dynamic([1, -1, 3]), -1)"), [1, 2, 3]);
});

Deno.test("series_fir() averages over a window, trailing or centered", async () => {
  const { values } = await row(`print x = dynamic([0, 0, 10, 0, 0])
    | extend t = series_fir(x, dynamic([1, 1, 1])), c = series_fir(x, dynamic([1, 1, 1]), true, true),
      d = series_fir(dynamic([0, 2, 2, 5]), dynamic([1, -1]), false, false),
      bad = series_fir(x, dynamic([1, -1]), true)`);
  close(values.t, [0, 0, 10 / 3, 10 / 3, 10 / 3]);
  close(values.c, [0, 10 / 3, 10 / 3, 10 / 3, 0]);
  assert.deepEqual(values.d, [0, 2, 0, 3]);
  assert.equal(values.bad, null);
});

Deno.test("series_iir() with a = [1, -1] is a cumulative sum (docs example)", async () => {
  assert.deepEqual(
    await r("print r = series_iir(range(1.0, 10, 1), dynamic([1]), dynamic([1, -1]))"),
    [1, 3, 6, 10, 15, 21, 28, 36, 45, 55],
  );
  assert.equal(await r("print r = series_iir(dynamic([1]), dynamic([1]), dynamic([0, 1]))"), null);
});

// ---------------------------------------------------------------- fits

const LINE_Y = "dynamic([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30])";
const LINE_FIT = [
  1.0641025641025592,
  3.7948717948717903,
  6.525641025641022,
  9.256410256410252,
  11.987179487179482,
  14.717948717948715,
  17.448717948717945,
  20.179487179487175,
  22.910256410256405,
  25.641025641025635,
  28.37179487179487,
  31.102564102564102,
];

Deno.test("series_fit_line() fills six names with Kusto's values (docs example)", async () => {
  const { values, types } = await row(
    `print y = ${LINE_Y} | extend (RSquare, Slope, Variance, RVariance, Interception, LineFit) = series_fit_line(y)`,
  );
  close(values.RSquare, 0.982900730884447);
  close(values.Slope, 2.730769230769231);
  close(values.Variance, 98.62878787878789);
  close(values.RVariance, 1.686480186480187);
  close(values.Interception, -1.6666666666666716);
  close(values.LineFit, LINE_FIT);
  assert.equal(types.RSquare, "real");
  assert.equal(types.LineFit, "dynamic");
});

Deno.test("series_fit_line() assigned to one name gives its first output, rsquare", async () => {
  close(await r(`print y = ${LINE_Y} | extend r = series_fit_line(y)`), 0.982900730884447);
});

Deno.test("series_fit_line() assigned to fewer names fills the first ones", async () => {
  const { values } = await row(`print y = ${LINE_Y} | project (a, b) = series_fit_line(y)`);
  assert.deepEqual(Object.keys(values), ["a", "b"]);
  close(values.b, 2.730769230769231);
});

Deno.test("assigning a several-output function to too many names is an error", async () => {
  await rejects(`print y = ${LINE_Y} | extend (a, b, c) = series_stats_dynamic(y)`, /one value/);
  await rejects(
    `print y = ${LINE_Y} | extend (a, b, c, d, e, f, g) = series_fit_line(y)`,
    /gives 6 values for 7 names/,
  );
});

Deno.test("series_fit_line_dynamic() gives the fit as a bag (docs example)", async () => {
  close(await r(`print r = series_fit_line_dynamic(${LINE_Y})`), {
    slope: 2.730769230769231,
    interception: -1.6666666666666716,
    rsquare: 0.982900730884447,
    variance: 98.62878787878789,
    rvariance: 1.686480186480187,
    line_fit: LINE_FIT,
  });
});

Deno.test("series_fit_2lines_dynamic() finds the trend change (docs example)", async () => {
  const fit = await r(
    "print r = series_fit_2lines_dynamic(dynamic([1, 2.2, 2.5, 4.7, 5.0, 12, 10.3, 10.3, 9, 8.3, 6.2]))",
  ) as Record<string, unknown>;
  close(fit.line_fit, [
    0.979999999999999,
    2.029999999999999,
    3.079999999999999,
    4.129999999999999,
    5.179999999999999,
    11.942857142857143,
    10.905714285714286,
    9.868571428571428,
    8.831428571428573,
    7.794285714285716,
    6.75714285714286,
  ]);
  assert.equal(fit.split_idx, 5);
  close((fit.left as Record<string, number>).slope, 1.05);
  close((fit.right as Record<string, number>).slope, -1.0371428571428571);
});

Deno.test("series_fit_2lines() fills names in Kusto's order", async () => {
  const { values } = await row(
    "print y = dynamic([1, 2.2, 2.5, 4.7, 5.0, 12, 10.3, 10.3, 9, 8.3, 6.2]) | extend (rs, si, v, rv, lf, r_rs, r_slope) = series_fit_2lines(y)",
  );
  assert.equal(values.si, 5);
  close(values.r_slope, -1.0371428571428571);
});

Deno.test("series_fit_poly() of degree 1 is series_fit_line(); degree 2 fits a parabola", async () => {
  const { values } = await row(`print y = ${LINE_Y}
    | extend (rs, coeff, v, rv, fit) = series_fit_poly(y)`);
  close(values.coeff, [2.730769230769231, -1.6666666666666716]);
  close(values.fit, LINE_FIT);
  const parabola = await row(`print x = dynamic([0, 1, 2, 3, 4]), y = dynamic([1, 2, 5, 10, 17])
    | extend (rs, coeff) = series_fit_poly(y, x, 2)`);
  close(parabola.values.coeff, [1, 0, 1]);
  close(parabola.values.rs, 1);
});

// ---------------------------------------------------------------- periods

const WEEKLY =
  "dynamic([80, 139, 87, 110, 68, 54, 50, 51, 53, 133, 86, 141, 97, 156, 94, 149, 95, 140, 77, 61, 50, 54, 47, 133, 72, 152, 94, 148, 105, 162, 101, 160, 87, 63, 53, 55, 54, 151, 103, 189, 108, 183, 113, 175, 113, 178, 90, 71, 62, 62, 65, 165, 109, 181, 115, 182, 121, 178, 114, 170])";

Deno.test("series_periods_detect() finds the 14-bin period, padding with 0 (docs example)", async () => {
  const { values } = await row(
    `print y = ${WEEKLY} | project (periods, scores) = series_periods_detect(y, 0.0, 50.0, 2)`,
  );
  assert.deepEqual(values.periods, [14, 0]);
  const scores = values.scores as number[];
  assert.ok(scores[0] > 0.8 && scores[0] <= 1, `score ${scores[0]}`);
  assert.equal(scores[1], 0);
});

Deno.test("series_periods_validate() scores the real period high and a wrong one 0", async () => {
  const { values } = await row(
    `print y = ${WEEKLY} | project (periods, scores) = series_periods_validate(y, 14.0, 10.0, 2.0)`,
  );
  assert.deepEqual(values.periods, [14, 10, 2]);
  const scores = values.scores as number[];
  assert.ok(scores[0] > 0.8, `score ${scores[0]}`);
  assert.deepEqual(scores.slice(1), [0, 0]);
});

Deno.test("series_seasonal() detects the period, or zeros for too short a series (docs example)", async () => {
  const { frame } = await executeKql(
    `print s=dynamic([2, 5, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1])
    | union (print s=dynamic([8, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10]))
    | union (print s=dynamic([1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6]))
    | extend r = series_seasonal(s)`,
  );
  const results = (frame.getColumn("r").toArray() as string[]).map((t) => JSON.parse(t));
  assert.deepEqual(results, [
    [1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1],
    [10, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  ]);
});

Deno.test("series_seasonal() with a period takes the median of each phase (docs example)", async () => {
  assert.deepEqual(
    await r("print r = series_seasonal(dynamic([1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6]), 3)"),
    [1.5, 3.5, 5.5, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5],
  );
});

// ---------------------------------------------------------------- decomposition

Deno.test("series_decompose() splits a series into baseline, seasonal, trend, residual", async () => {
  const { values } = await row(`print y = dynamic([1, 5, 1, 5, 1, 5, 1, 5, 1, 9])
    | extend (baseline, seasonal, trend, residual) = series_decompose(y, 2)`);
  assert.deepEqual(values.seasonal, [1, 5, 1, 5, 1, 5, 1, 5, 1, 5]);
  close(values.trend, new Array(10).fill(0.4));
  close(values.residual, [-0.4, -0.4, -0.4, -0.4, -0.4, -0.4, -0.4, -0.4, -0.4, 3.6]);
  close(values.baseline, [1.4, 5.4, 1.4, 5.4, 1.4, 5.4, 1.4, 5.4, 1.4, 5.4]);
});

Deno.test("series_decompose_forecast() extends the seasonal pattern over the test points", async () => {
  close(
    await r("print r = series_decompose_forecast(dynamic([1, 5, 1, 5, 1, 5, 0, 0]), 2, 2)"),
    [1, 5, 1, 5, 1, 5, 1, 5],
  );
  // With a line trend, the forecast continues the line learnt before the test points.
  close(
    await r(
      "print r = series_decompose_forecast(dynamic([1, 2, 3, 4, 5, 6, 0, 0]), 2, 0, 'linefit')",
    ),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
});

Deno.test("series_decompose() rejects an unknown trend kind", async () => {
  await rejects(
    "print r = series_decompose(dynamic([1, 2, 3]), -1, 'sideways')",
    /must be one of 'avg', 'linefit', 'none'/,
  );
  await rejects(
    "print r = series_outliers(dynamic([1, 2, 3]), 'ctukey', double(null), 1)",
    /between 2 and 98/,
  );
});

Deno.test("series_decompose_anomalies() flags an outbound byte spike in make-series output", async () => {
  // Hourly byte counts for two weeks with a daily pattern, and one exfiltration-like spike.
  const rows: string[] = [];
  for (let h = 0; h < 24 * 14; h++) {
    const bytes = 1000 + 400 * Math.sin((2 * Math.PI * (h % 24)) / 24) + ((h * 37) % 11) * 5;
    const at = new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();
    rows.push(`datetime(${at}), ${h === 200 ? 50000 : Math.round(bytes)}`);
  }
  const { frame } = await executeKql(
    `datatable(Timestamp: datetime, SentBytes: long) [${rows.join(",")}]
    | make-series Bytes = sum(SentBytes) on Timestamp step 1h
    | extend (flag, score, baseline) = series_decompose_anomalies(Bytes)
    | mv-expand Timestamp to typeof(datetime), Bytes to typeof(long), flag to typeof(int), score to typeof(real)
    | where flag != 0
    | project Timestamp, Bytes, flag, score`,
  );
  const records = frame.toRecords();
  assert.equal(records.length, 1, JSON.stringify(records));
  assert.equal(Number(records[0].Bytes), 50000);
  assert.equal(Number(records[0].flag), 1);
  assert.ok((records[0].score as number) > 10);
});

Deno.test("series_decompose_anomalies() uses the threshold and marks dips with -1", async () => {
  const { values } = await row(
    `print y = dynamic([10, 11, 10, 12, 10, 11, 0, 11, 10, 12, 10, 11, 30, 11])
    | extend (flag, score) = series_decompose_anomalies(y, 1.5, 0), (strict) = series_decompose_anomalies(y, 100, 0)`,
  );
  assert.deepEqual(values.flag, [0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0]);
  assert.deepEqual(values.strict, new Array(14).fill(0));
});

const CASES = await hasCases() ? await loadCases() : [];

/** The expected first row of a conformance case, by column. */
function expectedRow(id: string): Record<string, unknown> {
  const kase = CASES.find((c) => c.id === id)!;
  return Object.fromEntries(kase.expected.columns.map((c, i) => [c, kase.expected.rows[0][i]]));
}

for (
  const [id, trend] of [
    ["series-decompose-function-00", "avg"],
    ["series-decompose-function-01", "avg"],
  ] as const
) {
  Deno.test({
    name: `series_decompose() reproduces Kusto's components for the docs' random series (${id})`,
    ignore: CASES.length === 0,
    async fn() {
      const expected = expectedRow(id);
      const { values } = await row(`print y = dynamic(${JSON.stringify(expected.y)})
        | extend (b, s, t, res) = series_decompose(y, -1, '${trend}')`);
      close(values.b, expected.series_decompose_y_baseline);
      close(values.s, expected.series_decompose_y_seasonal);
      close(values.t, expected.series_decompose_y_trend);
      close(values.res, expected.series_decompose_y_residual);
    },
  });
}

for (
  const [id, args] of [
    ["series-decompose-anomalies-function-00", ""],
    ["series-decompose-anomalies-function-02", ", 1.5, -1, 'linefit'"],
    ["series-decompose-anomalies-function-03", ", 2.5, -1, 'linefit'"],
  ] as const
) {
  Deno.test({
    name: `series_decompose_anomalies() reproduces Kusto's flags and scores (${id})`,
    ignore: CASES.length === 0,
    async fn() {
      const expected = expectedRow(id);
      const { values } = await row(`print y = dynamic(${JSON.stringify(expected.y)})
        | extend (flag, score, baseline) = series_decompose_anomalies(y${args})`);
      // The docs multiply the flags by 10 for charting in two of the examples.
      const flags = (expected.series_decompose_anomalies_y_ad_flag as number[]).map(Math.sign);
      assert.deepEqual(values.flag, flags);
      close(values.score, expected.series_decompose_anomalies_y_ad_score);
      close(values.baseline, expected.series_decompose_anomalies_y_baseline);
    },
  });
}

Deno.test({
  name: "series_outliers() reproduces Kusto's ctukey scores for the docs' random series",
  ignore: CASES.length === 0,
  async fn() {
    const expected = expectedRow("series-outliers-function-00");
    close(
      await r(`print r = series_outliers(dynamic(${JSON.stringify(expected.series)}))`),
      expected.outliers,
    );
  },
});

Deno.test("series_outliers() scores 0 between the quartiles and for ignored values", async () => {
  const scores = await r(
    "print r = series_outliers(dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 100, -1]), 'tukey', -1)",
  ) as number[];
  // Quartiles 3.25 and 7.75 (of the values without the ignored -1): scores are in IQRs.
  close(scores.slice(0, 9), [-0.5, -0.25 / 0.9, -0.05 / 0.9, 0, 0, 0, 0, 0.05 / 0.9, 0.25 / 0.9]);
  close(scores[9], (100 - 7.75) / 4.5);
  assert.equal(scores[10], 0);
});

Deno.test("SERIES_OUTPUT_NAMES lists the default column suffixes in output order", () => {
  assert.deepEqual(SERIES_OUTPUT_NAMES.get("series_decompose_anomalies"), [
    "ad_flag",
    "ad_score",
    "baseline",
  ]);
  assert.deepEqual(SERIES_OUTPUT_NAMES.get("series_periods_validate"), ["periods", "scores"]);
});
