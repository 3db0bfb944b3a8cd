/**
 * Time-window splitting of the Sentinel provider, checked by properties a person would check
 * and by hand-computed values: windows tile the range with no gap or overlap (no row at a
 * midpoint lost or counted twice), halves split on the whole millisecond below the middle,
 * the row-wise rule of Log Analytics queries (which queries may be split), and the
 * service's truncation messages.
 */
import assert from "node:assert/strict";
import {
  explicitWindows,
  filtersTimeGenerated,
  halves,
  isTruncation,
  MAX_WINDOWS,
  MIN_WINDOW_MS,
  runWindows,
  Semaphore,
  splitPlan,
} from "../../src/providers/sentinel/_split.ts";
import type { WireResult } from "../../src/providers/sentinel/_results.ts";
import { ServerTimeoutError } from "../../src/providers/sentinel/_errors.ts";
import type { TimeRange } from "../../src/providers/provider.ts";

const range = (start: number, end: number): TimeRange => ({
  start: new Date(start),
  end: new Date(end),
});
const ms = (windows: readonly TimeRange[]) =>
  windows.map((w) => [w.start.getTime(), w.end.getTime()]);

/** Windows cover [start, end) exactly: the first starts at start, each starts where the last ended. */
function assertTiles(windows: readonly TimeRange[], whole: TimeRange): void {
  assert.ok(windows.length > 0, "no windows");
  assert.equal(windows[0].start.getTime(), whole.start.getTime());
  assert.equal(windows.at(-1)!.end.getTime(), whole.end.getTime());
  for (let i = 1; i < windows.length; i++) {
    assert.equal(
      windows[i].start.getTime(),
      windows[i - 1].end.getTime(),
      `gap or overlap at ${i}`,
    );
  }
  for (const w of windows) assert.ok(w.end.getTime() > w.start.getTime(), "empty window");
}

Deno.test("halves() splits on the whole millisecond below the middle, and not below two seconds", () => {
  assert.deepEqual(ms(halves(range(0, 3001))!), [[0, 1500], [1500, 3001]]);
  assert.deepEqual(ms(halves(range(10, 2010))!), [[10, 1010], [1010, 2010]]);
  assert.equal(MIN_WINDOW_MS, 1000);
  assert.equal(halves(range(10, 2009)), undefined);
  assert.equal(halves(range(5, 5)), undefined);
});

Deno.test("explicitWindows() tiles the range: n equal windows or windows of a timespan", () => {
  const day = 86_400_000;
  const whole = range(Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 1) + 2.5 * day);
  const days = explicitWindows(whole, "1d") as TimeRange[];
  assert.deepEqual(ms(days).map(([a, b]) => (b - a) / day), [1, 1, 0.5]);
  assertTiles(days, whole);
  const thirds = explicitWindows(range(0, 10), 3) as TimeRange[];
  // 10/3 ms rounded at each edge: 0, 3, 7, 10.
  assert.deepEqual(ms(thirds), [[0, 3], [3, 7], [7, 10]]);
  assertTiles(thirds, range(0, 10));
  assert.deepEqual(ms(explicitWindows(range(0, 10), 1) as TimeRange[]), [[0, 10]]);
  assert.equal((explicitWindows(range(0, 1e6), MAX_WINDOWS) as TimeRange[]).length, 512);
  assertTiles(explicitWindows(range(0, 1e6), MAX_WINDOWS) as TimeRange[], range(0, 1e6));
  // 512 windows of 1 s exactly is allowed; 513 is not.
  assert.equal((explicitWindows(range(0, 512_000), "1s") as TimeRange[]).length, 512);
  assert.match(explicitWindows(range(0, 513_000), "1s") as string, /more than 512 queries/);
});

