/**
 * Building process trees (src/analysis/_process_build.ts): parents the log never saw are
 * inferred, and so are their own parents when Defender names them (InitiatingProcessParent*).
 * Expected values are written by hand from the rows, and from the demo case's answer key
 * (fixtures/demo-case/ANSWERS.md: the PowerShell cradle at 2026-03-12T01:52:08Z runs in the
 * RDP session's Explorer) with Windows' own behaviour (an interactive logon runs userinit.exe,
 * which starts explorer.exe). Found by `deno task mutate src/analysis/_process_build.ts`
 * (issue 23).
 */
import assert from "node:assert/strict";
import { buildProcessTree } from "../../src/analysis/mod.ts";
import { DATETIME, pl } from "../../src/polars.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

const t = (hhmm: string) => new Date(`2024-01-01T${hhmm}:00Z`);

/** Defender rows: `tool.exe` (pid 30) and `other.exe` (pid 31), both under unlogged pid 500. */
function defenderRows() {
  return pl.DataFrame({
    ActionType: ["ProcessCreated", "ProcessCreated"],
    DeviceName: ["h", "h"],
    ProcessId: [30, 31],
    InitiatingProcessId: [500, 500],
    FileName: ["tool.exe", "other.exe"],
    FolderPath: ["C:\\tool.exe", "C:\\other.exe"],
    InitiatingProcessFolderPath: ["C:\\Windows\\explorer.exe", "C:\\Windows\\explorer.exe"],
    ProcessCreationTime: [t("10:00"), t("10:05")],
    InitiatingProcessCreationTime: [t("09:00"), t("09:00")],
    InitiatingProcessParentId: [400, 400],
    InitiatingProcessParentFileName: ["userinit.exe", "userinit.exe"],
    InitiatingProcessParentCreationTime: [t("08:59"), t("08:59")],
  }).withColumns(
    pl.col("ProcessCreationTime").cast(DATETIME),
    pl.col("InitiatingProcessCreationTime").cast(DATETIME),
    pl.col("InitiatingProcessParentCreationTime").cast(DATETIME),
  );
}

const base = (v: unknown) => String(v).split("\\").pop()!.toLowerCase();

Deno.test("mutation/process build: an unlogged parent and grandparent are both inferred", () => {
  const tree = buildProcessTree(defenderRows(), { schema: "deviceProcessEvents" });
  const f = tree.frame;
  // By hand: userinit.exe (400) → explorer.exe (500) → tool.exe, other.exe; 2 inferred.
  assert.equal(f.height, 4);
  assert.deepEqual(f.getColumn("processName").toArray().map(base), [
    "userinit.exe",
    "explorer.exe",
    "tool.exe",
    "other.exe",
  ]);
  assert.deepEqual(f.getColumn("processId").toArray().map(Number), [400, 500, 30, 31]);
  assert.deepEqual(f.getColumn("isInferredParent").toArray(), [true, true, false, false]);
  assert.deepEqual(f.getColumn("depth").toArray(), [0, 1, 2, 2]);
  assert.deepEqual(f.getColumn("childCount").toArray(), [1, 2, 0, 0]);
  assert.deepEqual(f.getColumn("descendantCount").toArray(), [3, 2, 0, 0]);
  const roots = tree.roots();
  assert.equal(roots.height, 1);
  assert.equal(base(roots.getColumn("processName").get(0)), "userinit.exe");
  // The grandparent's creation time is the one Defender logged with the children.
  assert.equal(
    (f.getColumn("time").toArray()[0] as unknown as Date).toISOString(),
    "2024-01-01T08:59:00.000Z",
  );
});

Deno.test("mutation/process build: casefile repl shows the cradle under Explorer under userinit", async () => {
  const home = await tempFolder();
  const run = await runCasefile(["repl", "--home", home, "--session", "s"], {
    stdin: [
      'const { frame } = await provider.query("DeviceProcessEvents | where TimeGenerated == datetime(2026-03-12T01:52:08Z)")',
      "const tree = buildProcessTree(frame)",
      "console.log(tree.toText({ width: 160 }))",
    ].join("\n") + "\n",
    env: { XDG_CONFIG_HOME: await tempFolder() },
  });
  assert.equal(run.code, 0, run.stderr);
  // One logged process (the cradle) and its two unlogged ancestors.
  assert.match(run.stdout, /process tree: 3 processes \(2 inferred parents\), 1 roots, depth 3/);
  assert.match(
    run.stdout,
    /userinit\.exe \[\d+\] {2}\(inferred parent\)[^\n]*\n└─ explorer\.exe \[\d+\] {2}\(inferred parent\)[^\n]*\n\s+└─ powershell\.exe \[\d+\] {2}2026-03-12 01:52:08/,
  );
});
