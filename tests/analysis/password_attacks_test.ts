import assert from "node:assert/strict";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { pl } from "../../src/polars.ts";
import { findPasswordAttacks } from "../../src/analysis/password_attacks.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { assertOrdered, reversed, sha, shuffled, tiesOn } from "../_order.ts";

Deno.test("findPasswordAttacks() finds the demo case's spray, its three sources and the account it broke", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query("SigninLogs");
  const rows = findPasswordAttacks(frame).toRecords();
  // Exactly the planted sources: the office's typos and george.hill's are not attacks.
  assert.deepEqual(rows.map((r) => r.kind), ["spray", "spray", "spray"]);
  assert.deepEqual(rows.map((r) => r.source).sort(), [...ANSWER_KEY.spray.ips].sort());
  // Each round tried every target once; the last round's last try succeeded.
  const byIp = Object.fromEntries(rows.map((r) => [r.source as string, r]));
  const targets = ANSWER_KEY.spray.targets;
  for (const ip of ANSWER_KEY.spray.ips) {
    const last = ip === ANSWER_KEY.spray.ips[2];
    assert.equal(byIp[ip].accounts, last ? targets - 1 : targets, ip);
    assert.equal(byIp[ip].failures, last ? targets - 1 : targets, ip);
  }
  const failures = rows.reduce((n, r) => n + Number(r.failures), 0);
  assert.equal(failures, ANSWER_KEY.spray.attempts - 1);
  const winner = byIp[ANSWER_KEY.spray.ips[2]];
  assert.equal(winner.compromisedAccounts, ANSWER_KEY.victim.upn);
  assert.equal(
    (winner.firstSuccess as unknown as Date).toISOString(),
    new Date(ANSWER_KEY.spray.end).toISOString(),
  );
  assert.equal(
    (rows[0].first as unknown as Date).toISOString(),
    new Date(ANSWER_KEY.spray.start).toISOString(),
  );
  for (const ip of ANSWER_KEY.spray.ips.slice(0, 2)) assert.equal(byIp[ip].successes, 0);
});

Deno.test("findPasswordAttacks() reads sshd's lines and tells brute force from a spray", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query("Syslog | where Computer == 'lks-sftp01'");
  const rows = findPasswordAttacks(frame);
  // Most SSH bursts try a short list of names many times each: brute force. A few short
  // ones try 15 names 3 times each, which is a spray's shape.
  const sprays = rows.filter(pl.col("kind").eq(pl.lit("spray"))).toRecords();
  assert.ok(sprays.length > 0, "the short bursts are found as sprays");
  assert.ok(sprays.every((r) => Number(r.failures) <= 3 * Number(r.accounts) && r.successes === 0));
  const forced = rows.filter(pl.col("kind").eq(pl.lit("bruteForce"))).toRecords();
  assert.ok(forced.length > sprays.length);
  assert.ok(forced.some((r) => r.account === "root"));
  // None of them got in.
  assert.ok(forced.every((r) => r.successes === 0));
  // Checked against a direct count: root's largest burst.
  const root =
    forced.filter((r) => r.account === "root").sort((a, b) =>
      Number(b.failures) - Number(a.failures)
    )[0];
  const direct = frame.filter(
    pl.col("SyslogMessage").str.contains("^Failed password for root from ").and(
      pl.col("TimeGenerated").gtEq(pl.lit(root.first)).and(
        pl.col("TimeGenerated").ltEq(pl.lit(root.last)),
      ),
    ),
  ).height;
  assert.equal(root.failures, direct);
});

Deno.test("findPasswordAttacks() reports a brute force that ends in a success", () => {
  const t0 = Date.UTC(2024, 0, 1, 10);
  const rows: Array<{ time: number; user: string; ip: string; ok: boolean }> = [];
  for (let i = 0; i < 25; i++) {
    rows.push({ time: t0 + i * 20_000, user: "alice", ip: "198.51.100.9", ok: false });
  }
  rows.push({ time: t0 + 25 * 20_000, user: "alice", ip: "198.51.100.9", ok: true });
  // alice's own typo and success from the office the day before: not part of it.
  rows.push({ time: t0 - 86_400_000, user: "alice", ip: "192.0.2.1", ok: false });
  rows.push({ time: t0 - 86_300_000, user: "alice", ip: "192.0.2.1", ok: true });
  const frame = pl.DataFrame({
    When: rows.map((r) => new Date(r.time).toISOString()),
    User: rows.map((r) => r.user),
    Ip: rows.map((r) => r.ip),
    Ok: rows.map((r) => r.ok),
  });
  const result = findPasswordAttacks(frame, {
    source: { time: "When", account: "User", source: "Ip", outcome: "Ok", successValues: [true] },
  }).toRecords();
  assert.equal(result.length, 1);
  assert.equal(result[0].kind, "bruteForce");
  assert.equal(result[0].account, "alice");
  assert.equal(result[0].failures, 25);
  assert.equal(result[0].successes, 1);
  assert.equal(result[0].compromisedAccounts, "alice");
});

