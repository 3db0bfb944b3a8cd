/**
 * KQL statistics (src/kql/functions/_stats.ts): covariance, weighted percentiles,
 * t-digests and unit conversions, query in, values out.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";

/** Every row of `query` (dynamic columns parsed, longs as numbers) and the column types. */
async function rows(
  query: string,
): Promise<{ rows: Record<string, unknown>[]; types: Record<string, string> }> {
  const { frame, schema } = await executeKql(query);
  const types = Object.fromEntries(schema.columns.map((c) => [c.name, c.type as string]));
  const out = frame.toRecords().map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([k, v]) => [
        k,
        types[k] === "dynamic" && typeof v === "string"
          ? JSON.parse(v)
          : typeof v === "bigint"
          ? Number(v)
          : v,
      ]),
    )
  );
  return { rows: out, types };
}

async function first(query: string): Promise<Record<string, unknown>> {
  return (await rows(query)).rows[0];
}

function close(actual: unknown, expected: number, tolerance = 1e-9): void {
  assert.equal(typeof actual, "number", `${actual} is not a number`);
  assert.ok(
    Math.abs((actual as number) - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${actual} ≉ ${expected}`,
  );
}

async function rejects(query: string, message: RegExp): Promise<void> {
  await assert.rejects(() => executeKql(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, `expected a KqlSemanticError, got ${e}`);
    assert.match(e.message, message);
    return true;
  });
}

const XY = `datatable(x:real, y:real) [1.0, 14.0, 2.0, 10.0, 3.0, 17.0, 4.0, 20.0, 5.0, 50.0]`;

// ---------------------------------------------------------------- covariance

Deno.test("covariance() and covariancep() are the sample and population covariances (docs)", async () => {
  const { rows: [r], types } = await rows(`${XY} | summarize covariance(x, y), covariancep(x, y)`);
  assert.deepEqual(r, { covariance_x_y: 20.5, covariancep_x_y: 16.4 });
  assert.equal(types.covariance_x_y, "real");
});

Deno.test("covarianceif() and covariancepif() keep the rows the predicate accepts (docs)", async () => {
  const r = await first(`range x from 1 to 100 step 1
    | extend y = iff(x % 2 == 0, x * 2, x * 3)
    | summarize covarianceif(x, y, x % 3 == 0), covariancepif(x, y, x % 3 == 0)`);
  close(r.covarianceif_x_y, 2142);
  close(r.covariancepif_x_y, 2077.0909090909);
});

Deno.test("covariance() leaves out pairs with a null and works per group", async () => {
  const { rows: out } = await rows(`datatable(g:string, x:long, y:long) [
      "a", 1, 2, "a", 2, 4, "a", 3, long(null), "a", 3, 6, "b", 1, 1, "b", 2, 1]
    | summarize c = covariance(x, y) by g | order by g asc`);
  assert.deepEqual(out, [{ g: "a", c: 2 }, { g: "b", c: 0 }]);
});

Deno.test("covariance() rejects a string argument", async () => {
  await rejects(
    `datatable(s:string, x:real) ["a", 1.0] | summarize covariance(s, x)`,
    /argument 1 of covariance\(\) must be a number, not string/,
  );
});

// ---------------------------------------------------------------- percentiles

const LATENCY = `datatable (ReqCount:long, LatencyBucket:long) [8, 10, 6, 20, 3, 30, 1, 40]`;

Deno.test("percentilesw() gives weighted nearest-rank percentiles in columns (docs)", async () => {
  const { rows: [r], types } = await rows(
    `${LATENCY} | summarize percentilesw(LatencyBucket, ReqCount, 50, 75, 99.9)`,
  );
  assert.deepEqual(r, {
    percentile_LatencyBucket_50: 20,
    percentile_LatencyBucket_75: 20,
    percentile_LatencyBucket_99_9: 40,
  });
  assert.equal(types.percentile_LatencyBucket_50, "long");
});

Deno.test("percentilesw_array() gives them as an array, also from a dynamic list (docs)", async () => {
  const r = await first(`${LATENCY}
    | summarize a = percentilesw_array(LatencyBucket, ReqCount, 50, 75, 99.9),
      b = percentilesw_array(LatencyBucket, ReqCount, dynamic([50, 75, 99.9]))`);
  assert.deepEqual(r, { a: [20, 20, 40], b: [20, 20, 40] });
  const named = await first(
    `${LATENCY} | summarize percentilesw_array(LatencyBucket, ReqCount, 50)`,
  );
  assert.deepEqual(Object.keys(named), ["percentiles_LatencyBucket"]);
});

Deno.test("percentilew() weighs datetimes and leaves out null and zero weights", async () => {
  const r = await first(`datatable(t:datetime, w:long) [
      datetime(2024-01-01), 1, datetime(2024-01-02), 5, datetime(2024-01-03), long(null),
      datetime(2024-01-04), 0]
    | summarize p = percentilew(t, w, 50), lo = percentilew(t, w, 0)`);
  assert.deepEqual(r.p, new Date("2024-01-02T00:00:00Z"));
  assert.deepEqual(r.lo, new Date("2024-01-01T00:00:00Z"));
});

Deno.test("percentiles_array() gives nearest-rank percentiles as an array", async () => {
  const r = await first("range x from 1 to 10 step 1 | summarize percentiles_array(x, 0, 50, 100)");
  assert.deepEqual(r, { percentiles_x: [1, 5, 10] });
});

// ---------------------------------------------------------------- t-digest

Deno.test("percentile_tdigest() reads a weighted tdigest(), dynamic without a type (docs)", async () => {
  const { rows: [r], types } = await rows(`datatable(V:real, W:long) [1.0, 1, 2.0, 2]
    | summarize TD = tdigest(V, W) | project P50 = percentile_tdigest(TD, 50)`);
  assert.deepEqual(r, { P50: 2 });
  assert.equal(types.P50, "dynamic");
});

Deno.test("merge_tdigest() merges digests; typeof(long) types the percentile (docs)", async () => {
  const { rows: [r], types } = await rows(`range x from 1 to 10 step 1
    | extend y = x + 10
    | summarize tdigestX = tdigest(x), tdigestY = tdigest(y)
    | project merged = merge_tdigest(tdigestX, tdigestY)
    | project p = percentile_tdigest(merged, 100, typeof(long)), m = percentile_tdigest(merged, 50, typeof(long))`);
  assert.deepEqual(r, { p: 20, m: 10 });
  assert.equal(types.p, "long");
});

Deno.test("tdigest_merge() merges the digests of several groups", async () => {
  const r = await first(`range x from 1 to 100 step 1
    | summarize d = tdigest(x) by bin(x, 10)
    | summarize m = tdigest_merge(d)
    | project p = percentile_tdigest(m, 90, typeof(long)), a = percentiles_array_tdigest(m, 1, 99)`);
  assert.deepEqual(r, { p: 90, a: [1, 99] });
});

Deno.test("rank_tdigest() counts the values at or below a value (docs)", async () => {
  const r = await first(`range x from 1 to 1000 step 1
    | summarize t_x = tdigest(x) | project rank_of_685 = rank_tdigest(t_x, 685), low = rank_tdigest(t_x, 0)`);
  assert.deepEqual(r, { rank_of_685: 685, low: 0 });
});

Deno.test("percentile_tdigest() of a datetime digest is the datetime's text in a dynamic", async () => {
  const r = await first(`datatable(t:datetime) [datetime(2024-01-01), datetime(2024-01-05)]
    | summarize d = tdigest(t)
    | project p = percentile_tdigest(d, 100), q = percentile_tdigest(d, 0, typeof(datetime))`);
  assert.equal(r.p, "2024-01-05T00:00:00.0000000Z");
  assert.deepEqual(r.q, new Date("2024-01-01T00:00:00Z"));
});

Deno.test("a large tdigest() compresses and stays within 1% of rank", async () => {
  const r = await first(`range x from 1 to 100000 step 1
    | summarize d = tdigest(x)
    | project centroids = array_length(d[1]), p50 = percentile_tdigest(d, 50, typeof(real)),
      p99 = percentile_tdigest(d, 99, typeof(real)), p100 = percentile_tdigest(d, 100, typeof(real))`);
  assert.ok((r.centroids as number) < 2000, `${r.centroids} centroids`);
  assert.ok(Math.abs((r.p50 as number) - 50000) < 1000, `p50 ${r.p50}`);
  assert.ok(Math.abs((r.p99 as number) - 99000) < 1000, `p99 ${r.p99}`);
  assert.equal(r.p100, 100000);
});

Deno.test("percentile_tdigest() rejects a second argument that is not a type literal", async () => {
  await rejects(
    `range x from 1 to 3 step 1 | summarize d = tdigest(x) | project percentile_tdigest(d, 50, "long!")`,
    /must be a type literal/,
  );
});

Deno.test("percentile_tdigest() of a value that is not a digest is null", async () => {
  const r = await first(`print p = percentile_tdigest(dynamic([1, 2]), 50)`);
  assert.equal(r.p, null);
});

// ---------------------------------------------------------------- units

Deno.test("convert_*() convert between units (docs examples)", async () => {
  const r = await first(`print
    angle = convert_angle(1.2, 'Degree', 'Arcminute'),
    mass = convert_mass(1.2, 'Kilogram', 'Pound'),
    speed = convert_speed(1.2, 'MeterPerSecond', 'CentimeterPerHour'),
    volume = convert_volume(1.2, 'CubicMeter', 'AcreFoot'),
    length = convert_length(1.2, 'Meter', 'Foot'),
    energy = convert_energy(1.2, 'Joule', 'BritishThermalUnit'),
    force = convert_force(1.2, 'Newton', 'Decanewton')`);
  close(r.angle, 72);
  close(r.mass, 2.64554714621853);
  close(r.speed, 432000);
  close(r.volume, 0.0009728568);
  close(r.length, 3.93700787401575);
  close(r.energy, 0.00113738054437598);
  close(r.force, 0.12);
});

Deno.test("convert_temperature() handles offsets between scales", async () => {
  const r = await first(`print
    f = convert_temperature(100, 'DegreeCelsius', 'DegreeFahrenheit'),
    k = convert_temperature(-40, 'DegreeFahrenheit', 'Kelvin'),
    c = convert_temperature(0, 'Kelvin', 'DegreeCelsius')`);
  close(r.f, 212);
  close(r.k, 233.15);
  close(r.c, -273.15);
});

Deno.test("convert_*() give null for an unknown unit and match unit names in any case", async () => {
  const r = await first(`print bad = convert_length(1, 'Meter', 'Furlong'),
    lower = convert_length(1, 'kilometer', 'meter'), prefixed = convert_volume(1, 'DecausGallon', 'UsGallon')`);
  assert.equal(r.bad, null);
  close(r.lower, 1000);
  close(r.prefixed, 10);
});

Deno.test("convert_*() work over columns and reject a non-numeric value", async () => {
  const { rows: out } = await rows(`datatable(v:real, u:string) [1.0, 'Kilometer', 2.0, 'Mile']
    | extend m = convert_length(v, u, 'Meter')`);
  assert.deepEqual(out.map((o) => o.m), [1000, 3218.68]);
  await rejects(`print convert_length('1', 'Meter', 'Foot')`, /argument 1 of convert_length\(\)/);
});
