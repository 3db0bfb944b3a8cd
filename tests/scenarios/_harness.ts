/**
 * Shared machinery of the end-to-end scenario tests (issue 14, item 7): an investigation
 * of the demo case is driven through a real front door (the REPL piped or in tmux, a
 * `deno run` script, a notebook in the Deno kernel), exported as a script, a notebook, a
 * report and a bundle, and each export is checked the way a person would use it:
 *
 * - the script is executed as its first line says, from another folder, with a fresh home;
 * - the notebook is executed by nbconvert through the casefile kernel;
 * - the bundle is imported into another home and verified;
 * - the report is rendered by headless Chromium.
 *
 * Every kept step (ran without error, not a dead end) must come back with the kind and
 * SHA-256 of result it had. The helpers here never recompute what the code under test
 * computes: they read journals, run processes and look at what they printed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  exportReport,
  importBundle,
  openSession,
  type Session,
  type Step,
  verifySession,
} from "../../mod.ts";
import { writeCasefileKernel } from "../../src/jupyter/kernel_spec.ts";
import { tempDir as sharedTempDir } from "../_helpers.ts";

/** The casefile checkout, without a trailing slash. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
/** Under CI a missing tool fails the test instead of skipping it. */
export const CI = Deno.env.get("CI") === "true";
export const PYTHON = "/usr/bin/python3";
export const CHROMIUM = "/usr/bin/chromium";

const decoder = new TextDecoder();

/**
 * A fresh temporary folder (short paths: they end up in commands and messages), removed
 * when the test module ends (see tests/_helpers.ts).
 */
export function tempDir(prefix = "cf-scn-"): Promise<string> {
  return sharedTempDir(prefix);
}

/**
 * The whole environment a child process runs in: this one's without casefile's own
 * settings (`CASEFILE_*`: each check gives the ones it means), plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([name]) => !name.startsWith("CASEFILE_")),
  );
  // The script's first line finds `deno` on PATH: the one running the tests comes first.
  const path = `${dirname(Deno.execPath())}:${env.PATH ?? "/usr/bin:/bin"}`;
  return { ...env, NO_COLOR: "1", PATH: path, ...extra };
}

/**
 * Whether a tool the scenarios drive is installed. Under CI a missing tool throws (the
 * test must fail, not skip); elsewhere the test is skipped with a warning.
 */
export async function toolAvailable(
  name: string,
  command: string,
  args: string[],
  install: string,
): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, {
      args,
      stdout: "null",
      stderr: "null",
    }).output();
    if (success) return true;
  } catch {
    // Not installed.
  }
  if (CI) throw new Error(`${name} is missing under CI: ${install}`);
  console.warn(`tests/scenarios: ${name} is not installed; its checks are skipped`);
  return false;
}

export const hasNbconvert = () =>
  toolAvailable(
    "jupyter-nbconvert",
    PYTHON,
    ["-c", "import nbconvert, nbclient"],
    ".ci/run installs jupyter-nbconvert and python3-nbclient",
  );
export const hasChromium = () =>
  toolAvailable("chromium", CHROMIUM, ["--version"], ".ci/run installs chromium");
export const hasTmux = () =>
  toolAvailable("tmux", "tmux", ["-V"], ".ci/run installs tmux (packages=(... tmux))");

/** What a child process gave. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end, feeding it `stdin`. */
export async function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<Ran> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: childEnv(options.env),
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** The casefile REPL with piped standard input, as `deno task repl` starts it. */
export function runRepl(home: string, session: string, input: string): Promise<Ran> {
  return run(
    Deno.execPath(),
    ["run", "-A", "repl/main.ts", "repl", "--session", session, "--home", home],
    { cwd: REPO, stdin: input },
  );
}

/** A transcript from `fixtures/scenarios/`, with `$OUT` replaced by `out`. */
export async function transcript(name: string, out: string): Promise<string> {
  const text = await Deno.readTextFile(join(REPO, "fixtures", "scenarios", name));
  return text.replaceAll("$OUT", out);
}

// ---- what a session holds ------------------------------------------------------------

