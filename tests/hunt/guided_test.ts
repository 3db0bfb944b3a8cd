/**
 * Guided investigations measured on the demo case's two incidents: starting only from each
 * incident's first SecurityAlert row (no hand-written query), `investigateIncident` follows
 * what its findings name two hops. Stages (times, ATT&CK techniques), first alerts and
 * benign look-alikes are parsed from fixtures/demo-case/ANSWERS.md. The findings must be in
 * time order, cover the planted stages (every stage of the first incident), and involve no
 * look-alike. Precision and recall are printed (and reported in the README).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import {
  type Finding,
  investigateAlert,
  investigateIncident,
  type Investigation,
} from "../../src/hunt/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { exportReport, openSession } from "../../src/session/mod.ts";
import { REPO, runRepl, tempDir } from "../scenarios/_harness.ts";

const ANSWERS = await Deno.readTextFile(join(REPO, "fixtures", "demo-case", "ANSWERS.md"));
const WORKSPACE_END = new Date("2026-03-16T00:00:00Z"); // ANSWERS.md, "The case"
const [FIRST, SECOND = ""] = ANSWERS.split(/^## Second incident/m);

interface Stage {
  readonly n: string;
  readonly title: string;
  readonly start: Date;
  readonly end: Date;
  readonly techniques: readonly string[];
}

/** An incident's stages: "### N. Title", then "When: … Tables: … MITRE ATT&CK: …". */
function plantedStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const re = /^### (C?\d+)\. (.+)\n\nWhen: (.+?)\. Tables: .+?MITRE ATT&CK: ([T0-9., ]+)\./gm;
  for (const m of text.matchAll(re)) {
    const when = m[3];
    const times = [...when.matchAll(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g)].map((t) => new Date(t[0]));
    const open = /onwards/.test(when) || /^from /.test(when);
    stages.push({
      n: m[1],
      title: m[2],
      start: times[0],
      end: open ? WORKSPACE_END : times[times.length - 1],
      techniques: m[4].split(",").map((t) => t.trim()),
    });
  }
  return stages;
}

/** An incident's first alert: the earliest `Alert: "Name" from … at TIME` of its stages. */
function firstAlertName(text: string): string {
  const alerts = [...text.matchAll(/Alert: "([^"]+)" from .+? at (\S+Z)\./g)]
    .map((m) => ({ name: m[1], time: new Date(m[2]) }))
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  return alerts[0].name;
}

const root = (t: string) => t.split(".")[0];
const TOLERANCE = 15 * 60 * 1000;
const SAME_MOMENT = 5 * 60 * 1000;

/**
 * A finding is a stage's when their spans overlap (15 min either side) and they share an
 * ATT&CK technique (same root: T1110 and T1110.003), or when the finding starts within five
 * minutes of the stage's first or last moment (the stage's event, whatever its label).
 */
function matches(f: Finding, s: Stage): boolean {
  const overlap = f.time.getTime() <= s.end.getTime() + TOLERANCE &&
    s.start.getTime() <= f.end.getTime() + TOLERANCE;
  const technique = f.techniques.some((t) => s.techniques.some((u) => root(t) === root(u)));
  const moments = s.end === WORKSPACE_END ? [s.start] : [s.start, s.end];
  const moment = moments.some((t) => Math.abs(f.time.getTime() - t.getTime()) <= SAME_MOMENT);
  return (overlap && technique) || moment;
}

