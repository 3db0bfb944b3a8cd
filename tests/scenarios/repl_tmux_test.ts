/**
 * Scenario B: an endpoint investigation of the demo case (the attacker's RDP logon, the
 * encoded PowerShell cradle, the implant's process tree, the LSASS dump, the new local
 * administrator, the move to the file server), typed into the REPL in a real terminal
 * through tmux (`fixtures/scenarios/endpoint.txt`: 39 steps; single lines are typed, a
 * query with `|` lines is pasted as a block, `<TAB:xyz>` presses Tab and waits for `xyz` to
 * be completed). Each input waits for the next prompt, polling the screen with a deadline,
 * never a fixed sleep. Then every export is checked as a person would use it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { pl } from "../../mod.ts";
import { Terminal } from "../_tmux.ts";
import {
  checkExports,
  checkFindings,
  column,
  hasTmux,
  isKept,
  readSession,
  REPO,
  type StepFacts,
  tempDir,
  transcript,
} from "./_harness.ts";

const TMUX = await hasTmux();

/** A transcript's inputs: a line, or a query followed by its `|` lines (pasted whole). */
function inputsOf(text: string): { text: string; pasted: boolean }[] {
  const inputs: { text: string; pasted: boolean }[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (/^\s*\|/.test(line) && inputs.length > 0) {
      const last = inputs[inputs.length - 1];
      last.text += `\n${line}`;
      last.pasted = true;
    } else inputs.push({ text: line, pasted: false });
  }
  return inputs;
}

const PROMPT = "endpoint> ";
const prompts = (screen: string) =>
  screen.split("\n").filter((l) => l.startsWith(PROMPT) || l === PROMPT.trimEnd()).length;
const atPrompt = (screen: string) => screen.endsWith(`\n${PROMPT.trimEnd()}`);

/** Types (or pastes) one input and waits for the REPL to be back at its prompt. */
async function enter(term: Terminal, input: { text: string; pasted: boolean }): Promise<void> {
  const before = prompts(await term.screen());
  if (input.pasted) {
    await term.paste(`${input.text}\n`);
  } else {
    // `<TAB:rest>`: type what comes before, press Tab, wait for `rest` to be completed.
    const parts = input.text.split(/<TAB:([^>]*)>/);
    let typed = "";
    for (let i = 0; i < parts.length; i += 2) {
      typed += parts[i];
      await term.type(parts[i]);
      if (i + 1 < parts.length) {
        typed += parts[i + 1];
        await term.press("Tab");
        const wanted = typed;
        await term.waitUntil(
          `Tab to complete "${wanted.slice(-30)}"`,
          (s) => s.endsWith(wanted),
          15_000,
        );
      }
    }
    await term.press("Enter");
  }
  const first = input.text.split("\n")[0].slice(0, 80);
  await term.waitUntil(
    `the prompt after "${first}"`,
    (s) => prompts(s) > before && atPrompt(s),
    120_000,
  );
}

Deno.test({
  name:
    "scenario B: an endpoint investigation typed in a terminal (tmux) replays from every export",
  ignore: !TMUX,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const out = await tempDir();
    const home = join(out, "home");
    await Deno.mkdir(home);
    const term = new Terminal({ scrollback: 200_000, joinWrapped: true });
    let screen = "";
    try {
      await term.start(["repl", "--session", "endpoint", "--home", home]);
      await term.waitUntil("the first prompt", atPrompt, 60_000);
      for (const input of inputsOf(await transcript("endpoint.txt", out))) {
        await enter(term, input);
      }
      screen = await term.screen();
      await term.press("C-d");
      await term.waitUntil("the REPL to exit", (s) => s.includes("[exited 0]"), 30_000);
    } finally {
      await term.close();
    }
    // What the analyst saw on the screen: the typo's error and the steps' results.
    assert.match(
      screen,
      /\nendpoint> cradleIoc\.filter[^\n]*\nerror: cradleIoc is not defined\. Did you mean 'cradleIocs'\?\n/,
    );
    assert.match(screen, /\(hashes · step 32 · \d+ ms · cache miss\)/);
    assert.match(screen, /endpoint> %kql hashes = DeviceProcessEvents \| where FileName/);
    assert.match(screen, /\(logons · step 38 · /);
    assert.match(screen, /\nstep 38 logons: \d+ rows[^\n]*\nstep 39 hosts\b/);
    assert.match(screen, /procdump64\.exe -accepteula -ma lsass\.exe/);
    for (const kind of ["script", "notebook", "report", "bundle"]) {
      assert.match(screen, new RegExp(`${kind} written to `));
    }

    const original = await readSession("endpoint", home);
    assert.equal(original.length, 39);
    assert.ok(original.filter(isKept).length >= 30, "30+ kept steps");
    assert.deepEqual(original.filter((s) => s.status !== "ok").map((s) => s.position), [13]);
    assert.deepEqual(original.filter((s) => s.mark === "dead-end").map((s) => s.position), [26]);
    assert.deepEqual(
      original.filter((s) => s.mark === "finding").map((s) => s.position),
      [2, 5, 9, 10, 19, 21, 22, 23, 24, 29, 33, 35, 39],
    );
    // The pasted queries (Sentinel style, `|` lines) are one step each.
    assert.equal(original[5].name, "encoded");
    assert.match(original[5].code, /\n\| project TimeGenerated, DeviceName/);
    assert.match(original[37].code, /TargetUserName == "daniel\.reyes"/, "re-run with account=");

    await checkExports(t, out, "endpoint", original, checkEndpointReport);
  },
});

