/**
 * Planted bugs the suite let through (issue 23), analyses: filter bounds an analyst relies
 * on. Each input is built by hand so the expected rows can be counted without the code
 * under test.
 */
import assert from "node:assert/strict";
import { findBeacons } from "../../src/analysis/beaconing.ts";
import { logonSessions } from "../../src/analysis/logon_sessions.ts";
import { firstSeen } from "../../src/analysis/rarity.ts";
import { pl } from "../../src/polars.ts";

/** `n` connections from `src` to `dst`, every `periodS` seconds from 2026-03-11T00:00Z. */
function flows(src: string, dst: string, n: number, periodS: number) {
  const t0 = Date.UTC(2026, 2, 11);
  return Array.from({ length: n }, (_, i) => ({
    TimeGenerated: new Date(t0 + i * periodS * 1000),
    DeviceName: src,
    RemoteIP: dst,
  }));
}

Deno.test("findBeacons(): a pair whose period is past maxPeriodSeconds is not scored", () => {
  // Three perfect beacons, 25 connections each: every 60 s, every 2 h, every 8 h.
  const rows = [
    ...flows("ws-1", "198.51.100.1", 25, 60),
    ...flows("ws-1", "198.51.100.2", 25, 2 * 3600),
    ...flows("ws-1", "198.51.100.3", 25, 8 * 3600),
  ];
  const frame = pl.readRecords(rows).withColumn(pl.col("TimeGenerated").cast(pl.Datetime("us")));
  // Default range 10 s to 6 h: the 8-hour one is outside it.
  const found = findBeacons(frame).toRecords().map((r) => r.RemoteIP).sort();
  assert.deepEqual(found, ["198.51.100.1", "198.51.100.2"]);
  // A range of 30 s to 1 h leaves only the minute beacon; 1 h to 9 h the other two.
  const short = findBeacons(frame, { minPeriodSeconds: 30, maxPeriodSeconds: 3600 });
  assert.deepEqual(short.toRecords().map((r) => r.RemoteIP), ["198.51.100.1"]);
  const long = findBeacons(frame, { minPeriodSeconds: 3600, maxPeriodSeconds: 9 * 3600 });
  assert.deepEqual(long.toRecords().map((r) => r.RemoteIP).sort(), [
    "198.51.100.2",
    "198.51.100.3",
  ]);
  // The bound is inclusive: exactly 2 h is kept with a maximum of 2 h.
  const exact = findBeacons(frame, { minPeriodSeconds: 3600, maxPeriodSeconds: 7200 });
  assert.deepEqual(exact.toRecords().map((r) => r.RemoteIP), ["198.51.100.2"]);
});

/** SecurityEvent rows: one logon, its logoff, and processes under its logon id. */
function oneSession() {
  const at = (hhmm: string) => new Date(`2026-03-12T${hhmm}:00Z`);
  const rows: Array<Record<string, unknown>> = [
    {
      TimeGenerated: at("10:00"),
      EventID: 4624,
      Computer: "ws-1",
      TargetLogonId: "0x77",
      TargetUserName: "dana",
      TargetDomainName: "CORP",
      LogonType: 10,
      IpAddress: "203.0.113.45",
      WorkstationName: "KALI",
    },
    { TimeGenerated: at("10:30"), EventID: 4634, Computer: "ws-1", TargetLogonId: "0x77" },
  ];
  const process = (name: string, hhmm: string) =>
    rows.push({
      TimeGenerated: at(hhmm),
      EventID: 4688,
      Computer: "ws-1",
      TargetLogonId: "0x0",
      SubjectLogonId: "0x77",
      NewProcessName: `C:\\Windows\\System32\\${name}`,
    });
  process("whoami.exe", "10:05");
  process("net.exe", "10:30"); // at the logoff's second: still inside
  process("rclone.exe", "10:45"); // after the logoff: not this session's
  const columns = [
    "TimeGenerated",
    "EventID",
    "Computer",
    "TargetLogonId",
    "TargetUserName",
    "TargetDomainName",
    "LogonType",
    "IpAddress",
    "WorkstationName",
    "SubjectLogonId",
    "NewProcessName",
  ];
  return pl.DataFrame(
    Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)])),
  ).withColumn(pl.col("TimeGenerated").cast(pl.Datetime("us")));
}

Deno.test("logonSessions(): a process after the session's logoff is not counted in it", () => {
  const [s] = logonSessions(oneSession()).toRecords();
  // Counted by hand: whoami at 10:05 and net at 10:30 (the logoff's instant) are inside
  // 10:00-10:30; rclone at 10:45 is after the logoff.
  assert.equal(s.processes, 2);
  assert.equal(s.processNames, "whoami.exe, net.exe");
  assert.equal((s.lastProcess as unknown as Date).toISOString(), "2026-03-12T10:30:00.000Z");
  assert.equal(s.durationMinutes, 30);
});

Deno.test("firstSeen(): a value first seen exactly at `since` is new (at or after, as documented)", () => {
  const t = (iso: string) => new Date(`2026-03-${iso}Z`);
  const frame = pl.DataFrame({
    TimeGenerated: [
      t("08T10:00:00"), // dana from GB, in the baseline
      t("09T00:00:00"), // dana from BR, exactly at since: new
      t("09T05:00:00"), // dana from BR again
      t("09T06:00:00"), // dana from GB: known
      t("08T23:59:59"), // eric from US, one second before since: baseline
      t("09T01:00:00"), // eric from US again: not new
    ],
    Account: ["dana", "dana", "dana", "dana", "eric", "eric"],
    Country: ["GB", "BR", "BR", "GB", "US", "US"],
  }).withColumn(pl.col("TimeGenerated").cast(pl.Datetime("us")));
  const fresh = firstSeen(frame, {
    entity: "Account",
    value: "Country",
    since: new Date("2026-03-09T00:00:00Z"),
  }).toRecords();
  assert.deepEqual(
    fresh.map((r) => [r.Account, r.Country, r.count, r.entityBaselineEvents]),
    [["dana", "BR", 2, 1]],
  );
  assert.equal((fresh[0].first as unknown as Date).toISOString(), "2026-03-09T00:00:00.000Z");
});
