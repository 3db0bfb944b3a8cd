import assert from "node:assert/strict";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { pl } from "../../src/polars.ts";
import { logonSessions } from "../../src/analysis/logon_sessions.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { assertOrdered, reversed, sha, shuffled, tiesOn } from "../_order.ts";

Deno.test("logonSessions() stitches the attacker's RDP session with its logoff and processes", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query("SecurityEvent | where Computer startswith 'LKS-WS-1042'");
  const sessions = logonSessions(frame);
  const rdp = sessions.filter(pl.col("sourceIp").eq(pl.lit("203.0.113.45"))).toRecords();
  assert.equal(rdp.length, 1);
  const s = rdp[0];
  assert.equal(s.account, "LARKSPUR\\daniel.reyes");
  assert.equal(s.logonType, 10);
  // ANSWERS.md: RDP from 2026-03-12T01:47:13Z to 2026-03-12T03:31:05Z.
  assert.equal((s.start as unknown as Date).toISOString(), "2026-03-12T01:47:13.000Z");
  assert.equal((s.end as unknown as Date).toISOString(), "2026-03-12T03:31:05.000Z");
  assert.equal(s.endedBy, 4634);
  // Its processes, counted directly: 4688s on the host under its logon id, inside it.
  const id = s.logonId as string;
  const direct = frame.filter(
    pl.col("EventID").eq(4688)
      .and(
        pl.when(pl.col("TargetLogonId").neq(pl.lit("0x0"))).then(pl.col("TargetLogonId"))
          .otherwise(pl.col("SubjectLogonId")).eq(pl.lit(id)),
      )
      .and(pl.col("TimeGenerated").gtEq(pl.lit(s.start)))
      .and(pl.col("TimeGenerated").ltEq(pl.lit(s.end))),
  );
  assert.ok(direct.height > 0);
  assert.equal(s.processes, direct.height);
  const names = String(s.processNames).split(", ");
  for (const n of ["explorer.exe", "powershell.exe", "msedgeupdate.exe", "whoami.exe"]) {
    assert.ok(names.includes(n), n);
  }
  // Every 4624 is one session.
  assert.equal(sessions.height, frame.filter(pl.col("EventID").eq(4624)).height);
  assert.equal(
    logonSessions(frame, { logonTypes: [10] }).height,
    frame.filter(pl.col("EventID").eq(4624).and(pl.col("LogonType").eq(10))).height,
  );
});

Deno.test("logonSessions() says which columns it needs", () => {
  assert.throws(
    () => logonSessions(pl.DataFrame({ TimeGenerated: [1] })),
    (e: unknown) =>
      e instanceof AnalysisError && /TimeGenerated|EventID/.test(e.message) &&
      /4624/.test(e.hint ?? ""),
  );
});

/** SecurityEvent rows with ties everywhere: logons at one time, logoffs at one time, processes at one time. */
function tiedSecurityEvents() {
  const rows: Array<Record<string, unknown>> = [];
  const at = (hhmm: string) => new Date(`2024-05-01T${hhmm}:00Z`);
  const logon = (host: string, id: string, user: string, hhmm: string, type = 10) =>
    rows.push({
      TimeGenerated: at(hhmm),
      EventID: 4624,
      Computer: host,
      TargetLogonId: id,
      TargetUserName: user,
      TargetDomainName: "CORP",
      LogonType: type,
      IpAddress: "10.0.0.7",
      WorkstationName: "JUMP-1",
    });
  const logoff = (host: string, id: string, eventId: number, hhmm: string) =>
    rows.push({ TimeGenerated: at(hhmm), EventID: eventId, Computer: host, TargetLogonId: id });
  const process = (host: string, id: string, name: string, hhmm: string) =>
    rows.push({
      TimeGenerated: at(hhmm),
      EventID: 4688,
      Computer: host,
      TargetLogonId: "0x0",
      SubjectLogonId: id,
      NewProcessName: `C:\\Windows\\System32\\${name}`,
    });
  // Five logons at 09:00: two hosts, two ids, two accounts; two of them identical.
  logon("ws-2", "0x20", "zoe", "09:00");
  logon("ws-1", "0x20", "bob", "09:00");
  logon("ws-3", "0x30", "eve", "09:00");
  logon("ws-1", "0x10", "amy", "09:00");
  logon("ws-3", "0x30", "eve", "09:00");
  logon("ws-1", "0x10", "amy", "11:00", 2);
  // The user's logoff and the system's at the same second: the user's (4647) ends it.
  logoff("ws-1", "0x10", 4634, "10:00");
  logoff("ws-1", "0x10", 4647, "10:00");
  // Three processes at one time, then one later.
  for (const name of ["whoami.exe", "cmd.exe", "arp.exe"]) process("ws-1", "0x10", name, "09:05");
  process("ws-1", "0x10", "net.exe", "09:10");
  process("ws-3", "0x30", "rclone.exe", "09:30");
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
  ).withColumns(pl.col("TimeGenerated").cast(pl.Datetime("us")), pl.col("EventID").cast(pl.Int64));
}

Deno.test("logonSessions() orders sessions by start, ties by host, logon id, account and the rest", async () => {
  const events = tiedSecurityEvents();
  const sessions = logonSessions(events);
  const order = ["start", "host", "logonId", "account", "logonType", "sourceIp", "workstation"];
  assert.equal(sessions.height, 6);
  assert.ok(tiesOn(sessions, ["start"]) >= 4, "the data must tie on start");
  assertOrdered(sessions, order);
  // The two identical logons: only the last gets the processes.
  assertOrdered(sessions, [...order, "processes"], { strict: true });
  assert.deepEqual(
    sessions.select("host", "logonId", "account", "processes").toRecords().slice(0, 5),
    [
      { host: "ws-1", logonId: "0x10", account: "CORP\\amy", processes: 4 },
      { host: "ws-1", logonId: "0x20", account: "CORP\\bob", processes: 0 },
      { host: "ws-2", logonId: "0x20", account: "CORP\\zoe", processes: 0 },
      { host: "ws-3", logonId: "0x30", account: "CORP\\eve", processes: 0 },
      { host: "ws-3", logonId: "0x30", account: "CORP\\eve", processes: 1 },
    ],
  );
  const [amy] = sessions.toRecords();
  assert.equal(amy.endedBy, 4647);
  assert.equal(amy.processNames, "arp.exe, cmd.exe, whoami.exe, net.exe");
  const two = logonSessions(events, { maxProcessNames: 2 }).getColumn("processNames").get(0);
  assert.equal(two, "arp.exe, cmd.exe");

  const provider = await openLocalProvider();
  const { frame } = await provider.query("SecurityEvent | where Computer startswith 'LKS-WS-10'");
  for (const input of [events, frame]) {
    const hash = sha(logonSessions(input));
    assert.equal(sha(logonSessions(input)), hash, "a second run");
    assert.equal(sha(logonSessions(shuffled(input, 1))), hash, "shuffled");
    assert.equal(sha(logonSessions(reversed(input))), hash, "reversed");
  }
});
