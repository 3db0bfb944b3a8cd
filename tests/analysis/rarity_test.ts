import assert from "node:assert/strict";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { columnValues, pl } from "../../src/polars.ts";
import { firstSeen, rareValues } from "../../src/analysis/rarity.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";

Deno.test("firstSeen() finds the victim's new sign-in country, matching a direct count", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query(
    "SigninLogs | where ResultType == '0' | extend Country = tostring(LocationDetails.countryOrRegion)",
  );
  const since = new Date("2026-03-09T00:00:00Z");
  const fresh = firstSeen(frame, { entity: "UserPrincipalName", value: "Country", since });
  // Known accounts (with sign-ins before) in a country they had not used: the question.
  const known = fresh.filter(pl.col("entityBaselineEvents").gt(0)).toRecords();
  // The same by hand: first sight of each (account, country), and whether the account
  // signed in before `since` at all.
  const users = columnValues<string>(frame, "UserPrincipalName");
  const countries = columnValues<string>(frame, "Country");
  const times = columnValues<Date>(frame, "TimeGenerated").map((d) => d.getTime());
  const firstBy = new Map<string, number>();
  const before = new Set<string>();
  users.forEach((u, i) => {
    const k = `${u}|${countries[i]}`;
    firstBy.set(k, Math.min(firstBy.get(k) ?? Infinity, times[i]));
    if (times[i] < since.getTime()) before.add(u);
  });
  const expected = [...firstBy].filter(([k, t]) =>
    t >= since.getTime() && before.has(k.split("|")[0])
  )
    .map(([k]) => k).sort();
  assert.deepEqual(known.map((r) => `${r.UserPrincipalName}|${r.Country}`).sort(), expected);
  const victim = known.find((r) => r.UserPrincipalName === ANSWER_KEY.victim.upn);
  assert.equal(victim?.Country, "BR");
  // The first success from Brazil is the legacy IMAP sign-in that ended the spray.
  assert.equal(
    (victim?.first as unknown as Date).toISOString(),
    new Date(ANSWER_KEY.spray.end).toISOString(),
  );
});

Deno.test("rareValues() counts values per entity and marks the implant's process as rare", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query("DeviceProcessEvents");
  const rare = rareValues(frame, {
    entity: "DeviceName",
    value: ["InitiatingProcessFileName", "FileName"],
  });
  const host = "lks-ws-1042.corp.larkspurlogistics.example";
  const pair = rare.filter(
    pl.col("DeviceName").eq(pl.lit(host)).and(
      pl.col("InitiatingProcessFileName").eq(pl.lit("msedgeupdate.exe")),
    )
      .and(pl.col("FileName").eq(pl.lit("cmd.exe"))),
  ).toRecords();
  assert.equal(pair.length, 1);
  assert.equal(pair[0].isRare, true);
  assert.equal(pair[0].entities, 1);
  // Counts agree with a direct filter.
  const direct = frame.filter(
    pl.col("DeviceName").eq(pl.lit(host)).and(
      pl.col("InitiatingProcessFileName").eq(pl.lit("msedgeupdate.exe")),
    )
      .and(pl.col("FileName").eq(pl.lit("cmd.exe"))),
  ).height;
  assert.equal(pair[0].count, direct);
  const hostEvents = frame.filter(pl.col("DeviceName").eq(pl.lit(host))).height;
  assert.equal(pair[0].entityEvents, hostEvents);
  assert.equal(rare.select(pl.col("count").sum()).getColumn("count").toArray()[0], frame.height);
  assert.throws(() => rareValues(frame, { entity: "Device", value: "FileName" }), AnalysisError);
});

Deno.test("rareValues() and firstSeen() say which option is missing (untyped code)", () => {
  const frame = pl.DataFrame({ Host: ["a"], Process: ["p"], TimeGenerated: [new Date(0)] });
  const refused = (option: string) => (e: unknown) =>
    e instanceof AnalysisError && e.message.includes(`\`${option}\``) && e.hint !== undefined;
  // deno-lint-ignore no-explicit-any
  const untyped = (f: unknown) => f as (frame: unknown, options?: any) => unknown;
  assert.throws(() => untyped(rareValues)(frame), refused("entity"));
  assert.throws(() => untyped(rareValues)(frame, { entity: "Host" }), refused("value"));
  assert.throws(
    () => untyped(firstSeen)(frame, { entity: "Host", value: "Process" }),
    refused("since"),
  );
  assert.throws(
    () => untyped(firstSeen)(frame, { entity: "Host", value: "Process", since: "not a date" }),
    refused("since"),
  );
  // A date as ISO text is taken.
  const fresh = untyped(firstSeen)(frame, {
    entity: "Host",
    value: "Process",
    since: "1969-12-31",
  });
  assert.equal((fresh as { height: number }).height, 1);
});
