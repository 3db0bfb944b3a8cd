/**
 * Process-tree navigation (`roots`, `descendants`, `ancestors`) and source detection, checked on
 * the demo case's attack chain as the answer key tells it (fixtures/demo-case/ANSWERS.md: the
 * RDP session's Explorer starts the PowerShell cradle at 01:52:08, the implant msedgeupdate.exe
 * runs discovery through cmd.exe at 02:03:15: `whoami /all`, `net group "domain admins"
 * /domain`, `nltest /dclist:`) and on Windows' own behaviour (an RDP logon runs winlogon.exe →
 * userinit.exe → explorer.exe; net.exe hands its work to net1.exe).
 */
import assert from "node:assert/strict";
import { buildProcessTree, detectProcessSchema } from "../../src/analysis/mod.ts";
import { openLocalProvider, pl } from "../../mod.ts";
import { SENTINEL_SCHEMAS } from "../../src/schema/sentinel.ts";

const provider = await openLocalProvider();
const { frame } = await provider.query(
  "SecurityEvent | where EventID == 4688 and Computer startswith 'LKS-WS-1042' " +
    "and TimeGenerated between (datetime(2026-03-12T01:00:00Z) .. 4h)",
);
const tree = buildProcessTree(frame);
const base = (v: unknown) => String(v).split("\\").pop()!.toLowerCase();
const names = (f: { getColumn(c: string): { toArray(): unknown[] } }) =>
  f.getColumn("processName").toArray().map(base);
const only = (predicate: ReturnType<typeof pl.col>) => {
  const keys = tree.keysWhere(predicate);
  assert.equal(keys.length, 1, `${keys.length} processes match`);
  return keys[0];
};
const implant = only(pl.col("processName").str.contains("msedgeupdate"));
const discovery = only(pl.col("commandLine").str.contains("whoami /all &"));

Deno.test("descendants(): the discovery shell's whole subtree, oldest first, and by levels", () => {
  assert.deepEqual(names(tree.descendants(discovery)), [
    "whoami.exe",
    "net.exe",
    "net1.exe",
    "nltest.exe",
  ]);
  assert.deepEqual(names(tree.descendants(discovery, { maxLevels: 1 })), [
    "whoami.exe",
    "net.exe",
    "nltest.exe",
  ]);
  assert.equal(tree.descendants(discovery, { maxLevels: 0 }).height, 0);
  const [whoami] = tree.keysWhere(pl.col("commandLine").str.contains("whoami  /all"));
  assert.equal(tree.descendants(whoami).height, 0, "a leaf has no descendants");
  // The implant's own children: discovery first (02:03:15), all on the implant's pid.
  const children = tree.descendants(implant, { maxLevels: 1 });
  assert.equal(children.getColumn("processKey").toArray()[0], discovery);
  assert.ok(children.height >= 1);
  const implantPid = tree.process(implant).getColumn("processId").toArray()[0];
  assert.ok(
    children.getColumn("parentProcessId").toArray().every((p) => Number(p) === Number(implantPid)),
  );
  // All levels: the discovery commands are among the implant's descendants.
  const all = names(tree.descendants(implant));
  for (const n of ["cmd.exe", "whoami.exe", "net.exe", "net1.exe", "nltest.exe"]) {
    assert.ok(all.includes(n), n);
  }
  assert.ok(!all.includes("msedgeupdate.exe") && !all.includes("powershell.exe"));
});

Deno.test("ancestors() and parent(): the implant came from the RDP session's PowerShell", () => {
  assert.deepEqual(names(tree.ancestors(implant)), [
    "winlogon.exe",
    "userinit.exe",
    "explorer.exe",
    "powershell.exe",
  ]);
  const parent = tree.parent(implant);
  assert.equal(base(parent.getColumn("processName").toArray()[0]), "powershell.exe");
  const started = parent.getColumn("time").toArray()[0] as unknown as Date;
  assert.equal(started.toISOString(), "2026-03-12T01:52:08.000Z");
});

Deno.test("roots(): one row per tree, at depth 0, covering every process exactly once", () => {
  const roots = tree.roots();
  const summary = tree.summary();
  assert.equal(roots.height, summary.roots);
  assert.ok(roots.height > 1, "several trees in four hours of a workstation");
  assert.ok(roots.getColumn("depth").toArray().every((d) => Number(d) === 0));
  assert.ok(roots.getColumn("parentKey").toArray().every((k) => k === null));
  // Every process lies in exactly one tree: the roots' subtrees add up to the forest.
  const covered = roots.getColumn("descendantCount").toArray()
    .reduce((n: number, d) => n + Number(d) + 1, 0);
  assert.equal(covered, summary.processes);
  assert.equal(summary.processes, tree.frame.height);
  // The attack's tree is rooted at the RDP session's winlogon.exe (not logged: inferred).
  const chainRoot = tree.ancestors(implant).getColumn("processKey").toArray()[0];
  const root = roots.filter(pl.col("processKey").eq(pl.lit(chainRoot)));
  assert.equal(root.height, 1);
  assert.equal(root.getColumn("isInferredParent").toArray()[0], true);
});

Deno.test("detectProcessSchema(): each source told from its table's columns", () => {
  const columns = (table: string) => SENTINEL_SCHEMAS[table].columns.map((c) => c.name);
  assert.equal(detectProcessSchema(columns("SecurityEvent")), "securityEvent");
  assert.equal(detectProcessSchema(columns("DeviceProcessEvents")), "deviceProcessEvents");
  assert.equal(detectProcessSchema(columns("Event")), "sysmon");
  assert.equal(detectProcessSchema(columns("SigninLogs")), undefined);
  assert.equal(detectProcessSchema(columns("DeviceNetworkEvents")), undefined);
  // Sysmon event 1 parsed into columns; auditd as parsed fields or the raw message.
  assert.equal(detectProcessSchema(["Image", "ParentProcessId", "ProcessId"]), "sysmon");
  assert.equal(detectProcessSchema(["Image", "ProcessId"]), undefined);
  assert.equal(detectProcessSchema(["pid", "ppid", "exe"]), "auditd");
  assert.equal(detectProcessSchema(["pid", "ppid"]), undefined);
  assert.equal(detectProcessSchema(["TimeGenerated", "AuditdMessage"]), "auditd");
  // 4688 needs all three of its columns; Defender's needs its initiating process.
  assert.equal(detectProcessSchema(["NewProcessId", "NewProcessName"]), undefined);
  assert.equal(detectProcessSchema(["ProcessId", "FileName"]), undefined);
  assert.equal(detectProcessSchema([]), undefined);
});