/** An incident's "Benign look-alikes": the names and addresses it lists, and its times. */
function lookAlikes(text: string, victim: string): { names: string[]; times: Date[] } {
  const section = text.split(/^##+ Benign look-alikes/m)[1].split(/\n## /)[0];
  const found = new Set<string>();
  for (const m of section.matchAll(/(?<![\w.-])[a-z]+\.[a-z]+\b(?![.\w])/g)) {
    if (!/\.(exe|zip|example|com)$/.test(m[0])) found.add(m[0]); // raj.patel, aisha.khan, ...
  }
  for (const m of section.matchAll(/\badm-[a-z]+\.[a-z]+\b|\bsvc-[a-z]+\b|\blks-sftp01\b/gi)) {
    found.add(m[0].toLowerCase());
  }
  for (const m of section.matchAll(/\bLKS-(?:JUMP01|BKP01|APP01|SQL01)\b/g)) {
    found.add(m[0].toLowerCase());
  }
  for (const m of section.matchAll(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g)) found.add(m[0]);
  // Not look-alikes themselves (their benign moments are checked by time): the victim, the
  // first intrusion's stolen admin, the office's address.
  for (const own of [victim, "adm-tom.harper", "192.0.2.10"]) found.delete(own);
  const times = [...section.matchAll(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g)].map((m) =>
    new Date(m[0])
  );
  return { names: [...found], times };
}

const provider = await openLocalProvider();
const alertNamed = async (name: string) =>
  (await provider.query(`SecurityAlert
| where AlertName == ${JSON.stringify(name)}
| order by TimeGenerated asc | take 1`)).frame;
const firstAlert = () => alertNamed(firstAlertName(FIRST));

interface Measure {
  readonly recall: number;
  readonly precision: number;
  readonly missed: readonly string[];
  readonly firstOf: readonly (Finding | undefined)[];
}

function measure(label: string, stages: readonly Stage[], result: Investigation): Measure {
  const findings = result.findings;
  // A stage's finding: of those matching it, the one starting closest to the stage.
  const firstOf = stages.map((s) =>
    findings.filter((f) => matches(f, s)).sort((a, b) =>
      Math.abs(a.time.getTime() - s.start.getTime()) -
      Math.abs(b.time.getTime() - s.start.getTime())
    )[0]
  );
  const missed = stages.filter((_, i) => !firstOf[i]).map((s) => `${s.n}. ${s.title}`);
  const recall = (stages.length - missed.length) / stages.length;
  const matched = findings.filter((f) => stages.some((s) => matches(f, s)));
  const precision = findings.length ? matched.length / findings.length : 0;
  console.log(
    `${label}: ${findings.length} findings, recall ${(recall * 100).toFixed(0)}% ` +
      `(${stages.length - missed.length}/${stages.length} stages), precision ${
        (precision * 100).toFixed(0)
      }% (${matched.length}/${findings.length})`,
  );
  for (const m of missed) console.log(`  missed: ${m}`);
  for (const f of findings.filter((f) => !matched.includes(f))) {
    console.log(`  not a planted stage: ${f.time.toISOString()} ${f.what.slice(0, 90)}`);
  }
  return { recall, precision, missed, firstOf };
}

function checkShape(
  stages: readonly Stage[],
  result: Investigation,
  firstOf: Measure["firstOf"],
  text: string,
  victim: string,
): void {
  const findings = result.findings;
  for (let i = 1; i < findings.length; i++) {
    assert.ok(findings[i - 1].time <= findings[i].time, "findings are in time order");
  }
  // Stages that start at distinct times are found in that order.
  for (let i = 1; i < stages.length; i++) {
    const [a, b] = [firstOf[i - 1], firstOf[i]];
    if (a && b && stages[i].start > stages[i - 1].start) {
      assert.ok(
        a.time <= b.time || matches(b, stages[i - 1]),
        `stage ${stages[i].n} found before stage ${stages[i - 1].n}`,
      );
    }
  }
  // Look-alikes: no investigated entity and no finding is one; no finding is a look-alike's moment.
  const { names, times } = lookAlikes(text, victim);
  const named = (s: string) => names.filter((l) => s.toLowerCase().includes(l));
  for (const f of findings) assert.deepEqual(named(f.entities.join(" ")), [], f.what);
  for (const e of result.entities.filter((e) => e.investigated)) {
    assert.deepEqual(named(e.value), [], `${e.value} investigated`);
  }
  for (const t of times) {
    const at = findings.filter((f) => Math.abs(f.time.getTime() - t.getTime()) <= 2 * 60_000);
    assert.deepEqual(at.map((f) => f.what), [], `a finding at look-alike time ${t.toISOString()}`);
  }
}

Deno.test({
  name:
    "investigateIncident from the first alert surfaces every planted stage, in time order, and no look-alike",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const stages = plantedStages(FIRST);
    assert.equal(stages.length, 14, "ANSWERS.md lists 14 stages for the first intrusion");
    const incident = await investigateIncident(provider, await firstAlert());
    const m = measure("first intrusion", stages, incident);
    assert.deepEqual(m.missed, [], "every planted stage is found");
    assert.equal(m.recall, 1);
    // The floor is what the investigation reaches today (26 of 31), less one finding of slack.
    // Of the 5 others, 2 are IT's own writes of Scripts\inventory.ps1 on LKS-FS01's IT$
    // share (5145 with WriteData, omar.hughes, 11 and 12 March): the share-write hunt is
    // right to show them, and an analyst sets them aside as the fleet's inventory task.
    assert.ok(m.precision >= 0.8, `precision ${m.precision} below the floor 0.8`);
    checkShape(stages, incident, m.firstOf, FIRST, ANSWER_KEY.victim.upn.split("@")[0]);
    // Nothing before the intrusion's first day is a finding (the victim's home RDP, the fleet's
    // encoded inventory task, the admin's helpdesk RDP of 9 March).
    assert.deepEqual(
      incident.findings.filter((f) => f.end < stages[0].start).map((f) => f.what),
      [],
    );
    // The answer key's people and places are among what it met.
    const values = incident.entities.map((e) => e.value.toLowerCase());
    for (
      const want of [
        ANSWER_KEY.victim.upn,
        "203.0.113.45",
        "lks-ws-1042",
        "lks-fs01",
        "adm-tom.harper",
      ]
    ) {
      assert.ok(values.includes(want.toLowerCase()), `${want} met`);
    }
  },
});

