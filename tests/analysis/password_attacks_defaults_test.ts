/**
 * findPasswordAttacks()'s documented defaults, each at its boundary, on hand-made sign-ins:
 * a spray needs 10 accounts tried at most 3 times each, a brute force 10 failures, a burst
 * allows 30-minute gaps, and a success up to 24 h after the last failure is its outcome.
 * Every expected value is counted by hand from the rows written here.
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { findPasswordAttacks } from "../../src/analysis/password_attacks.ts";
import { OptionError, optionSpecsOf } from "../../src/options.ts";

const T0 = Date.UTC(2024, 5, 3, 8);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SOURCE = {
  time: "When",
  account: "User",
  source: "Ip",
  outcome: "Ok",
  successValues: [true],
};

type Row = [time: number, user: string, ip: string, ok: boolean];

function frameOf(rows: Row[]) {
  return pl.DataFrame({
    When: rows.map((r) => new Date(r[0]).toISOString()),
    User: rows.map((r) => r[1]),
    Ip: rows.map((r) => r[2]),
    Ok: rows.map((r) => r[3]),
  });
}

function sightings(): Row[] {
  const rows: Row[] = [];
  // A spray at the defaults' edge: exactly 10 accounts, each tried exactly 3 times (30 failures).
  const users = Array.from({ length: 10 }, (_, i) => `u${i}@corp.example`);
  for (let round = 0; round < 3; round++) {
    users.forEach((u, i) => rows.push([T0 + (round * 10 + i) * MINUTE, u, "203.0.113.10", false]));
  }
  // 9 failures against carol: one short of a brute force.
  for (let i = 0; i < 9; i++) rows.push([T0 + i * MINUTE, "carol", "198.51.100.30", false]);
  // 10 failures against dave: a brute force; then successes 23.5 h and 24.5 h after the last.
  for (let i = 0; i < 10; i++) rows.push([T0 + i * MINUTE, "dave", "198.51.100.20", false]);
  const daveLast = T0 + 9 * MINUTE;
  // dave's own sign-in from that address an hour before the attack: not its outcome.
  rows.push([T0 - HOUR, "dave", "198.51.100.20", true]);
  rows.push([daveLast + 23.5 * HOUR, "dave", "198.51.100.20", true]);
  rows.push([daveLast + 24.5 * HOUR, "dave", "198.51.100.20", true]);
  // 10 failures against erin with one gap of exactly 30 minutes: still one burst.
  for (let i = 0; i < 10; i++) {
    rows.push([T0 + i * MINUTE + (i >= 5 ? 30 * MINUTE - MINUTE : 0), "erin", "192.0.2.40", false]);
  }
  return rows;
}

Deno.test("findPasswordAttacks() defaults: 10 accounts × 3 tries is a spray, 10 failures a brute force, 9 are not", () => {
  const rows = findPasswordAttacks(frameOf(sightings()), { source: SOURCE }).toRecords();
  assert.deepEqual(
    rows.map((r) => [r.kind, r.source, r.account, r.failures, r.accounts]),
    [
      ["spray", "203.0.113.10", null, 30, 10],
      // Tied on failures and start: by source, ascending.
      ["bruteForce", "192.0.2.40", "erin", 10, 1],
      ["bruteForce", "198.51.100.20", "dave", 10, 1],
    ],
  );
});

Deno.test("findPasswordAttacks() default follow-up: a success 23.5 h after counts; one 24.5 h after, or before, does not", () => {
  const rows = findPasswordAttacks(frameOf(sightings()), { source: SOURCE }).toRecords();
  const dave = rows.find((r) => r.account === "dave")!;
  assert.equal(dave.successes, 1);
  assert.equal(dave.compromisedAccounts, "dave");
  assert.equal(
    (dave.firstSuccess as unknown as Date).toISOString(),
    new Date(T0 + 9 * MINUTE + 23.5 * HOUR).toISOString(),
  );
  // With a 30-minute gap allowed, the gap of exactly 30 minutes does not split erin's burst;
  // with 29 it does, and neither half is a brute force.
  const strict = findPasswordAttacks(frameOf(sightings()), { source: SOURCE, burstGapMinutes: 29 });
  assert.deepEqual(strict.toRecords().map((r) => r.account), [null, "dave"]);
});

Deno.test("findPasswordAttacks() rejects a misspelt or mistyped option, and declares its options for .doc", () => {
  const frame = frameOf(sightings());
  assert.throws(
    () => findPasswordAttacks(frame, { source: SOURCE, minAcounts: 5 } as never),
    (e: unknown) => e instanceof OptionError && /Did you mean `minAccounts`/.test(e.message),
  );
  assert.throws(
    () => findPasswordAttacks(frame, { source: SOURCE, maxAttemptsPerAccount: "3" } as never),
    (e: unknown) =>
      e instanceof OptionError &&
      e.message ===
        'findPasswordAttacks: option `maxAttemptsPerAccount` must be a number, not the string "3".',
  );
  // Every numeric option takes a number.
  const numbers = {
    minAccounts: 10,
    maxAttemptsPerAccount: 3,
    minFailures: 10,
    burstGapMinutes: 30,
    followUpHours: 24,
  };
  assert.equal(findPasswordAttacks(frame, { source: SOURCE, ...numbers }).height, 3);
  assert.deepEqual(Object.keys(optionSpecsOf("findPasswordAttacks") ?? {}).sort(), [
    "burstGapMinutes",
    "followUpHours",
    "maxAttemptsPerAccount",
    "minAccounts",
    "minFailures",
    "source",
  ]);
});
