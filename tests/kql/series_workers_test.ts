/**
 * Series functions on worker threads (src/kql/compile/_job_workers.ts): a large job of a
 * portable row function (src/kql/functions/series/_analysis_rows.ts) runs in a pool of
 * Deno Workers while the main thread waits. The main thread's answers are the oracle: the
 * same query over the same rows, workers off, must give the same columns to the character.
 * Ctrl-C (the shared flag of src/interrupt.ts, raised from another thread as the REPL's
 * watcher does) stops a worker job with InterruptedError and leaves no worker running.
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { executeOn, sourceTables } from "../../src/kql/run.ts";
import { jobWorkers, workerStats } from "../../src/kql/compile/_job_workers.ts";
import { clearInterrupt, interruptBuffer, InterruptedError } from "../../src/interrupt.ts";
import { rowOutputs } from "../../src/kql/compile/_portable.ts";
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