Deno.test("findPasswordAttacks() reads 4625 failures and 4624 successes from SecurityEvent", () => {
  const n = 12;
  const frame = pl.DataFrame({
    TimeGenerated: Array.from(
      { length: n + 1 },
      (_, i) => new Date(Date.UTC(2024, 0, 1, 3, 0, i * 5)).toISOString(),
    ),
    EventID: [...new Array(n).fill(4625), 4624],
    TargetUserName: new Array(n + 1).fill("bob"),
    TargetDomainName: new Array(n + 1).fill("CORP"),
    IpAddress: new Array(n + 1).fill("203.0.113.77"),
    WorkstationName: new Array(n + 1).fill("-"),
  });
  const [row] = findPasswordAttacks(frame).toRecords();
  assert.equal(row.kind, "bruteForce");
  assert.equal(row.account, "corp\\bob");
  assert.equal(row.source, "203.0.113.77");
  assert.equal(row.failures, n);
  assert.equal(row.compromisedAccounts, "corp\\bob");
});

Deno.test("findPasswordAttacks() asks which table it was given", () => {
  assert.throws(
    () => findPasswordAttacks(pl.DataFrame({ x: [1] })),
    (e: unknown) => e instanceof AnalysisError && /signinLogs/.test(e.hint ?? ""),
  );
});

Deno.test("findPasswordAttacks() orders bursts by kind, failures and start, ties by source then account", () => {
  const t0 = Date.UTC(2024, 4, 1, 9);
  const rows: Array<[number, string, string, string]> = [];
  const fail = (minute: number, upn: string, ip: string) =>
    rows.push([t0 + minute * 60_000, upn, ip, "50126"]);
  const users = Array.from(
    { length: 15 },
    (_, i) => `user${String(i).padStart(2, "0")}@corp.example`,
  );
  // Three sprays at the very same minutes with the same accounts: tied on kind, failures and
  // start. One larger spray, one later spray.
  for (const ip of ["203.0.113.9", "203.0.113.1", "203.0.113.5"]) {
    users.slice(0, 12).forEach((u, i) => fail(i, u, ip));
  }
  users.forEach((u, i) => fail(i, u, "198.51.100.1"));
  users.slice(0, 12).forEach((u, i) => fail(600 + i, u, "198.51.100.2"));
  // Two brute-force bursts from one source at the same minutes: tied down to the source.
  for (const upn of ["zed@corp.example", "amy@corp.example"]) {
    for (let i = 0; i < 10; i++) fail(i, upn, "192.0.2.7");
  }
  rows.push([t0 + 30 * 60_000, users[5], "203.0.113.5", "0"]);
  const frame = pl.DataFrame({
    TimeGenerated: rows.map((r) => r[0] * 1000),
    UserPrincipalName: rows.map((r) => r[1]),
    IPAddress: rows.map((r) => r[2]),
    ResultType: rows.map((r) => r[3]),
  }).withColumn(pl.col("TimeGenerated").cast(pl.Datetime("us")));

  const result = findPasswordAttacks(frame);
  assert.equal(result.height, 7);
  const primary = [{ column: "kind", desc: true }, { column: "failures", desc: true }, "first"];
  assert.ok(tiesOn(result, primary) >= 3, "the data must tie on kind, failures and start");
  assertOrdered(result, [...primary, "source", "account"], { strict: true });
  assert.deepEqual(result.select("kind", "source", "account").toRecords(), [
    { kind: "spray", source: "198.51.100.1", account: null },
    { kind: "spray", source: "203.0.113.1", account: null },
    { kind: "spray", source: "203.0.113.5", account: null },
    { kind: "spray", source: "203.0.113.9", account: null },
    { kind: "spray", source: "198.51.100.2", account: null },
    { kind: "bruteForce", source: "192.0.2.7", account: "amy@corp.example" },
    { kind: "bruteForce", source: "192.0.2.7", account: "zed@corp.example" },
  ]);
  assert.equal(result.getColumn("compromisedAccounts").get(2), users[5]);
  const hash = sha(result);
  assert.equal(sha(findPasswordAttacks(frame)), hash, "a second run");
  for (const seed of [1, 2, 3]) {
    assert.equal(sha(findPasswordAttacks(shuffled(frame, seed))), hash, `shuffle ${seed}`);
  }
  assert.equal(sha(findPasswordAttacks(reversed(frame))), hash, "reversed");
});
