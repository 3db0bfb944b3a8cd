/**
 * `rareValues()` and `firstSeen()` on a hand-made frame whose answers are counted by hand, and
 * their options as a user types them (aliases, wrong types, a missing column): mutants that
 * `tests/analysis/rarity_test.ts` let through (`deno task mutate src/analysis/rarity.ts`,
 * issue 23).
 */
import assert from "node:assert/strict";
import { firstSeen, rareValues } from "../../src/analysis/mod.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { OptionError } from "../../src/options.ts";
import { pl } from "../../src/polars.ts";

// Hosts A, B and C run svchost.exe 99 times each; A and B also run evil.exe once, C runs
// odd.exe once. Shares: 1/100 for each single run (rare at the default 1%), 99/100 otherwise.
const rows: Array<[string, string]> = [];
for (const host of ["A", "B", "C"]) {
  for (let i = 0; i < 99; i++) rows.push([host, "svchost.exe"]);
}
rows.push(["A", "evil.exe"], ["B", "evil.exe"], ["C", "odd.exe"]);
const events = pl.DataFrame({
  Computer: rows.map((r) => r[0]),
  NewProcessName: rows.map((r) => r[1]),
});

const rare = (frame: ReturnType<typeof rareValues>) =>
  frame.filter(pl.col("isRare")).select("Computer", "NewProcessName", "entities").toRecords()
    .map((r) => `${r.Computer} ${r.NewProcessName} ${r.entities}`).sort();

Deno.test("mutation/rarity: rare values by share, and by how many entities show them", () => {
  const all = rareValues(events, { entity: "Computer", value: "NewProcessName" });
  assert.deepEqual(rare(all), ["A evil.exe 2", "B evil.exe 2", "C odd.exe 1"]);
  // Seen on at most one host: evil.exe (two hosts) is no longer rare.
  const once = rareValues(events, { entity: "Computer", value: "NewProcessName", maxEntities: 1 });
  assert.deepEqual(rare(once), ["C odd.exe 1"]);
  // The names a user reaches for are refused with the right option suggested.
  for (const [typed, meant] of [["by", "entity"], ["column", "value"], ["entities", "entity"]]) {
    assert.throws(
      () =>
        rareValues(events, { entity: "Computer", value: "NewProcessName", [typed]: "x" } as never),
      (e: unknown) => e instanceof OptionError && e.message.includes(`Did you mean \`${meant}\``),
      typed,
    );
  }
});

Deno.test("mutation/rarity: numbers given as text and unknown options are option errors", () => {
  for (
    const options of [
      { entity: "Computer", value: "NewProcessName", maxEntities: "1" },
      { entity: "Computer", value: "NewProcessName", maxShare: "0.01" },
    ]
  ) {
    assert.throws(() => rareValues(events, options as never), OptionError, JSON.stringify(options));
  }
});

Deno.test("mutation/rarity: firstSeen() finds what is new after the baseline, suggests since, names a missing column", () => {
  const t = (h: number) => new Date(Date.UTC(2026, 2, 10, h));
  const logons = pl.DataFrame({
    Account: ["dan", "dan", "dan", "amy"],
    Country: ["GB", "GB", "BR", "GB"],
    TimeGenerated: [t(1), t(5), t(9), t(9)],
  });
  // Baseline before 04:00: dan in GB. After it, dan's BR is new and amy is new altogether.
  const fresh = (options: Record<string, unknown>) =>
    firstSeen(logons, { entity: "Account", value: "Country", ...options } as never).toRecords()
      .map((r) => `${r.Account} ${r.Country}`).sort();
  assert.deepEqual(fresh({ since: t(4) }), ["amy GB", "dan BR"]);
  assert.throws(
    () => fresh({ baselineEnd: t(4) }),
    (e: unknown) => e instanceof OptionError && e.message.includes("Did you mean `since`"),
  );
  assert.throws(
    () => firstSeen(logons, { entity: "Account", value: "City", since: t(4) }),
    (error: unknown) =>
      error instanceof AnalysisError || error instanceof OptionError
        ? /City/.test((error as Error).message)
        : false,
  );
  assert.throws(
    () => firstSeen(logons, { entity: "Account", value: "Country", since: "not a date" } as never),
    /since/,
  );
});

Deno.test("mutation/rarity: each mistake names its function and option, with an example", () => {
  const t = new Date(Date.UTC(2026, 2, 10, 4));
  const logons = pl.DataFrame({ Account: ["dan"], Country: ["GB"], TimeGenerated: [t] });
  // Epoch milliseconds from untyped code are a date too: the logon is new after a baseline
  // ending an hour before it, and part of one ending an hour after it.
  const since = (ms: number) =>
    firstSeen(logons, { entity: "Account", value: "Country", since: ms } as never).height;
  assert.deepEqual([since(t.getTime() - 3_600_000), since(t.getTime() + 3_600_000)], [1, 0]);
  const fails = (fn: () => unknown, pattern: RegExp, hint?: RegExp) =>
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof OptionError || e instanceof AnalysisError, String(e));
      assert.match(e.message, pattern);
      if (hint) assert.match(e.hint ?? "", hint);
      return true;
    });
  fails(
    () => rareValues(events, { entity: "Computer", value: "X", maxShare: "1" } as never),
    /^rareValues/,
  );
  fails(
    () => firstSeen(logons, { entity: "Account", value: "Country", group: 1 } as never),
    /^firstSeen/,
  );
  for (const [typed, meant] of [["by", "entity"], ["column", "value"]]) {
    fails(
      () =>
        firstSeen(logons, { entity: "Account", value: "Country", since: t, [typed]: "x" } as never),
      new RegExp(`^firstSeen: .*Did you mean \`${meant}\``),
    );
  }
  const example = /\{ entity: "Computer", value: "NewProcessName" \}/;
  fails(
    () => rareValues(events, { entity: [], value: "NewProcessName" }),
    /^rareValues: the `entity` option names no column/,
    example,
  );
  fails(
    () => firstSeen(logons, { entity: [], value: "Country", since: t }),
    /^firstSeen: the `entity` option names no column/,
    example,
  );
});
