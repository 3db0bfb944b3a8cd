/**
 * The REPL's small things, through the front door (piped input, and tmux for Ctrl-D):
 * `.tables` lists the outside data, `.mark` takes a step's name and keeps quotes, leaving
 * says how to resume (and that command works), `decode` unpacks short base64.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { openSession } from "../../src/session/session.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempDir } from "../_helpers.ts";
import { Terminal, tmuxAvailable } from "../_tmux.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** `casefile ARGS` with `stdin` piped in. */
function casefile(args: string[], stdin = "") {
  return runCasefile(args, { stdin });
}

/** The `deno task casefile ...` command printed on exit, as arguments (no shell quoting). */
function resumeArgs(stdout: string): string[] {
  const line = /resume it with:\n {2}deno task casefile (.*)\n/.exec(stdout)?.[1];
  ok(line, stdout);
  return line.split(" ");
}

Deno.test(".tables lists every table a query can use, the outside data marked", async () => {
  const home = await tempDir();
  const { code, stdout, stderr } = await casefile(
    ["repl", "--home", home, "--session", "t"],
    ".tables\n%kql staff = hr_employees | count\n",
  );
  assertEquals(code, 0, stderr);
  assertEquals(stderr, "");
  // ANSWERS.md, "Outside data": the three files in external/.
  const outside = [
    ["hr_employees", "external/hr_employees.csv"],
    ["high_value_assets", "external/high_value_assets.csv"],
    ["threat_intel_feed", "external/threat_intel_feed.json"],
  ];
  for (const [name, file] of outside) {
    const rows = name === "threat_intel_feed"
      ? JSON.parse(await Deno.readTextFile(join(REPO, "fixtures/demo-case", file))).objects.length
      : pl.readCSV(await Deno.readTextFile(join(REPO, "fixtures/demo-case", file))).height;
    match(stdout, new RegExp(`\\n${name}\\s+${rows}\\s+\\d+\\s+outside data: ${file}\\n`));
  }
  match(stdout, /\nSigninLogs\s+[\d,]+\s+\d+\s+SigninLogs\.parquet\n/);
  // A query can use them.
  match(stdout, /\(staff · step 1 · /);
  ok(!/SigninLogs.*outside data/.test(stdout), stdout);
});

Deno.test(".mark takes a step's name or number and keeps the note as typed", async () => {
  const home = await tempDir();
  const input = [
    '%kql rule = OfficeActivity | where Operation == "New-InboxRule" | take 3',
    "%kql beacons = DeviceNetworkEvents | take 2",
    "%kql beacons = DeviceNetworkEvents | take 3",
    '.mark 1 finding inbox rule "." forwards invoices to ap.remit.archive@securemail-relay.example',
    ".mark beacons dead-end  not the C2, it's 'backup'  ",
    ".mark beaconz finding x",
  ].join("\n") + "\n";
  const { code, stdout, stderr } = await casefile(
    ["repl", "--home", home, "--session", "marks"],
    input,
  );
  assertEquals(code, 0, stderr);
  match(stdout, /step 1 marked finding\n/);
  // The newest step named beacons (the name bound again names the newest).
  match(stdout, /step 3 marked dead-end\n/);
  match(stderr, /error: \.mark needs a step number or name: there is no step beaconz\./);
  match(stderr, /hint: .*beacons/);
  const session = await openSession("marks", { home });
  try {
    const steps = session.steps();
    assertEquals(steps.map((s) => [s.record.position, s.mark, s.note ?? ""]), [
      [
        1,
        "finding",
        'inbox rule "." forwards invoices to ap.remit.archive@securemail-relay.example',
      ],
      [2, "none", ""],
      [3, "dead-end", "not the C2, it's 'backup'"],
    ]);
  } finally {
    await session.close();
  }
});

Deno.test("leaving prints the session's name and a resume command that works", async () => {
  const home = await tempDir();
  const data = join(REPO, "fixtures/demo-case");
  const first = await casefile(
    ["--data", data, "--home", home, "--session", "case-x"],
    "const answer = 6 * 7\n.quit\nconst never = 1\n",
  );
  assertEquals(first.code, 0, first.stderr);
  match(first.stdout, /\nsession case-x saved; resume it with:\n/);
  const args = resumeArgs(first.stdout);
  assertEquals(args, ["repl", "--session", "case-x", "--data", data, "--home", home]);
  // The command, run: the variable is back, and the step after .quit never ran.
  const again = await casefile(args, '"answer=" + answer\n.history\n');
  assertEquals(again.code, 0, again.stderr);
  match(again.stdout, /"answer=42"/);
  match(again.stdout, /\n1\s+answer\s+code/);
  ok(!again.stdout.includes("never"), again.stdout);
  // The end of piped input leaves the same way.
  match(again.stdout, /\nsession case-x saved; resume it with:\n/);
});

Deno.test("decode() in the REPL unpacks short base64 of text, and leaves words alone", async () => {
  const home = await tempDir();
  const input = [
    'decode("aGVsbG8gd29ybGQ=").decoded',
    'decode("aGVsbG8gd29ybGQ=").status',
    'decode("Administrator").status',
  ].join("\n") + "\n";
  const { code, stdout, stderr } = await casefile(["repl", "--home", home], input);
  assertEquals(code, 0, stderr);
  // (Strings print raw or quoted, as the REPL's display shows them.)
  match(stdout, /^"?hello world"?\n"?decoded"?\n"?unchanged"?\n/);
});

Deno.test({
  name: "Ctrl-D in a terminal says which session was saved and how to resume it",
  ignore: !(await tmuxAvailable()),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempDir();
    const term = new Terminal({ joinWrapped: true });
    try {
      await term.start(["repl", "--home", home, "--session", "ctrl-d"]);
      await term.waitFor(/ctrl-d> ?$/);
      await term.press("C-d");
      const screen = await term.waitFor(/\[exited 0\]/);
      match(
        screen,
        new RegExp(
          `session ctrl-d saved; resume it with:\\n {2}deno task casefile repl --session ctrl-d --home ${home}\\n`,
        ),
      );
    } finally {
      await term.close();
    }
  },
});
