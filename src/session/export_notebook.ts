/**
 * A session as a Jupyter notebook for the Deno kernel: a setup cell that opens the same
 * provider with the session's parameters, then one code cell per kept step, written as in
 * an exported script (queries with their `kql` templates, code steps as functions of the
 * values they read), each with what the step showed when it ran (its printed output, its
 * table, its value, its chart) as the cell's output; each finding's note as a Markdown
 * cell before its step.
 *
 * @module
 */
import { basename } from "node:path";
import type { Session } from "./session.ts";
import type { Step } from "./_step_list.ts";
import {
  type ExportOptions,
  keptSteps,
  namedSources,
  paramCode,
  providerCode,
  type ProviderSource,
  providerSource,
} from "./_export_common.ts";
import { type ExportedSteps, exportSteps } from "./_export_steps.ts";
import { writeFileAtomic } from "./_files.ts";
import { stepView } from "./_step_view.ts";
import { checkOptions, defineOptions } from "../options.ts";

const NOTEBOOK_OPTIONS = defineOptions<ExportNotebookOptions>("exportNotebook", {
  path: { kind: "string", aliases: ["file", "output"] },
  name: "string",
  outputs: "boolean",
});

/** Options of {@link exportNotebook}. */
export interface ExportNotebookOptions extends ExportOptions {
  /** The notebook session's name (default `<name>-notebook`). */
  readonly name?: string;
  /**
   * Also write the notebook here (private to the user). Modules the steps imported from
   * local files are imported relative to it.
   */
  readonly path?: string;
  /** Leave out what the steps showed (cell outputs): a notebook to run, nothing in it yet. */
  readonly outputs?: boolean;
}

interface Output {
  readonly output_type: "stream" | "display_data";
  readonly name?: "stdout";
  readonly text?: string[];
  readonly data?: Record<string, unknown>;
  readonly metadata?: Record<string, unknown>;
}

interface Cell {
  readonly id: string;
  readonly cell_type: "markdown" | "code";
  readonly metadata: Record<string, unknown>;
  readonly source: string[];
  readonly execution_count?: null;
  readonly outputs?: Output[];
}

/** The kernel exported notebooks ask for: Deno with casefile's `deno.json` (`deno task jupyter:install`). */
const NOTEBOOK_KERNEL = {
  name: "casefile",
  display_name: "Deno (casefile)",
  language: "typescript",
} as const;

function lines(text: string): string[] {
  const parts = text.split("\n");
  const out = parts.map((line, i) => i < parts.length - 1 ? `${line}\n` : line);
  return out.at(-1) === "" ? out.slice(0, -1) : out;
}