Deno.test({
  name:
    "investigateIncident on the second incident's first alert: the consent, the secret, the mining",
  sanitizeResources: false,
  sanitizeOps: false,
  ignore: SECOND === "",
  async fn() {
    const stages = plantedStages(SECOND);
    assert.equal(stages.length, 5, "ANSWERS.md lists 5 stages for the second incident");
    const victim = /^Victim: .+? \(([a-z.]+)@/m.exec(SECOND)![1];
    const incident = await investigateIncident(provider, await alertNamed(firstAlertName(SECOND)));
    const m = measure("second incident", stages, incident);
    assert.deepEqual(m.missed, [], "every planted stage is found");
    // The floor is what the investigation reaches today (5 of 5), less one finding of slack.
    assert.ok(m.precision >= 0.8, `precision ${m.precision} below the floor 0.8`);
    checkShape(stages, incident, m.firstOf, SECOND, victim);
    assert.ok(incident.entities.some((e) => e.value === `${victim}@larkspurlogistics.example`));
    // The OAuth app is followed like an account: by the id the alert and the consent name.
    const appId = /AppId ([0-9a-f-]{36})/.exec(SECOND)![1];
    assert.ok(
      incident.entities.some((e) => e.kind === "app" && e.value === appId && e.investigated),
    );
  },
});

Deno.test({
  name: "investigateAlert on a session: steps journaled, summary in the report, HTML bundle",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempDir();
    const session = await openSession("guided", { home, provider });
    const result = await investigateAlert(session, await firstAlert());
    // The alert's own entities only (hops 0): the spray and the legacy success are findings.
    assert.ok(result.findings.some((f) => f.techniques.includes("T1110.003")));
    assert.ok(result.findings.some((f) => f.sources.includes("identity.legacyAuthSuccesses")));
    assert.ok(result.entities.every((e) => e.hop <= 1));
    const names = session.steps().map((s) => s.record.name);
    assert.ok(names.includes("passwordSpraySourcesByIp"), names.join(", "));
    const summary = session.steps().at(-1)!;
    assert.equal(summary.mark, "finding");
    const report = join(home, "report.md");
    await exportReport(session, { path: report, format: "markdown" });
    const text = await Deno.readTextFile(report);
    assert.match(text, /Investigation of alert "Password Spray"/);
    assert.match(text, /daniel\.reyes@larkspurlogistics\.example/);
    const bundle = await (result as unknown as {
      [k: symbol]: () => Promise<Record<string, string>>;
    })[Symbol.for("Jupyter.display")]();
    assert.match(bundle["text/html"], /<table>[\s\S]*Credential Access[\s\S]*<\/table>/);
    assert.match(bundle["text/html"], /<svg/);
    await session.close();
  },
});