/** One step as the checks compare it. */
export interface StepFacts {
  readonly position: number;
  readonly name: string;
  /** `query`, `code` or `value`. */
  readonly kind: string;
  readonly status: string;
  readonly mark: string;
  readonly note?: string;
  /** The result's kind: `frame`, `series`, `json`, `other`. */
  readonly result?: string;
  readonly sha256?: string;
  readonly rows?: number;
  /** For a replayed step: the original's position and the outcome. */
  readonly check?: { readonly position: number; readonly outcome: string };
  readonly output?: string;
  readonly chart?: string;
  readonly volatile?: string;
  readonly code: string;
}

/** Every step of an open session, as facts. */
export function stepFacts(session: Session): StepFacts[] {
  return session.steps().map(facts);
}

/** One step as facts. */
function facts(s: Step): StepFacts {
  const r = s.record;
  const result = r.result;
  return {
    position: r.position,
    name: r.name,
    kind: r.kind,
    status: r.status,
    mark: s.mark,
    note: s.note,
    result: result?.kind,
    sha256: result && "sha256" in result ? result.sha256 : undefined,
    rows: result && (result.kind === "frame" || result.kind === "series") ? result.rows : undefined,
    check: r.check ? { position: r.check.position, outcome: r.check.outcome } : undefined,
    output: r.output,
    chart: r.chart?.kind,
    volatile: r.volatile,
    code: r.code,
  };
}

/** Whether a step is part of the chain (ran well, not a dead end). */
export const isKept = (s: StepFacts) => s.status === "ok" && s.mark !== "dead-end";

/** Opens a session under `home`, reads its steps, and closes it. */
export async function readSession(name: string, home: string): Promise<StepFacts[]> {
  const session = await openSession(name, { home });
  try {
    return stepFacts(session);
  } finally {
    await session.close();
  }
}

/** Lines telling what differs between the original's kept steps and another session's steps. */
function differences(
  original: readonly StepFacts[],
  other: readonly StepFacts[],
  options: { checked: boolean },
): string[] {
  const kept = original.filter(isKept);
  const problems: string[] = [];
  if (other.length !== kept.length) {
    problems.push(
      `${other.length} steps, expected ${kept.length} (${kept.map((s) => s.position).join(",")})`,
    );
  }
  for (let i = 0; i < Math.max(kept.length, other.length); i++) {
    const want = kept[i];
    const got = other[i];
    if (!want || !got) {
      problems.push(
        `#${i + 1}: ${want ? `${want.position} ${want.name}` : "-"} vs ${
          got ? `${got.position} ${got.name} (${got.status})` : "missing"
        }`,
      );
      continue;
    }
    const where = `step ${want.position} (${want.name})`;
    if (got.name !== want.name) problems.push(`${where}: named ${got.name}`);
    if (got.status !== "ok") problems.push(`${where}: ${got.status}`);
    if (got.result !== want.result) {
      problems.push(`${where}: result kind ${got.result}, expected ${want.result}`);
    }
    if (got.sha256 !== want.sha256) {
      problems.push(`${where}: sha256 ${got.sha256}, expected ${want.sha256}`);
    }
    if (options.checked) {
      if (got.check?.position !== want.position) {
        problems.push(`${where}: check.position ${got.check?.position}`);
      }
      if (got.check?.outcome !== "equal" && !(got.check?.outcome === "volatile" && want.volatile)) {
        problems.push(`${where}: check.outcome ${got.check?.outcome}`);
      }
    }
  }
  return problems;
}

/**
 * Asserts that `other` (a replay's, a notebook's steps) are the original's kept steps, in
 * order, with the same result kinds and SHA-256s.
 */
export function assertSameSteps(
  original: readonly StepFacts[],
  other: readonly StepFacts[],
  what: string,
  options: { checked?: boolean } = {},
): void {
  const problems = differences(original, other, { checked: options.checked ?? false });
  assert.deepEqual(
    problems,
    [],
    `${what} differs from the original session:\n${problems.join("\n")}`,
  );
}

// ---- the four exports -----------------------------------------------------------------

