/**
 * KQL math functions (src/kql/functions/_math.ts): query in, values out.
 *
 * `both()` runs an expression with constant inputs (folded while compiling) and over table
 * columns, and expects the same answer from both; `close()` compares reals to 1e-12.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError, runKql } from "../../src/kql/mod.ts";
import { betaCdf, betaInv, erf, erfc, gamma, logGamma } from "../../src/kql/functions/_math.ts";

function plain(v: unknown): unknown {
  return typeof v === "bigint" ? Number(v) : v;
}

/** The value of `r` in the first row of `query`. */
async function value(query: string): Promise<unknown> {
  const frame = await runKql(query);
  return plain(frame.toRecords()[0].r);
}

/** Every column of the first row of `query`, with the result's Kusto types. */
async function row(
  query: string,
): Promise<{ values: Record<string, unknown>; types: Record<string, string> }> {
  const { frame, schema } = await executeKql(query);
  const record = frame.toRecords()[0];
  return {
    values: Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)])),
    types: Object.fromEntries(schema.columns.map((c) => [c.name, c.type])),
  };
}

/** The Kusto type of `r` in `query`'s result. */
async function typeOf(query: string): Promise<string> {
  const { schema } = await executeKql(query);
  return schema.columns.find((c) => c.name === "r")!.type;
}

/**
 * `template` with each `{name}` as a constant (folded) and as a column of a one-row
 * table; asserts both agree and returns the value.
 */
async function both(template: string, inputs: Record<string, [string, string]>): Promise<unknown> {
  const entries = Object.entries(inputs);
  let folded = template;
  let columnar = template;
  for (const [name, [, literal]] of entries) {
    folded = folded.replaceAll(`{${name}}`, literal);
    columnar = columnar.replaceAll(`{${name}}`, name);
  }
  const constant = await value(`print r = ${folded}`);
  const table = `datatable(${entries.map(([n, [t]]) => `${n}: ${t}`).join(", ")}) [${
    entries.map(([, [, l]]) => l).join(", ")
  }]`;
  const column = await value(`${table} | extend r = ${columnar}`);
  if (typeof constant === "number" && Number.isNaN(constant)) {
    assert.ok(Number.isNaN(column as number), `${template} over a column is not NaN`);
  } else assert.deepEqual(column, constant, `${template} over a column differs from the constant`);
  return constant;
}

/** `both()` with one real input `{x}`. */
function ofReal(template: string, x: number | string): Promise<unknown> {
  return both(template, { x: ["real", `real(${x})`] });
}