Deno.test({
  name: "REPL: investigateAlert on the first alert prints the victim and the attacker's address",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempDir();
    const input = [
      `%kql alerts = SecurityAlert | where AlertName == "Password Spray"`,
      "inv = await investigateAlert(session, alerts)",
      "inv",
      "await investigateHost(session, 42)",
      "",
    ].join("\n");
    const repl = await runRepl(home, "guided", input);
    assert.equal(repl.code, 0, repl.stderr);
    assert.match(repl.stdout, /Investigation of alert "Password Spray"/);
    assert.match(repl.stdout, /account daniel\.reyes@larkspurlogistics\.example\s+investigated/);
    assert.match(repl.stdout, /ip\s+203\.0\.113\.45\s+investigated/);
    assert.match(repl.stdout, /Credential Access/);
    // What the findings name is listed to pivot from next: the victim's workstation.
    assert.match(repl.stdout, /host\s+LKS-WS-1042\s+to pivot from/);
    // A mistake is a clear error, and the REPL goes on.
    assert.match(repl.stderr, /42 is not a host to investigate/);
  },
});

Deno.test("entity forms: a UPN matches DOMAIN\\name and mail addresses, a host its FQDN, an address with a port", async () => {
  const { cellTokens, entityRef, tokensInvolve } = await import(
    "../../src/hunt/_investigate_entities.ts"
  );
  const involves = (kind: "account" | "host" | "ip", value: string, cell: string) =>
    tokensInvolve(cellTokens(cell), entityRef(kind, value)!);
  const upn = ANSWER_KEY.victim.upn; // daniel.reyes@larkspurlogistics.example
  assert.ok(involves("account", upn, "LARKSPUR\\daniel.reyes"));
  assert.ok(involves("account", "LARKSPUR\\daniel.reyes", `Sent to ${upn}`));
  assert.ok(involves("account", "daniel.reyes", "daniel.reyes@other.example"));
  assert.ok(!involves("account", upn, "LARKSPUR\\daniel.reyes2"));
  assert.ok(involves("host", "LKS-WS-1042", "lks-ws-1042.corp.larkspurlogistics.example"));
  assert.ok(!involves("host", "LKS-WS-1042", "lks-ws-10420.corp.larkspurlogistics.example"));
  assert.ok(involves("ip", "203.0.113.45", "203.0.113.45:50412"));
  assert.ok(!involves("ip", "203.0.113.45", "203.0.113.451"));
  // Not entities: system principals, machine accounts, SIDs.
  assert.equal(entityRef("account", "SYSTEM"), undefined);
  assert.equal(entityRef("account", "LKS-WS-1042$"), undefined);
  assert.equal(entityRef("account", "S-1-5-18"), undefined);
});

Deno.test("investigate: mistakes are clear casefile errors", async () => {
  await assert.rejects(
    () => investigateAlert(provider, "no-such-alert-id"),
    /No SecurityAlert row has SystemAlertId "no-such-alert-id"/,
  );
  await assert.rejects(
    () => investigateIncident(provider, "no-such-alert-id", { hops: -1 }),
    /hops must be a whole number|No SecurityAlert row/,
  );
  const { investigateIp } = await import("../../src/hunt/mod.ts");
  await assert.rejects(() => investigateIp(provider, "not an address"), (e: Error) => {
    assert.equal(e.name, "HuntError");
    assert.match(e.message, /"not an address" is not an ip to investigate/);
    return true;
  });
});