/** The `deno run` command of a script's first line. */
export function shebangOf(script: string): string {
  const first = script.split("\n")[0];
  assert.match(first, /^#!\/usr\/bin\/env -S deno run /, "the script starts with its #! line");
  return first;
}

/**
 * Runs an exported script as a person would: executed directly (its #! line), from a fresh
 * folder, with `CASEFILE_DIR` and a fresh `CASEFILE_HOME`; the replay's session is named
 * `session`. Returns what it printed and the replay's steps.
 */
export async function replayScript(
  script: string,
  options: {
    session: string;
    args?: string[];
    env?: Record<string, string>;
    home?: string;
  },
): Promise<Ran & { home: string; steps?: StepFacts[] }> {
  const home = options.home ?? await tempDir("cf-home-");
  const cwd = await tempDir("cf-cwd-");
  const ran = await run(script, ["--session", options.session, ...(options.args ?? [])], {
    cwd,
    env: { CASEFILE_DIR: REPO, CASEFILE_HOME: home, ...options.env },
  });
  let steps: StepFacts[] | undefined;
  try {
    await Deno.stat(join(home, "sessions", options.session, "journal.jsonl"));
    steps = await readSession(options.session, home);
  } catch {
    // No replay session (it failed before opening one).
  }
  return { ...ran, home, steps };
}

/** The last line of a replay's report: `N steps replayed: N equal[, M volatile]`. */
export function replaySummary(stdout: string): { total: number; equal: number; rest: string } {
  const last = stdout.trimEnd().split("\n").at(-1) ?? "";
  const m = /^(\d+) steps? replayed: (\d+) equal(.*)$/.exec(last);
  assert.ok(m, `a last line "N steps replayed: ...", not "${last}"`);
  return { total: Number(m[1]), equal: Number(m[2]), rest: m[3] };
}

/**
 * The whole script check: it runs from another folder as its first line says, exits 0,
 * says every kept step replayed equal, its session holds the original's kept steps with
 * equal hashes, and `deno check` accepts it.
 */
export async function checkScript(
  path: string,
  original: readonly StepFacts[],
  options: { env?: Record<string, string>; typeCheck?: boolean } = {},
): Promise<Ran> {
  const text = await Deno.readTextFile(path);
  const first = shebangOf(text);
  assert.match(first, /--config=\$\{CASEFILE_DIR\}\/deno\.json /);
  assert.ok(!/ (-A|--allow-all)\b/.test(first), `least privilege: ${first}`);
  assert.ok(!text.includes(REPO), "the script holds no path of this checkout");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o700);
  // `deno check` runs beside the replay; both are reported.
  const typeCheck = (options.typeCheck ?? true)
    ? tempDir("cf-cwd-").then((cwd) =>
      run(Deno.execPath(), ["check", `--config=${REPO}/deno.json`, path], { cwd })
    )
    : undefined;
  const kept = original.filter(isKept);
  const replay = await replayScript(path, { session: "replayed", env: options.env });
  const checked = await typeCheck;
  const typeErrors = checked && checked.code !== 0 ? `\ndeno check failed:\n${checked.stderr}` : "";
  if (replay.code !== 0) {
    // Say everything that breaks, not only the first step.
    const all = await replayScript(path, {
      session: "keep-going",
      env: options.env,
      args: ["--keep-going"],
    });
    assert.fail(
      `the replay exited with ${replay.code}:\n${replay.stderr}\n` +
        `with --keep-going:\n${
          all.stdout.split("\n").filter((l) => !/ equal /.test(l)).join("\n")
        }\n${all.stderr}${typeErrors}`,
    );
  }
  const summary = replaySummary(replay.stdout);
  assert.equal(summary.total, kept.length, replay.stdout);
  assert.match(summary.rest, /^(, \d+ volatile)?$/, replay.stdout);
  assert.ok(replay.steps, "the replay's session is kept");
  assertSameSteps(original, replay.steps, "the script's replay", { checked: true });
  assert.equal(typeErrors, "", typeErrors);
  return replay;
}

