import assert from "node:assert/strict";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { pl } from "../../src/polars.ts";
import { logonSessions } from "../../src/analysis/logon_sessions.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";

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