Deno.test("explicitWindows() says why a split does not work", () => {
  assert.equal(explicitWindows(range(5, 5), 2), "the timespan is empty");
  for (const n of [0, 1.5, 513, -1]) {
    assert.equal(
      explicitWindows(range(0, 1000), n),
      "a number of windows must be a whole number from 1 to 512",
      String(n),
    );
  }
  assert.equal(
    explicitWindows(range(0, 1000), "soon"),
    `'soon' is not a timespan such as "1d", "6h" or "30m"`,
  );
  assert.match(explicitWindows(range(0, 1000), "0s") as string, /is not a timespan/);
});

Deno.test("filtersTimeGenerated() sees a where on TimeGenerated or Timestamp, and nothing else", () => {
  const yes = [
    "SigninLogs | where TimeGenerated > ago(1d)",
    "SigninLogs | filter TimeGenerated between (datetime(2026-01-01) .. 1d)",
    "DeviceEvents | where Timestamp > ago(7d)",
    "SigninLogs | project UserPrincipalName, TimeGenerated | where TimeGenerated > ago(1h)",
    "SigninLogs | where ResultType != 0 and TimeGenerated > ago(1d)",
  ];
  const no = [
    "SigninLogs",
    "SigninLogs | project TimeGenerated",
    "SigninLogs | where ResultType == 0 | project TimeGenerated",
    "SigninLogs | extend where = 1, TimeGenerated",
    "SigninLogs | where ResultType == '",
  ];
  for (const q of yes) assert.equal(filtersTimeGenerated(q), true, q);
  for (const q of no) assert.equal(filtersTimeGenerated(q), false, q);
});

Deno.test("splitPlan() allows row-wise queries over tables and says why it refuses the rest", () => {
  const safe: Array<[string, "asc" | "desc"]> = [
    ["SigninLogs | where ResultType != 0 | project TimeGenerated, IPAddress", "asc"],
    ["SigninLogs | extend h = hash(IPAddress) | sort by TimeGenerated desc", "desc"],
    ["SigninLogs | sort by TimeGenerated asc | render timechart", "asc"],
    ["(SigninLogs) | union AuditLogs | where TimeGenerated > ago(1d)", "asc"],
    ["let n = 5; SigninLogs | where RiskLevel > n", "asc"],
    ["(SigninLogs | where ResultType != 0) | project IPAddress", "asc"],
    ["SigninLogs | project-rename Ip = IPAddress", "asc"],
  ];
  for (const [q, order] of safe) assert.deepEqual(splitPlan(q), { safe: true, order }, q);
  const refused: Array<[string, RegExp]> = [
    ["SigninLogs | summarize count() by IPAddress", /'summarize', which depends on all rows/],
    ["SigninLogs | take 10", /'take'/],
    ["SigninLogs | sort by UserPrincipalName", /sorts by something other than TimeGenerated/],
    ["SigninLogs | sort by TimeGenerated | where x == 1", /sorts by something other/],
    ["SigninLogs | sort by TimeGenerated, IPAddress", /sorts by something other/],
    ["SigninLogs | union (AuditLogs | take 1)", /unions a subquery/],
    ["SigninLogs | where IPAddress in (AuditLogs | project IP)", /'where' reads a subquery/],
    ["SigninLogs | where n == toscalar(AuditLogs | count)", /reads a subquery/],
    ["let t = AuditLogs | take 1; SigninLogs", /'let t' holds a subquery/],
    ["let t = range x from 1 to 3 step 1; SigninLogs", /'let t' holds a subquery/],
    ["let t = print x = 1; SigninLogs", /'let t' holds a subquery/],
    ["let t = datatable(x:long)[1]; SigninLogs", /'let t' holds a subquery/],
    ["let f = (n:long) { SigninLogs | take n }; SigninLogs", /'let f' holds a subquery/],
    ["let t = union AuditLogs, SigninLogs; SigninLogs", /'let t' holds a subquery/],
    ['let t = search "x"; SigninLogs', /'let t' holds a subquery/],
    ["let t = find where x == 1; SigninLogs", /'let t' holds a subquery/],
    ["let t = materialize(AuditLogs); SigninLogs", /'let t' holds a subquery/],
    ["SigninLogs | where n == toscalar(AuditLogs)", /'where' reads a subquery/],
    ["SigninLogs | extend w = _GetWatchlist('vip')", /'extend' reads a subquery/],
    ["(SigninLogs | summarize count()) | project x", /'summarize'/],
    ["SigninLogs; AuditLogs", /several results/],
    ["print 1", /does not read tables only/],
    ["SigninLogs | where (", /cannot read the query/],
  ];
  for (const [q, reason] of refused) {
    const plan = splitPlan(q);
    assert.equal(plan.safe, false, q);
    assert.match((plan as { reason: string }).reason, reason, q);
  }
});