/** A notebook's code cell, after nbconvert executed it. */
export interface ExecutedCell {
  readonly source: string;
  readonly outputs: readonly {
    output_type: string;
    text?: string | string[];
    data?: Record<string, unknown>;
    ename?: string;
    evalue?: string;
  }[];
}

/** Text of a notebook field (a string or a list of lines). */
export const joined = (value: unknown) =>
  Array.isArray(value) ? value.join("") : String(value ?? "");

/** What nbconvert said on its last run (for a failure message when a cell's outputs are odd). */
export let lastNbconvertLog = "";

/**
 * Executes a notebook with nbconvert through the casefile kernel (its spec written into a
 * temporary Jupyter path), with `CASEFILE_HOME` = `home`. Asserts that no cell errs.
 */
export async function executeNotebook(
  notebook: string,
  home: string,
  env: Record<string, string> = {},
): Promise<ExecutedCell[]> {
  const dir = await tempDir("cf-jup-");
  await writeCasefileKernel(dir);
  const ran = await run(PYTHON, [
    "-m",
    "nbconvert",
    "--to",
    "notebook",
    "--execute",
    notebook,
    "--output-dir",
    dir,
    "--output",
    "executed",
    "--ExecutePreprocessor.kernel_name=casefile",
    "--ExecutePreprocessor.timeout=600",
    // nbclient waits 4 s by default for a cell's outputs after the kernel's reply, then drops
    // them silently; on a loaded machine the kernel can take longer to publish them.
    "--ExecutePreprocessor.iopub_timeout=120",
  ], {
    env: {
      JUPYTER_PATH: dir,
      JUPYTER_DATA_DIR: join(dir, "data"),
      JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
      JUPYTER_CONFIG_DIR: join(dir, "config"),
      CASEFILE_HOME: home,
      ...env,
    },
  });
  assert.equal(ran.code, 0, `nbconvert failed:\n${ran.stderr.slice(-4000)}`);
  lastNbconvertLog = ran.stderr.slice(-4000);
  const executed = JSON.parse(await Deno.readTextFile(join(dir, "executed.ipynb")));
  const cells: ExecutedCell[] = (executed.cells as {
    cell_type: string;
    source: unknown;
    outputs?: ExecutedCell["outputs"];
  }[])
    .filter((c) => c.cell_type === "code")
    .map((c) => ({ source: joined(c.source), outputs: c.outputs ?? [] }));
  const errors = cells.flatMap((c) =>
    c.outputs.filter((o) => o.output_type === "error").map((o) =>
      `${c.source.split("\n").slice(0, 3).join(" / ")}: ${o.ename}: ${o.evalue}`
    )
  );
  assert.deepEqual(errors, [], `notebook cells failed:\n${errors.join("\n")}`);
  return cells;
}

/**
 * The notebook check: the exported notebook runs in the casefile kernel without an error
 * and its session (`<name>-notebook`) holds the original's kept steps with equal hashes.
 */
export async function checkNotebook(
  path: string,
  name: string,
  original: readonly StepFacts[],
  env: Record<string, string> = {},
): Promise<ExecutedCell[]> {
  const notebook = JSON.parse(await Deno.readTextFile(path));
  assert.equal(notebook.metadata?.kernelspec?.name, "casefile");
  const home = await tempDir("cf-nbhome-");
  const cells = await executeNotebook(path, home, env);
  const steps = await readSession(`${name}-notebook`, home);
  assertSameSteps(original, steps, "the notebook's session");
  return cells;
}