function close(actual: unknown, expected: number, tolerance = 1e-12): void {
  assert.equal(typeof actual, "number", `expected a number, got ${actual}`);
  const a = actual as number;
  assert.ok(
    Math.abs(a - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${a} is not close to ${expected}`,
  );
}

async function semanticError(query: string, pattern: RegExp): Promise<void> {
  await assert.rejects(() => executeKql(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, `expected a KqlSemanticError, got ${e}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

// ---------------------------------------------------------------- exp and log

Deno.test("exp(), exp2(), exp10() and the logarithms (documentation examples)", async () => {
  close(await ofReal("exp({x})", 2), 7.38905609893065);
  assert.equal(await ofReal("exp10({x})", 2), 100);
  assert.equal(await ofReal("exp2({x})", 10), 1024);
  close(await ofReal("log({x})", 5), 1.6094379124341003);
  close(await ofReal("log10({x})", 5), 0.6989700043360189);
  close(await ofReal("log2({x})", 5), 2.321928094887362);
});

Deno.test("log10() and log2() of exact powers are whole numbers", async () => {
  assert.equal(await ofReal("log10({x})", 1000), 3);
  assert.equal(await ofReal("log10({x})", 0.001), -3);
  assert.equal(await ofReal("log10({x})", "1e15"), 15);
  assert.equal(await ofReal("log2({x})", 1024), 10);
  assert.equal(await ofReal("log2({x})", 0.5), -1);
});

Deno.test("log() and sqrt() of a negative number are null; log(0) is -infinity", async () => {
  assert.equal(await ofReal("log({x})", -1), null);
  assert.equal(await ofReal("log10({x})", -1), null);
  assert.equal(await ofReal("sqrt({x})", -4), null);
  assert.equal(await ofReal("log({x})", 0), -Infinity);
  assert.equal(await ofReal("sqrt({x})", 16), 4);
  assert.equal(await value("print r = sqrt(int(null))"), null);
});

Deno.test("pow() raises to constant and column exponents alike", async () => {
  assert.equal(await value("print r = pow(2, 3)"), 8);
  assert.equal(await typeOf("print r = pow(2, 3)"), "real");
  assert.equal(await both("pow({b}, {e})", { b: ["long", "2"], e: ["real", "0.5"] }), Math.SQRT2);
  assert.equal(await value("print r = pow(2, real(null))"), null);
});

// ---------------------------------------------------------------- trigonometry

Deno.test("trigonometric functions, degrees() and radians() (documentation examples)", async () => {
  close(await ofReal("cot({x})", 1), 0.6420926159343306);
  const degrees = await row(
    "print degrees0 = degrees(pi()/4), degrees1 = degrees(pi()*1.5), degrees2 = degrees(0)",
  );
  assert.deepEqual(degrees.values, { degrees0: 45, degrees1: 270, degrees2: 0 });
  const radians = await row(
    "print radians0 = radians(90), radians1 = radians(180), radians2 = radians(360)",
  );
  assert.deepEqual(radians.values, {
    radians0: 1.5707963267948966,
    radians1: 3.141592653589793,
    radians2: 6.283185307179586,
  });
  close(await both("atan2({y}, {x})", { y: ["real", "1.0"], x: ["real", "1.0"] }), Math.PI / 4);
  close(await ofReal("sin({x})", 0.5), Math.sin(0.5));
  close(await ofReal("atan({x})", 1), Math.PI / 4);
});

Deno.test("asin() and acos() are null outside [-1, 1]", async () => {
  assert.equal(await ofReal("asin({x})", 2), null);
  assert.equal(await ofReal("acos({x})", -1.5), null);
  close(await ofReal("acos({x})", -1), Math.PI);
});

// ---------------------------------------------------------------- rounding

Deno.test("round() rounds half away from zero to a precision (documentation examples)", async () => {
  assert.equal(await ofReal("round({x}, 3)", 2.98765), 2.988);
  assert.equal(await ofReal("round({x}, 1)", 2.15), 2.2);
  assert.equal(await ofReal("round({x})", 2.15), 2);
  assert.equal(await ofReal("round({x}, -2)", -50.55), -100);
  assert.equal(await ofReal("round({x}, -1)", 21.5), 20);
  assert.equal(await ofReal("round({x})", 2.5), 3);
  assert.equal(await ofReal("round({x})", -2.5), -3);
});

Deno.test("round() keeps an integer's type; a column precision rounds row by row", async () => {
  assert.equal(await both("round({n}, -2)", { n: ["long", "1250"] }), 1300);
  assert.equal(await typeOf("print r = round(long(1250), -2)"), "long");
  assert.equal(await typeOf("print r = round(int(7))"), "int");
  assert.equal(await both("round({x}, {p})", { x: ["real", "1.23456"], p: ["int", "2"] }), 1.23);
});

Deno.test("ceiling() is a real, also of an integer (documentation example)", async () => {
  const r = await row("print c1 = ceiling(-1.1), c2 = ceiling(0), c3 = ceiling(0.9)");
  assert.deepEqual(r.values, { c1: -1, c2: 0, c3: 1 });
  assert.deepEqual(r.types, { c1: "real", c2: "real", c3: "real" });
});

Deno.test("abs() gives a long for integers, a real for reals, a timespan for timespans", async () => {
  assert.equal(await both("abs({n})", { n: ["int", "-5"] }), 5);
  assert.equal(await typeOf("print r = abs(int(-5))"), "long");
  assert.equal(await ofReal("abs({x})", -2.5), 2.5);
  assert.equal(await typeOf("print r = abs(-2h)"), "timespan");
  assert.equal(await value("print r = abs(-2h) == 2h"), true);
});

Deno.test("sign() is -1, 0 or 1 as a real", async () => {
  assert.equal(await ofReal("sign({x})", -3), -1);
  assert.equal(await ofReal("sign({x})", 0), 0);
  assert.equal(await both("sign({n})", { n: ["long", "42"] }), 1);
  assert.equal(await typeOf("print r = sign(42)"), "real");
});

// ---------------------------------------------------------------- special values

Deno.test("isnan(), isinf() and isfinite() test reals; a null is neither", async () => {
  const r = await row(`range x from -1 to 1 step 1 | extend y = (-1*x) | extend div = 1.0*x/y
    | summarize nans = countif(isnan(div)), infs = countif(isinf(div))`);
  assert.deepEqual(r.values, { nans: 1, infs: 0 });
  assert.equal(await ofReal("isinf({x})", "+inf"), true);
  assert.equal(await ofReal("isfinite({x})", "-inf"), false);
  assert.equal(await ofReal("isfinite({x})", 1), true);
  assert.equal(await value("print r = isnan(real(null))"), false);
  assert.equal(await value("print r = isfinite(real(null))"), false);
  assert.equal(await value("print r = isnan(5)"), false);
});

// ---------------------------------------------------------------- special functions

Deno.test("gamma() and loggamma() (documentation examples)", async () => {
  assert.equal(await ofReal("gamma({x})", 5), 24);
  close(await ofReal("loggamma({x})", 5), 3.1780538303479458);
  close(await ofReal("gamma({x})", 0.5), Math.sqrt(Math.PI));
  close(gamma(-0.5), -2 * Math.sqrt(Math.PI));
  close(logGamma(0.5), Math.log(Math.PI) / 2);
  assert.ok(Number.isNaN(gamma(-1)));
  assert.equal(gamma(0), Infinity);
});

Deno.test("erf() and erfc() agree with the documentation to the last digits", async () => {
  const r = await runKql("range x from -3 to 3 step 1 | extend e = erf(x), c = erfc(x)");
  const expected = [
    [-0.9999779095030014, 1.9999779095030015],
    [-0.9953222650189527, 1.9953222650189528],
    [-0.8427007929497149, 1.842700792949715],
    [0, 1],
    [0.8427007929497149, 0.15729920705028513],
    [0.9953222650189527, 0.004677734981047265],
    [0.9999779095030014, 2.2090496998585438e-05],
  ];
  r.toRecords().forEach((record, i) => {
    close(record.e, expected[i][0], 1e-15);
    close(record.c, expected[i][1], 1e-14);
  });
});

Deno.test("erfc() keeps its relative accuracy far in the tail", () => {
  const relative = (a: number, b: number) => Math.abs(a - b) / b;
  assert.ok(relative(erfc(5), 1.5374597944280349e-12) < 1e-14);
  assert.ok(relative(erfc(10), 2.088487583762545e-45) < 1e-14);
  assert.equal(erf(10), 1);
  assert.ok(Number.isNaN(erf(NaN)));
});

Deno.test("beta_pdf(), beta_cdf() and beta_inv() (documentation examples)", async () => {
  const r = await runKql(`datatable(x:double, alpha:double, beta:double)
    [0.5, 10.0, 20.0, 1.5, 10.0, 20.0, double(-10), 10.0, 20.0, 0.1, double(-1.0), 20.0]
    | extend p = beta_pdf(x, alpha, beta), c = beta_cdf(x, alpha, beta)`);
  const records = r.toRecords();
  close(records[0].p, 0.746176019310951, 1e-12);
  for (const record of records.slice(1)) {
    assert.ok(Number.isNaN(record.p as number) && Number.isNaN(record.c as number));
  }
  close(await value("print r = beta_cdf(0.9, 10, 20)"), 0.999999999999959, 1e-13);
  close(betaInv(betaCdf(0.3, 2, 5), 2, 5), 0.3, 1e-12);
  assert.ok(Number.isNaN(await value("print r = beta_inv(1.5, 2, 5)") as number));
});

// ---------------------------------------------------------------- max_of / min_of

Deno.test("max_of() and min_of() pick among their arguments (documentation example)", async () => {
  assert.equal(await value("print r = max_of(10, 1, -3, 17)"), 17);
  assert.equal(await typeOf("print r = max_of(10, 1, -3, 17)"), "long");
  assert.equal(await value("print r = min_of(10, 1, -3, 17)"), -3);
});

Deno.test("max_of() skips nulls and is null only when every argument is", async () => {
  const frame = await runKql(`datatable (A: int, B: int)
    [1, 6, 8, 1, int(null), 2, 1, int(null), int(null), int(null)]
    | project r = max_of(A, B)`);
  assert.deepEqual(frame.toRecords().map((x) => x.r), [6, 8, 2, 1, null]);
  assert.equal(await typeOf("datatable (A: int, B: int) [1, 2] | project r = max_of(A, B)"), "int");
});

Deno.test("max_of() and min_of() widen mixed numbers and order datetimes and strings", async () => {
  assert.equal(await both("max_of({a}, {b})", { a: ["int", "1"], b: ["real", "2.5"] }), 2.5);
  assert.equal(await typeOf("print r = max_of(1, 2.5)"), "real");
  assert.equal(
    await both("min_of({a}, {b}, '')", { a: ["string", "'b'"], b: ["string", "'a'"] }),
    "",
  );
  assert.equal(
    await value(
      "print r = max_of(datetime(2024-12-15 07:15:22), datetime(2024-12-15 07:15:24)) " +
        "== datetime(2024-12-15 07:15:24)",
    ),
    true,
  );
  await semanticError("print r = max_of(1, 'a')", /one orderable type.*argument 2 is string/);
});

// ---------------------------------------------------------------- bits

Deno.test("binary_and/or/xor/not work on 64-bit integers", async () => {
  assert.equal(await value("print r = binary_or(5, 3)"), 7);
  assert.equal(await both("binary_and({a}, {b})", { a: ["long", "5"], b: ["long", "3"] }), 1);
  assert.equal(await both("binary_xor({a}, {b})", { a: ["long", "5"], b: ["long", "3"] }), 6);
  assert.equal(await value("print r = binary_not(0)"), -1);
  assert.equal(await value("print r = binary_xor(-1, 0)"), -1);
  // Exact beyond 2^53, where a JavaScript number would round.
  assert.equal(
    await value("print r = tostring(binary_and(binary_shift_left(1, 60) + 1, -1))"),
    "1152921504606846977",
  );
  assert.equal(await typeOf("print r = binary_and(int(5), int(3))"), "long");
});

Deno.test("binary_shift_left/right() shift by the count modulo 64; negative is null", async () => {
  assert.equal(await value("print r = binary_shift_left(1, 2)"), 4);
  assert.equal(await value("print r = binary_shift_left(1, 66)"), 4);
  assert.equal(await value("print r = tostring(binary_shift_left(1, 63))"), "-9223372036854775808");
  assert.equal(await value("print r = binary_shift_right(-16, 2)"), -4);
  const longMax = "binary_not(binary_shift_left(1, 63))";
  assert.equal(await value(`print r = binary_shift_right(binary_shift_left(1, 63), 63)`), -1);
  assert.equal(
    await value(`print r = tostring(binary_shift_right(${longMax}, 3))`),
    "1152921504606846975",
  );
  assert.equal(await value("print r = binary_shift_left(1, -1)"), null);
  assert.equal(
    await both("binary_shift_right({x}, {s})", { x: ["long", "1024"], s: ["int", "3"] }),
    128,
  );
});

Deno.test("bitset_count_ones() counts set bits, the sign bit included", async () => {
  assert.equal(await value("print r = bitset_count_ones(42)"), 3);
  assert.equal(await both("bitset_count_ones({x})", { x: ["long", "-1"] }), 64);
  assert.equal(await value("print r = bitset_count_ones(long(null))"), null);
});

// ---------------------------------------------------------------- rand

Deno.test("rand() draws a fresh value in [0, 1) for every row", async () => {
  const frame = await runKql("range x from 1 to 200 step 1 | extend r = rand(), n = rand(10)");
  const records = frame.toRecords();
  const draws = records.map((x) => x.r as number);
  assert.ok(draws.every((v) => v >= 0 && v < 1));
  assert.ok(new Set(draws).size > 190);
  const ints = records.map((x) => x.n as number);
  assert.ok(ints.every((v) => Number.isInteger(v) && v >= 0 && v < 10));
  assert.equal(await typeOf("print r = rand(10)"), "real");
});

// ---------------------------------------------------------------- argument checks

Deno.test("math functions reject arguments of the wrong type", async () => {
  await semanticError("print r = abs('x')", /argument 1 of abs\(\) must be a number, not string/);
  await semanticError(
    "print r = binary_and(1.5, 1)",
    /argument 1 of binary_and\(\) must be an int or long, not real/,
  );
  await semanticError("print r = sqrt(true)", /argument 1 of sqrt\(\) must be a number, not bool/);
});

Deno.test("math functions read numbers held in dynamic values", async () => {
  assert.equal(await value("print r = sqrt(dynamic(16))"), 4);
  assert.equal(await value("print r = binary_or(dynamic(4), 1)"), 5);
});