const iso = (time: string) => time.replace(".000Z", "Z");

/** What each finding of the endpoint scenario must show, from the answer key. */
function checkEndpointReport(dom: string, original: readonly StepFacts[]): void {
  const sections = checkFindings(dom, original);
  const section = (n: number) => sections.get(n)!;
  const { rdp, encodedPowerShell, implant, discovery, lsassDump, localAdmin, lateralMovement } =
    ANSWER_KEY;

  // 2: the RDP logon from the attacker's address.
  const logon = section(2);
  assert.deepEqual(column(logon, "IpAddress"), [rdp.ip]);
  assert.deepEqual(column(logon, "TimeGenerated"), [iso(rdp.time)]);
  assert.ok(column(logon, "Computer")[0].startsWith(rdp.host));

  // 5: logonSessions: the session from the RDP logon to its logoff.
  const session = section(5);
  assert.deepEqual(column(session, "start"), [iso(rdp.time)]);
  assert.deepEqual(column(session, "end"), [iso(rdp.logoff)]);

  // 9: decodeFrame: the encoded runs from explorer.exe, the attacker's among them.
  const cradle = section(9);
  const times = column(cradle, "TimeGenerated");
  const row = times.indexOf(iso(encodedPowerShell.time));
  assert.ok(row >= 0, `the cradle's run at ${encodedPowerShell.time} in ${times.join(", ")}`);
  assert.ok(column(cradle, "DeviceName")[row].startsWith(encodedPowerShell.host.toLowerCase()));
  assert.equal(column(cradle, "ProcessCommandLine_layers")[row], "powershell-encoded");

  // 10: decode(): the download cradle itself.
  assert.ok(section(10).value?.includes(encodedPowerShell.decoded), section(10).value);

  // 19: the tree around the dump, printed: procdump64.exe under an elevated cmd.exe.
  const printed = section(19).printed ?? "";
  assert.ok(printed.includes(lsassDump.commandLine), printed);
  assert.match(printed, /cmd\.exe[^\n]*\n\s*└─ procdump64\.exe/);

  // 21: the implant's tree as the step's value: the discovery commands below it.
  const tree = section(21).value ?? "";
  assert.ok(tree.includes(`"${implant.path}"`), tree);
  const below = tree.slice(tree.indexOf(implant.fileName));
  for (const command of discovery.commands) {
    const [exe, ...args] = command.split(" ");
    assert.match(
      below,
      new RegExp(`${exe}\\.exe \\[\\d+\\][^\\n]*${args.join(" ").replace(/\W/g, ".")}`),
    );
  }

  // 22: the tree chart made in code, drawn inline, with the implant in it.
  assert.match(section(22).svgText, /Processes under the cradle on LKS-WS-1042/);
  assert.ok(section(22).svgText.includes(implant.fileName), "the implant is drawn");

  // 23: the discovery commands.
  assert.deepEqual(column(section(23), "ProcessCommandLine"), discovery.commands);

  // 24: svc-helpdesk created and added to the administrators.
  const admin = section(24);
  assert.deepEqual(column(admin, "EventID"), ["4720", "4732"]);
  assert.deepEqual(column(admin, "TimeGenerated").map((t) => t.slice(0, 19)), [
    localAdmin.createdAt.slice(0, 19),
    localAdmin.addedAt.slice(0, 19),
  ]);
  assert.ok(admin.text.includes(localAdmin.account));

  // 29: the network logon on the file server, and the service it installed.
  const lateral = section(29);
  assert.deepEqual(column(lateral, "TargetUserName"), [lateralMovement.account]);
  assert.deepEqual(column(lateral, "IpAddress"), [lateralMovement.fromIp]);
  assert.deepEqual(column(lateral, "ServiceName"), [lateralMovement.serviceName]);
  assert.deepEqual(column(lateral, "ServiceFileName"), [lateralMovement.serviceFile]);
  assert.ok(column(lateral, "Computer")[0].startsWith(lateralMovement.to));

  // 33: the STIX feed knows the implant's hash, not the service binary's.
  const hits = section(33);
  const verdicts = Object.fromEntries(
    column(hits, "indicator").map((h, i) => [h, column(hits, "verdict")[i]]),
  );
  assert.deepEqual(verdicts, {
    [implant.sha256]: "malicious",
    [lateralMovement.serviceSha256]: "unknown",
  });

  // 35: the KQL `render` chart, drawn inline.
  assert.match(section(35).svgText, /Processes started per half hour on the workstation/);

  // 39: after `.rerun 38 account=daniel.reyes`: hosts per logon type, counted here with
  // Polars over the raw table (not with the KQL engine).
  const events = pl.readParquet(join(REPO, "fixtures/demo-case/SecurityEvent.parquet"))
    .filter(pl.col("EventID").eq(4624).and(pl.col("TargetUserName").eq(pl.lit("daniel.reyes"))));
  const perType = events.groupBy("LogonType").agg(pl.col("Computer").nUnique().alias("hosts"));
  const hosts = (perType.getColumn("hosts").toArray() as number[]).reduce((a, b) => a + b, 0);
  assert.equal(section(39).value, String(hosts));
}