/** The bundle check: imported into another home, every step's hash is the original's. */
export async function checkBundle(path: string, original: readonly StepFacts[]): Promise<void> {
  const home = await tempDir("cf-import-");
  const imported = await importBundle(path, { home });
  try {
    assert.ok(
      imported.ok,
      `every bundled result matches its SHA-256: ${JSON.stringify(imported.results)}`,
    );
    const steps = stepFacts(imported.session);
    // The journal comes whole: every step, dead ends and failed ones too, marks and notes.
    assert.deepEqual(
      steps.map((s) => [s.position, s.name, s.status, s.mark, s.note, s.result, s.sha256]),
      original.map((s) => [s.position, s.name, s.status, s.mark, s.note, s.result, s.sha256]),
    );
    assertSameSteps(original, steps.filter(isKept), "the imported bundle");
    const verified = await verifySession(imported.session);
    assert.ok(verified.ok, `verifySession: ${JSON.stringify(verified.steps)}`);
    for (const s of imported.session.steps()) {
      const kind = s.record.result?.kind;
      if (isKept(facts(s)) && (kind === "frame" || kind === "series" || kind === "json")) {
        assert.ok(s.restored, `step ${s.record.position} (${s.record.name}) is restored`);
      }
    }
    // What the analyst saw comes along: the colleague's report draws the charts made in
    // code steps too (they are not results in the cache).
    const report = await exportReport(imported.session, { format: "html" });
    const sections = reportSections(report);
    const missing = original.filter((s) => isKept(s) && s.chart).filter((s) =>
      (sections.get(s.position)?.svgs.length ?? 0) === 0
    ).map((s) =>
      `${s.position} (${s.name}): ${
        decodeHtml(
          /could not be drawn: [^<]*/.exec(sections.get(s.position)?.html ?? "")?.[0] ?? "no chart",
        )
      }`
    );
    assert.deepEqual(
      missing,
      [],
      `the imported session's report lacks charts:\n${missing.join("\n")}`,
    );
  } finally {
    await imported.session.close();
  }
}

// ---- the report in a browser -----------------------------------------------------------

/** The DOM Chromium builds from a report (`--dump-dom`), headless and offline. */
export async function renderInChromium(path: string): Promise<string> {
  const profile = await tempDir("cf-chromium-");
  const ran = await run(CHROMIUM, [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
    "--dump-dom",
    `file://${path}`,
  ]);
  await Deno.remove(profile, { recursive: true }).catch(() => {});
  assert.equal(ran.code, 0, `chromium failed:\n${ran.stderr.slice(-2000)}`);
  assert.match(ran.stdout, /<\/html>\s*$/, "chromium printed the whole DOM");
  return ran.stdout;
}

/** HTML as text: tags dropped, entities decoded (line breaks kept). */
export function decodeHtml(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&nbsp;", " ")
    .replaceAll("&amp;", "&");
}

/** HTML as the text a person reads on one line (blanks folded). */
export function textOf(html: string): string {
  return decodeHtml(html).replace(/\s+/g, " ");
}

/** One step's section of a rendered report. */
export interface ReportSection {
  readonly html: string;
  /** The text, SVG drawings left out. */
  readonly text: string;
  readonly finding: boolean;
  /** The inline SVG drawings (a chart). */
  readonly svgs: readonly string[];
  /** Text of the SVG drawings (titles, labels, axis values). */
  readonly svgText: string;
  /** What the step printed, when the report shows it. */
  readonly printed?: string;
  /** The result table's cells, row by row (the header first), when there is one. */
  readonly rows: readonly (readonly string[])[];
  /** The step's value as text, when it is not a table (JSON, a tree's drawing). */
  readonly value?: string;
}

/** The report's sections by step number. */
export function reportSections(dom: string): Map<number, ReportSection> {
  const out = new Map<number, ReportSection>();
  const re = /<section class="step( finding)?" id="step-(\d+)">([\s\S]*?)<\/section>/g;
  for (const m of dom.matchAll(re)) {
    const html = m[3];
    const svgs = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((s) => s[0]);
    const withoutSvg = html.replace(/<svg[\s\S]*?<\/svg>/g, " ");
    const printed = /<pre class="output"[^>]*>([\s\S]*?)<\/pre>/.exec(withoutSvg)?.[1];
    const table = /<table class="result">([\s\S]*?)<\/table>/.exec(withoutSvg)?.[1] ?? "";
    const value = /<pre>(?!<code)([\s\S]*?)<\/pre>/.exec(withoutSvg)?.[1];
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => textOf(c[1]).trim())
    );
    out.set(Number(m[2]), {
      html,
      text: textOf(withoutSvg),
      finding: m[1] !== undefined,
      svgs,
      svgText: svgs.map(textOf).join(" "),
      printed: printed === undefined ? undefined : decodeHtml(printed),
      rows,
      value: value === undefined ? undefined : decodeHtml(value).trim(),
    });
  }
  return out;
}

