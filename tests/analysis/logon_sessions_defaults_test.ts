/**
 * logonSessions()'s documented defaults and its checks, on hand-made SecurityEvent rows: at
 * most 20 process names per session (oldest first), every required column named when
 * missing, options checked with the function's name. Expected values are counted by hand.
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { logonSessions } from "../../src/analysis/logon_sessions.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { OptionError, optionSpecsOf } from "../../src/options.ts";

/** One RDP logon on ws-9 (0x99), 21 processes a minute apart (p00.exe…p20.exe), a logoff. */
function busySession() {
  const at = (minute: number) => new Date(Date.UTC(2024, 4, 2, 9, minute));
  const names = Array.from({ length: 21 }, (_, i) => `p${String(i).padStart(2, "0")}.exe`);
  const rows = [
    { t: at(0), id: 4624, name: null },
    ...names.map((name, i) => ({ t: at(1 + i), id: 4688, name: `C:\\Tools\\${name}` })),
    { t: at(30), id: 4634, name: null },
  ];
  return pl.DataFrame({
    TimeGenerated: rows.map((r) => r.t),
    EventID: rows.map((r) => r.id),
    Computer: rows.map(() => "ws-9"),
    TargetLogonId: rows.map(() => "0x99"),
    TargetUserName: rows.map(() => "kim"),
    LogonType: rows.map(() => 10),
    NewProcessName: rows.map((r) => r.name),
  }).withColumns(pl.col("TimeGenerated").cast(pl.Datetime("us")), pl.col("EventID").cast(pl.Int64));
}

Deno.test("logonSessions() lists at most 20 process names by default, the oldest first, and counts all", () => {
  const [session] = logonSessions(busySession()).toRecords();
  assert.equal(session.processes, 21);
  const names = Array.from({ length: 20 }, (_, i) => `p${String(i).padStart(2, "0")}.exe`);
  assert.equal(session.processNames, names.join(", "));
  assert.equal(session.durationMinutes, 30);
  assert.equal(session.account, "kim");
  const [two] = logonSessions(busySession(), { maxProcessNames: 2 }).toRecords();
  assert.equal(two.processNames, "p00.exe, p01.exe");
});

Deno.test("logonSessions() names each required column that is missing", () => {
  for (
    const missing of ["TimeGenerated", "EventID", "Computer", "TargetLogonId", "TargetUserName"]
  ) {
    assert.throws(
      () => logonSessions(busySession().drop(missing)),
      (e: unknown) => e instanceof AnalysisError && e.message.includes(missing),
      missing,
    );
  }
});

Deno.test("logonSessions() checks its options under its own name, and declares them for .doc", () => {
  assert.throws(
    () => logonSessions(busySession(), { logonType: [10] } as never),
    (e: unknown) =>
      e instanceof OptionError && /^logonSessions: unknown option `logonType`/.test(e.message) &&
      /Did you mean `logonTypes`/.test(e.message),
  );
  assert.deepEqual(Object.keys(optionSpecsOf("logonSessions") ?? {}).sort(), [
    "logonTypes",
    "maxProcessNames",
  ]);
});