Deno.test("isTruncation() knows the service's cut-result errors, at any depth", () => {
  const cut = [
    { code: "PartialError", details: [{ code: "E_QUERY_RESULT_SET_TOO_LARGE" }] },
    { code: "PartialError", innererror: { message: "Query result set has exceeded the limit" } },
    { message: "exceeded the internal record count limit" },
    { message: "Results were truncated" },
  ];
  for (const e of cut) assert.equal(isTruncation(e), true, JSON.stringify(e));
  assert.equal(isTruncation(undefined), false);
  assert.equal(isTruncation({ code: "PartialError", innererror: { code: "E_LOW_MEMORY" } }), false);
});

/** Events at these times (ms); a window answers its events, cut when it holds more than `limit`. */
function fakeService(times: number[], limit: number, calls: TimeRange[] = []) {
  return (window: TimeRange): Promise<WireResult> => {
    calls.push(window);
    const inside = times.filter((t) => t >= window.start.getTime() && t < window.end.getTime());
    const rows = inside.slice(0, limit).map((t) => [t]);
    const error = inside.length > limit
      ? { code: "PartialError", details: [{ code: "E_QUERY_RESULT_SET_TOO_LARGE" }] }
      : undefined;
    return Promise.resolve({
      tables: [{ name: "PrimaryResult", columns: [{ name: "t", type: "long" }], rows }],
      ...(error ? { error } : {}),
    });
  };
}

Deno.test("runWindows() halves cut windows until each fits, losing no row at a midpoint", async () => {
  // 0..8000 ms, an event every 250 ms, and one exactly at each midpoint (4000, 2000, 6000).
  const times = Array.from({ length: 32 }, (_, i) => i * 250);
  const whole = range(0, 8000);
  const progress: Array<[number, number, number]> = [];
  const { pieces, windows } = await runWindows([whole], fakeService(times, 10), {
    autoSplit: true,
    onWindow: (done, total, rows) => progress.push([done, total, rows]),
  });
  // 32 rows, at most 10 per window: 8000 → 4000 → 2000 ms windows of 8 rows each.
  assert.deepEqual(ms(pieces.map((p) => p.range!)), [
    [0, 2000],
    [2000, 4000],
    [4000, 6000],
    [6000, 8000],
  ]);
  assert.equal(windows, 4);
  const rows = pieces.flatMap((p) => p.result.tables[0].rows.map((r) => r[0]));
  assert.deepEqual(rows, times);
  assert.ok(pieces.every((p) => p.result.error === undefined));
  assert.deepEqual(progress.map(([done, , n]) => [done, n]), [[1, 8], [2, 8], [3, 8], [4, 8]]);
  // Each halving adds one to the windows known: 1 → 2 → 3 → 4 by the time the first is done.
  assert.deepEqual(progress.map(([, total]) => total), [4, 4, 4, 4]);
});

