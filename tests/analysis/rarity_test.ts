import assert from "node:assert/strict";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { columnValues, pl } from "../../src/polars.ts";
import { firstSeen, rareValues } from "../../src/analysis/rarity.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { assertOrdered, reversed, sha, shuffled, tiesOn } from "../_order.ts";

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

/** Process events on four hosts with many ties: each new value appears on several hosts at once. */
function tiedEvents() {
  const t0 = Date.UTC(2024, 2, 1);
  const host: string[] = [];
  const process: string[] = [];
  const time: number[] = [];
  const add = (h: string, p: string, hour: number) => {
    host.push(h);
    process.push(p);
    time.push((t0 + hour * 3_600_000) * 1000);
  };
  for (const h of ["ws-4", "ws-2", "ws-3", "ws-1"]) {
    for (let hour = 0; hour < 48; hour++) add(h, hour % 2 ? "svchost.exe" : "explorer.exe", hour);
    add(h, "whoami.exe", 50);
    add(h, "net.exe", 50);
    if (h !== "ws-3") add(h, "nltest.exe", 51);
  }
  add("ws-3", "rclone.exe", 51);
  return pl.DataFrame({ Host: host, Process: process, TimeGenerated: time })
    .withColumn(pl.col("TimeGenerated").cast(pl.Datetime("us")));
}

Deno.test("rareValues() orders by share, entities and count, ties by entity then value, whatever the input order", async () => {
  const small = tiedEvents();
  const options = { entity: "Host", value: "Process" };
  const rare = rareValues(small, options);
  const order = ["share", "entities", "count"];
  assert.ok(tiesOn(rare, order) >= 6, "the data must tie on share, entities and count");
  assertOrdered(rare, [...order, "Host", "Process"], { strict: true });
  assert.deepEqual(
    rare.head(3).select("Host", "Process").toRecords(),
    [
      { Host: "ws-3", Process: "rclone.exe" },
      { Host: "ws-1", Process: "nltest.exe" },
      { Host: "ws-2", Process: "nltest.exe" },
    ],
  );
  // share is count / entityEvents as a fraction (it once was an integer division: 0).
  for (const r of rare.toRecords()) {
    assert.equal(r.share, Number(r.count) / Number(r.entityEvents));
    assert.equal(r.isRare, Number(r.count) / Number(r.entityEvents) <= 0.01);
  }
  assert.equal(rare.getColumn("share").get(0), 1 / 51);
  const provider = await openLocalProvider();
  const { frame } = await provider.query("DeviceProcessEvents");
  const pairs = { entity: "DeviceName", value: ["InitiatingProcessFileName", "FileName"] };
  for (const [events, opts] of [[small, options], [frame, pairs]] as const) {
    const result = rareValues(events, opts);
    const keys = [...[opts.entity].flat(), ...[opts.value].flat()];
    assertOrdered(result, [...order, ...keys], { strict: true });
    const hash = sha(result);
    assert.equal(sha(rareValues(events, opts)), hash, "a second run");
    assert.equal(sha(rareValues(shuffled(events, 1), opts)), hash, "shuffled");
    assert.equal(sha(rareValues(reversed(events), opts)), hash, "reversed");
  }
});

Deno.test("firstSeen() orders by first sight, ties by entity then value, whatever the input order", async () => {
  const small = tiedEvents();
  const options = { entity: "Host", value: "Process", since: new Date("2024-03-03T00:00:00Z") };
  const fresh = firstSeen(small, options);
  assert.equal(fresh.height, 12);
  assert.ok(tiesOn(fresh, ["first"]) >= 8, "the data must tie on first");
  assertOrdered(fresh, ["first", "Host", "Process"], { strict: true });
  assert.deepEqual(
    fresh.head(3).select("Host", "Process").toRecords(),
    [
      { Host: "ws-1", Process: "net.exe" },
      { Host: "ws-1", Process: "whoami.exe" },
      { Host: "ws-2", Process: "net.exe" },
    ],
  );
  const provider = await openLocalProvider();
  const { frame } = await provider.query(
    "SigninLogs | extend Country = tostring(LocationDetails.countryOrRegion)",
  );
  const countries = {
    entity: "UserPrincipalName",
    value: ["Country", "AppDisplayName"],
    since: new Date("2026-03-09T00:00:00Z"),
  };
  for (const [events, opts] of [[small, options], [frame, countries]] as const) {
    const result = firstSeen(events, opts);
    const keys = [...[opts.entity].flat(), ...[opts.value].flat()];
    assertOrdered(result, ["first", ...keys], { strict: true });
    const hash = sha(result);
    assert.equal(sha(firstSeen(events, opts)), hash, "a second run");
    assert.equal(sha(firstSeen(shuffled(events, 2), opts)), hash, "shuffled");
    assert.equal(sha(firstSeen(reversed(events), opts)), hash, "reversed");
  }
});

Deno.test("the groupBy-heavy analyses give the same hashes with 1 and 4 Polars threads", async () => {
  // Each run is a fresh process: Polars sizes its thread pool once, from POLARS_MAX_THREADS.
  const child = new URL("./_thread_hashes.ts", import.meta.url).pathname;
  const root = new URL("../../", import.meta.url).pathname;
  const run = async (threads: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", child],
      cwd: root,
      env: { POLARS_MAX_THREADS: threads },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return JSON.parse(text.trim().split("\n").pop()!) as Record<string, string>;
  };
  const [one, four] = await Promise.all([run("1"), run("4")]);
  assert.ok(Object.keys(one).length >= 8);
  assert.deepEqual(four, one);
});
