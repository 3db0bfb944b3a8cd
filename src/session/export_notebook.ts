/**
 * A session as a Jupyter notebook for the Deno kernel: a setup cell that opens the same
 * provider with the session's parameters, then one code cell per kept step, each pinned
 * finding's note as a Markdown cell before its step.
 *
 * @module
 */
import { formatParam } from "./params.ts";
import type { Session } from "./session.ts";
import {
  codeArgument,
  keptSteps,
  MOD_URL,
  providerCode,
  providerSource,
  queryOptionsCode,
  recordTemplate,
  REPO_DIR,
  templateCode,
} from "./_export_common.ts";

/** Options of {@link exportNotebook}. */
export interface ExportNotebookOptions {
  /** The casefile home the notebook's session lives in (default: the session's). */
  readonly home?: string;
  /** The notebook session's name (default `<name>-notebook`). */
  readonly name?: string;
}

interface Cell {
  readonly id: string;
  readonly cell_type: "markdown" | "code";
  readonly metadata: Record<string, unknown>;
  readonly source: string[];
  readonly execution_count?: null;
  readonly outputs?: [];
}

// Names a `const` cannot take.
const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends " +
    "false finally for function if import in instanceof new null return super switch this throw " +
    "true try typeof var void while with yield let static implements interface package private " +
    "protected public await").split(" "),
);

function lines(text: string): string[] {
  const parts = text.split("\n");
  return parts.map((line, i) => i < parts.length - 1 ? `${line}\n` : line);
}

function markdownText(text: string): string {
  return text.replace(/([\\`*_[\]#|])/g, "\\$1").replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Exports the session as a notebook (`.ipynb`, nbformat 4, Deno kernel): a Markdown cell
 * naming the session, a setup cell that imports casefile and opens a session on the same
 * provider with the same parameters, then one code cell per kept step (dead ends and
 * failed steps dropped), each binding its result to a variable of the step's name and
 * showing it. Findings' notes come as Markdown cells before their steps.
 *
 * Start the Deno kernel in the casefile repository (its `deno.json` maps the npm packages
 * casefile imports).
 *
 * @param session The session.
 * @param options The home and name of the session the notebook opens.
 * @returns The notebook as JSON text.
 *
 * @example A notebook of one query
 * ```ts
 * import { exportNotebook } from "./export_notebook.ts";
 * import { openSession } from "./session.ts";
 * import { openLocalProvider } from "../providers/local/local_provider.ts";
 *
 * const session = await openSession("nb", {
 *   home: await Deno.makeTempDir(),
 *   provider: await openLocalProvider(),
 * });
 * await session.query("alerts", "SecurityAlert | summarize n = count() by AlertName");
 * const notebook = JSON.parse(exportNotebook(session));
 * console.log(notebook.metadata.kernelspec.name, notebook.cells.length); // deno 3
 * await session.close();
 * ```
 */
export function exportNotebook(session: Session, options: ExportNotebookOptions = {}): string {
  const home = options.home ?? session.home;
  const name = options.name ?? `${session.name}-notebook`;
  const steps = keptSteps(session);
  const source = providerSource(session);
  const provider = providerCode(source);
  const imports = new Set(["openSession", "parseParam", ...provider.imports]);
  const cells: Cell[] = [];
  const markdown = (id: string, text: string) =>
    cells.push({ id, cell_type: "markdown", metadata: {}, source: lines(text) });
  const code = (id: string, text: string) =>
    cells.push({
      id,
      cell_type: "code",
      metadata: {},
      source: lines(text),
      execution_count: null,
      outputs: [],
    });

  const params = session.paramList();
  markdown(
    "session",
    [
      `# Session ${markdownText(session.name)}`,
      "",
      `${steps.length} of ${session.steps().length} steps kept (dead ends and failed steps dropped).`,
      `Run the Deno kernel from the casefile repository (${markdownText(REPO_DIR)}).`,
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
    ].join("\n"),
  );

  const stepCells: { id: string; text: string }[] = [];
  for (const { record, mark, note } of steps) {
    const id = `step-${record.position}`;
    if (mark === "finding") {
      markdown(
        `finding-${record.position}`,
        `**Finding** (step ${record.position}, ${record.name})${
          note ? `: ${markdownText(note)}` : ""
        }`,
      );
    }
    const bind = RESERVED.has(record.name) ? "" : `const ${record.name} = `;
    const show = bind ? `\n${record.name};` : "";
    let text: string;
    switch (record.kind) {
      case "query": {
        const t = templateCode(recordTemplate(record));
        if (t.usesRaw) imports.add("rawKql");
        imports.add("kql");
        const opts = queryOptionsCode(record);
        text = `${bind}await session.query(${JSON.stringify(record.name)}, ${t.code}${
          opts.length ? `, { ${opts.join(", ")} }` : ""
        });${show}`;
        break;
      }
      case "code":
        text = `${bind}await session.run(${JSON.stringify(record.name)}, ${
          codeArgument(record)
        });${show}`;
        break;
      case "value":
        text = record.result?.kind === "json"
          ? `${bind}${JSON.stringify(record.result.value)};\nawait session.record(${
            JSON.stringify(record.name)
          }, ${bind ? record.name : JSON.stringify(record.result.value)}, { code: ${
            JSON.stringify(record.code)
          } });${show}`
          : `// TODO: ${record.name} was recorded by a script (${record.code}); compute it, then:\n` +
            `// await session.record(${JSON.stringify(record.name)}, value);`;
        break;
    }
    cells.push({
      id,
      cell_type: "code",
      metadata: {},
      source: lines(text),
      execution_count: null,
      outputs: [],
    });
    stepCells.push({ id, text });
  }

  const specs = params.map((p) => {
    const value = p.value === undefined
      ? "undefined"
      : `parseParam(${JSON.stringify(p.name)}, ${JSON.stringify(p.kind)}, ${
        JSON.stringify(formatParam(p.kind, p.value))
      })`;
    return `    ${p.name}: { kind: ${JSON.stringify(p.kind)}, default: ${value}${
      p.description ? `, description: ${JSON.stringify(p.description)}` : ""
    } },`;
  });
  const setup = [
    `import { ${[...imports].sort().join(", ")} } from ${JSON.stringify(MOD_URL)};`,
    "",
    "// Running this cell again closes the session it opened before.",
    "await (globalThis as { casefileSession?: { close(): Promise<void> } }).casefileSession?.close();",
    `const session = await openSession(${JSON.stringify(name)}, {`,
    `  home: ${JSON.stringify(home)},`,
    `  provider: ${provider.code},`,
    "  params: {",
    ...specs,
    "  },",
    "});",
    "(globalThis as { casefileSession?: unknown }).casefileSession = session;",
  ].join("\n");
  // The setup cell goes after the title, before the steps.
  cells.splice(1, 0, {
    id: "setup",
    cell_type: "code",
    metadata: {},
    source: lines(setup),
    execution_count: null,
    outputs: [],
  });
  code("close", "await session.close();");

  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "deno", display_name: "Deno", language: "typescript" },
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
  return JSON.stringify(notebook, null, 1) + "\n";
}