Deno.test("runWindows() does not split without autoSplit, nor below two seconds", async () => {
  const times = Array.from({ length: 40 }, (_, i) => i * 50);
  const calls: TimeRange[] = [];
  const off = await runWindows([range(0, 8000)], fakeService(times, 10, calls), {
    autoSplit: false,
  });
  assert.equal(off.pieces.length, 1);
  assert.ok(isTruncation(off.pieces[0].result.error));
  assert.equal(calls.length, 1);
  // All 40 rows within 2 s: halving stops at windows narrower than 2 s and keeps the cut.
  const on = await runWindows([range(0, 4000)], fakeService(times, 10), { autoSplit: true });
  assert.deepEqual(ms(on.pieces.map((p) => p.range!)), [[0, 1000], [1000, 2000], [2000, 4000]]);
  assert.ok(isTruncation(on.pieces[0].result.error));
});

Deno.test("runWindows() halves a window the service timed out on, and passes other errors on", async () => {
  const seen: string[] = [];
  const run = (w: TimeRange) => {
    seen.push(`${w.start.getTime()}-${w.end.getTime()}`);
    if (w.end.getTime() - w.start.getTime() > 4000) {
      return Promise.reject(new ServerTimeoutError("timed out", "sentinel"));
    }
    return Promise.resolve({ tables: [{ name: "t", columns: [], rows: [[1]] }] } as WireResult);
  };
  const { pieces } = await runWindows([range(0, 8000)], run, { autoSplit: true });
  assert.deepEqual(ms(pieces.map((p) => p.range!)), [[0, 4000], [4000, 8000]]);
  assert.deepEqual(seen, ["0-8000", "0-4000", "4000-8000"]);
  const broken = () => Promise.reject(new TypeError("bad"));
  await assert.rejects(runWindows([range(0, 8000)], broken, { autoSplit: true }), TypeError);
  // A timeout is not split without autoSplit.
  await assert.rejects(
    runWindows([range(0, 8000)], run, { autoSplit: false }),
    ServerTimeoutError,
  );
});

Deno.test("runWindows() stops splitting at 512 windows", async () => {
  // 512 windows of 4 s, each cut (one event, a limit of none): none may be halved.
  const windows = explicitWindows(range(0, 512 * 4000), 512) as TimeRange[];
  const calls: TimeRange[] = [];
  const starts = windows.map((w) => w.start.getTime());
  const { pieces } = await runWindows(windows, fakeService(starts, 0, calls), { autoSplit: true });
  assert.equal(pieces.length, 512);
  assert.equal(calls.length, 512);
  // 511 windows leave room for one more: one window is halved (two more calls).
  const fewer: TimeRange[] = [];
  await runWindows(windows.slice(1), fakeService(starts, 0, fewer), { autoSplit: true });
  assert.equal(fewer.length, 511 + 2);
});

Deno.test("Semaphore grants slots in order of arrival and refuses an already-aborted waiter", async () => {
  const slots = new Semaphore(1);
  const started: number[] = [];
  const gates: Array<() => void> = [];
  const task = (i: number) => () => {
    started.push(i);
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  const runs = [0, 1, 2, 3].map((i) => slots.run(task(i)));
  // One slot: only the first runs; each finished task lets in the next that arrived.
  for (let done = 0; done < 4; done++) {
    while (gates.length <= done) await new Promise((resolve) => setTimeout(resolve, 1));
    assert.deepEqual(started, [0, 1, 2, 3].slice(0, done + 1));
    gates[done]();
  }
  await Promise.all(runs);
  const aborted = AbortSignal.abort();
  let ran = false;
  await assert.rejects(
    slots.run(() => Promise.resolve(ran = true), aborted),
    (e: Error) => e.name === "AbortError",
  );
  assert.equal(ran, false);
  // A free slot with a live signal runs at once (the slot was given back each time).
  assert.equal(await slots.run(() => Promise.resolve(7), new AbortController().signal), 7);
  assert.deepEqual(
    await Promise.all([slots.run(() => Promise.resolve(1)), slots.run(() => Promise.resolve(2))]),
    [1, 2],
  );
});