function markdownText(text: string): string {
  // \x60 is the backtick (a literal one here would read as a template to import scanners).
  return text.replace(/([\\\x60*_[\]#|])/g, "\\$1").replace(
    /[&<>]/g,
    (c) => `&#${c.charCodeAt(0)};`,
  );
}

function markdownCell(id: string, text: string): Cell {
  return { id, cell_type: "markdown", metadata: {}, source: lines(text) };
}

function codeCell(id: string, text: string, outputs: Output[] = []): Cell {
  return {
    id,
    cell_type: "code",
    metadata: {},
    source: lines(text),
    execution_count: null,
    outputs,
  };
}

/**
 * Exports the session as a notebook (`.ipynb`, nbformat 4) for the Deno kernel with
 * casefile's configuration (the `casefile` kernel `deno task jupyter:install` installs): a
 * Markdown cell naming the session, a setup cell that imports casefile and opens a session
 * (`<name>-notebook`) on the same provider with the same parameters, then one code cell per
 * kept step (dead ends and failed steps dropped), each binding its result to a variable of
 * the step's name and showing it, with the output the step had. Findings' notes come as
 * Markdown cells before their steps.
 *
 * A session that read a folder of data opens it from `CASEFILE_DATA`; the notebook's
 * session lives in `CASEFILE_HOME` (else `./.casefile` of the kernel).
 *
 * @param session The session.
 * @param options The notebook session's name, a file to write it to, whether to keep
 *   outputs.
 * @returns The notebook as JSON text.
 *
 * @example A notebook of one query
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportNotebook } from "./export_notebook.ts";
 * import { openSession } from "./session.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const home = await Deno.makeTempDir();
 * const session = await openSession("nb", {
 *   home,
 *   provider: await openLocalProvider(),
 * });
 * await session.query("alerts", "SecurityAlert | summarize n = count() by AlertName");
 * const notebook = JSON.parse(await exportNotebook(session));
 * assert.deepEqual([notebook.metadata.kernelspec.name, notebook.cells.length], ["casefile", 4]);
 * await session.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function exportNotebook(
  session: Session,
  options: ExportNotebookOptions = {},
): Promise<string> {
  checkOptions("exportNotebook", options, NOTEBOOK_OPTIONS);
  const name = options.name ?? `${session.name}-notebook`;
  const source = providerSource(session);
  const exported = await exportSteps(session, { types: false, path: options.path });
  const cells: Cell[] = [
    markdownCell("session", introText(session, source)),
    codeCell("setup", setupCode(session, name, source, exported)),
    ...await stepCells(session, exported, options.outputs !== false),
    codeCell("close", "await session.close();"),
  ];
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: NOTEBOOK_KERNEL,
      language_info: {
        name: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        codemirror_mode: "typescript",
        pygments_lexer: "typescript",
        nbconvert_exporter: "script",
        version: "5",
      },
      casefile: { session: session.name, exported: new Date().toISOString() },
    },
    cells,
  };
  const text = JSON.stringify(notebook, null, 1) + "\n";
  if (options.path) await writeFileAtomic(options.path, text);
  return text;
}

/** The first cell: the session, how many steps are kept, how to run it, the parameters. */
function introText(session: Session, source: ProviderSource): string {
  const steps = keptSteps(session);
  const params = session.paramList();
  return [
    `# Session ${markdownText(session.name)}`,
    "",
    `${steps.length} of ${session.steps().length} steps kept (failed steps, and dead ends no kept step reads, dropped).`,
    "Each step's output is what it showed when it ran in the session.",
    "Run it with the Deno kernel that has casefile's configuration (`deno task jupyter:install`" +
    " in a casefile checkout installs it as *Deno (casefile)*)" +
    (source.kind === "local" && !source.demo
      ? `, with \`CASEFILE_DATA\` set to the folder of data (\`${
        markdownText(basename(source.folder))
      }\` when it was recorded).`
      : "."),
    ...(params.length
      ? [
        "",
        "Parameters:",
        ...params.map((p) =>
          `- \`${p.name}\` (${p.kind}): ${markdownText(p.text)}${
            p.description ? ` (${markdownText(p.description)})` : ""
          }`
        ),
      ]
      : []),
  ].join("\n");
}

/** The setup cell: imports, and a session `name` opened on the same provider and parameters. */
function setupCode(
  session: Session,
  name: string,
  source: ProviderSource,
  exported: ExportedSteps,
): string {
  const params = session.paramList();
  const imports = new Set(["openSession", ...exported.api]);
  const provider = providerCode(source);
  for (const name of provider.imports) imports.add(name);
  // The providers steps named (`{ provider: "adx" }`), added by the same names.
  const named = [...namedSources(session)].map(([key, s]) => {
    const code = providerCode(s);
    for (const name of code.imports) imports.add(name);
    return `session.addProvider(${JSON.stringify(key)}, ${code.code});`;
  });
  if (params.length) imports.add("param");
  const specs = params.map((p) => `    ${paramCode(p)},`);
  return [
    `import { ${[...imports].sort().join(", ")} } from "casefile";`,
    ...exported.imports,
    "",
    "// Running this cell again closes the session it opened before.",
    "await (globalThis as { casefileSession?: { close(): Promise<void> } }).casefileSession?.close();",
    `const session = await openSession(${JSON.stringify(name)}, {`,
    `  provider: ${provider.code},`,
    ...(params.length ? ["  params: {", ...specs, "  },"] : []),
    "});",
    "(globalThis as { casefileSession?: unknown }).casefileSession = session;",
    ...named,
    ...(exported.provided.has("params") ? ["const params = session.params;"] : []),
    ...(exported.provided.has("provider") ? ["const provider = session.provider!;"] : []),
  ].join("\n");
}

/** A cell per kept step (with what it showed, unless `outputs` is false), a finding's note before it. */
async function stepCells(
  session: Session,
  exported: ExportedSteps,
  outputs: boolean,
): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const step of exported.steps) {
    const { record, mark, note } = step.step;
    if (mark === "finding") {
      cells.push(markdownCell(
        `finding-${record.position}`,
        `**Finding** (step ${record.position}, ${record.name})${
          note ? `: ${markdownText(note)}` : ""
        }`,
      ));
    }
    const show = /^[A-Za-z_$][\w$]*$/.test(record.name) && step.code.includes(`${record.name} = `)
      ? `\n${record.name};`
      : "";
    const text = [`// ${step.heading}`, ...step.notes.map((n) => `// ${n}`), step.code].join("\n") +
      show;
    cells.push(codeCell(
      `step-${record.position}`,
      text,
      outputs ? await stepOutputs(session, step.step) : [],
    ));
  }
  return cells;
}

/** What a step showed, as cell outputs: its printed text, then its value or table, then its chart. */
async function stepOutputs(session: Session, step: Step): Promise<Output[]> {
  const view = await stepView(session, step);
  const outputs: Output[] = [];
  if (view.output) {
    outputs.push({ output_type: "stream", name: "stdout", text: lines(view.output) });
  }
  if (view.frame) {
    const { frameToHtml, frameToText } = await import(
      JUPYTER_URL.href
    ) as typeof import("../jupyter/mod.ts");
    outputs.push({
      output_type: "display_data",
      data: {
        "text/html": lines(frameToHtml(view.frame, { maxRows: 20 })),
        "text/plain": lines(frameToText(view.frame)),
      },
      metadata: {},
    });
  } else if (view.text !== undefined) {
    outputs.push({
      output_type: "display_data",
      data: { "text/plain": lines(view.text) },
      metadata: {},
    });
  }
  if (view.svg) {
    outputs.push({
      output_type: "display_data",
      data: { "image/svg+xml": lines(view.svg), "text/plain": [view.chart ?? "chart"] },
      metadata: {},
    });
  }
  return outputs;
}

/** The notebook tables, loaded on first use by a specifier `deno run` does not read ahead. */
const JUPYTER_URL = new URL("../jupyter/mod.ts", import.meta.url);