/** The cells of a result table's column (`rows[0]` is the header). */
export function column(section: ReportSection, name: string): string[] {
  const [header, ...body] = section.rows;
  assert.ok(header, `a result table in:\n${section.text.slice(0, 500)}`);
  const i = header.indexOf(name);
  assert.ok(i >= 0, `a column ${name} in ${header.join(", ")}`);
  return body.map((r) => r[i]);
}

/**
 * The checks every finding gets in the rendered report: its section is pinned, carries its
 * note, is listed under Findings, and shows what the step showed (its table, its chart as
 * an inline SVG, its printed output, or its value as text, never `[object Object]`).
 */
export function checkFindings(
  dom: string,
  original: readonly StepFacts[],
): Map<number, ReportSection> {
  const sections = reportSections(dom);
  const findings = original.filter((s) => isKept(s) && s.mark === "finding");
  assert.ok(findings.length > 0, "the session has findings");
  const summary = textOf(/<h2>Findings<\/h2>([\s\S]*?)<h2>/.exec(dom)?.[1] ?? "");
  for (const step of original.filter(isKept)) {
    assert.ok(sections.has(step.position), `the report shows kept step ${step.position}`);
  }
  for (const step of original.filter((s) => !isKept(s))) {
    assert.ok(!sections.has(step.position), `the report leaves out step ${step.position}`);
  }
  for (const f of findings) {
    const where = `finding ${f.position} (${f.name})`;
    const section = sections.get(f.position)!;
    assert.ok(section.finding, `${where} is pinned`);
    if (f.note) {
      assert.ok(section.text.includes(f.note), `${where} shows its note "${f.note}"`);
      assert.ok(summary.includes(f.note), `${where} is listed under Findings`);
    }
    assert.ok(!section.text.includes("[object Object]"), `${where}: no [object Object]`);
    if (f.result === "frame" || f.result === "series") {
      assert.ok(section.rows.length > 1 || f.rows === 0, `${where} shows its table`);
      if (f.sha256) assert.ok(section.text.includes(f.sha256), `${where} shows its SHA-256`);
    }
    if (f.chart) assert.ok(section.svgs.length > 0, `${where} shows its chart as inline SVG`);
    if (f.output) {
      assert.ok(section.printed, `${where} shows what it printed`);
      const firstLine = f.output.trim().split("\n")[0];
      assert.ok(section.printed!.includes(firstLine), `${where} printed "${firstLine}"`);
    }
  }
  return sections;
}

/**
 * The four exports of a scenario's session `name`, written into `out` as `name.ts`,
 * `name.ipynb`, `name.casefile.gz` and `name.html`, each checked as a test step: the
 * script and the notebook replay every kept step to its hash, the bundle opens verified,
 * and the report, rendered by Chromium, passes `checkReport`.
 */
export async function checkExports(
  t: Deno.TestContext,
  out: string,
  name: string,
  original: readonly StepFacts[],
  checkReport: (dom: string, original: readonly StepFacts[]) => void,
): Promise<void> {
  const [nbconvert, chromium] = await Promise.all([hasNbconvert(), hasChromium()]);
  await t.step("the exported script replays every kept step from another folder", async () => {
    await checkScript(join(out, `${name}.ts`), original);
  });
  await t.step({
    name: "the exported notebook runs in the casefile kernel to the same hashes",
    ignore: !nbconvert,
    fn: async () => {
      await checkNotebook(join(out, `${name}.ipynb`), name, original);
    },
  });
  await t.step("the bundle opens in another home with every result verified", async () => {
    await checkBundle(join(out, `${name}.casefile.gz`), original);
  });
  await t.step({
    name: "the report, rendered by Chromium, shows each finding's content",
    ignore: !chromium,
    fn: async () => {
      checkReport(await renderInChromium(join(out, `${name}.html`)), original);
    },
  });
}
