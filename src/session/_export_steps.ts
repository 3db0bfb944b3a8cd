/**
 * A session's kept steps written as TypeScript, for the script and notebook exports: each
 * query a `session.query(...)` with its `kql` template, each code step a function of the
 * values it reads (see `_step_code.ts`), each with the result it gave, so a replay can
 * check it.
 *
 * @module
 */
import { basename, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { StepRecord } from "./_journal.ts";
import type { Session, Step } from "./session.ts";
import {
  comment,
  keptSteps,
  queryOptionsCode,
  readersOf,
  recordTemplate,
  templateCode,
} from "./_export_common.ts";
import { type StepFunction, stepFunction } from "./_step_code.ts";
import { typescript } from "./_transform.ts";
import { casefileApi } from "./_environment.ts";

/** Names code steps see that the host provides (not the API, not a step). */
const PROVIDED = ["session", "params", "provider", "signal"] as const;

/** One kept step as TypeScript. */
export interface ExportedStep {
  readonly step: Step;
  /** A comment line or two: the step's number, name and what it gave. */
  readonly heading: string;
  /** The statement(s) running it, binding its variable(s). */
  readonly code: string;
  /** Notes for the reader (a finding, a step that reads a dropped one's value). */
  readonly notes: readonly string[];
}

/** A session's kept steps as TypeScript, and what the code around them must provide. */
export interface ExportedSteps {
  readonly steps: readonly ExportedStep[];
  /** Names of the casefile API the steps use (to import from casefile). */
  readonly api: ReadonlySet<string>;
  /** Type-only import declarations the steps made, to put at the top. */
  readonly imports: readonly string[];
  /** Host names the steps' code reads (`params`, `provider`): defined before the steps. */
  readonly provided: ReadonlySet<string>;
  /** `type Steps = { ... }`, when a step's parameters are typed with it. */
  readonly stepsType?: string;
  /** Steps that cannot be replayed (values recorded from outside, not JSON). */
  readonly skipped: number;
}

/** Options of {@link exportSteps}. */
export interface ExportStepsOptions {
  /** Type the step functions' parameters (a script that `deno check` reads). */
  readonly types: boolean;
  /** Where the export is written (local imports are made relative to it). */
  readonly path?: string;
}

/** Writes the kept steps of `session` as TypeScript (see {@link ExportedSteps}). */
export async function exportSteps(
  session: Session,
  options: ExportStepsOptions,
): Promise<ExportedSteps> {
  const ts = await typescript();
  const api = new Set(Object.keys(await casefileApi()));
  const kept = keptSteps(session);
  const dropped = new Map<string, number>();
  for (const s of session.steps()) {
    if (!kept.includes(s)) {
      for (const n of s.record.binds ?? [s.record.name]) dropped.set(n, s.record.position);
    }
  }
  const s = "session";
  const bound = new Map<string, number>();
  const declaredOnce = new Set<string>();
  const declaredAgain = new Set<string>();
  for (const { record } of kept) {
    for (const n of record.binds ?? [record.name]) {
      if (declaredOnce.has(n)) declaredAgain.add(n);
      declaredOnce.add(n);
    }
  }
  const used = new Set<string>();
  const provided = new Set<string>();
  const imports: string[] = [];
  const out: ExportedStep[] = [];
  let typed = false;
  let skipped = 0;
  const declared = new Set<string>();
  const bindingOf = (n: string): string => {
    if (declared.has(n)) return `${n} = `;
    declared.add(n);
    return `${declaredAgain.has(n) ? "let" : "const"} ${n} = `;
  };
  for (const step of kept) {
    const { record } = step;
    const notes: string[] = [];
    if (step.mark === "finding") notes.push(`Finding: ${step.note ?? ""}`.trim());
    if (step.mark === "dead-end") {
      notes.push(
        `A dead end${step.note ? ` (${step.note})` : ""}, kept: step ${
          readersOf(session, step).join(", ")
        } reads its value.`,
      );
    }
    if (record.volatile) notes.push(`Volatile: ${record.volatile}; its result may differ.`);
    let code: string;
    switch (record.kind) {
      case "query": {
        const t = templateCode(recordTemplate(record), `${s}.params`);
        used.add("kql");
        if (t.usesRaw) used.add("rawKql");
        const opts = queryOptionsCode(record, `${s}.params`);
        code = `${bindingOf(record.name)}await ${s}.query(${
          JSON.stringify(record.name)
        }, ${t.code}${opts.length ? `, { ${opts.join(", ")} }` : ""});`;
        break;
      }
      case "code": {
        const previous = record.uses?._ !== undefined
          ? session.steps()[record.uses._ - 1]?.record.name
          : undefined;
        let fn: StepFunction;
        try {
          fn = stepFunction(ts, record, {
            types: options.types,
            previous,
            variables: new Set(bound.keys()),
            specifier: (specifier, url) => importSpecifier(specifier, url, options.path),
          });
        } catch (error) {
          notes.push(`This step's code does not parse (${(error as Error).message}).`);
          code = comment(record.code);
          break;
        }
        if (options.types && fn.params.length) typed = true;
        for (const i of fn.imports) {
          const line = i.text(importSpecifier(i.specifier, i.url, options.path));
          if (!imports.includes(line)) imports.push(line);
        }
        const outside: string[] = [];
        for (const n of fn.free) {
          if ((PROVIDED as readonly string[]).includes(n)) {
            if (n !== "session") provided.add(n);
          } else if (api.has(n)) used.add(n);
          else if (dropped.has(n)) {
            notes.push(
              `Warning: this step reads ${n}, which only step ${dropped.get(n)} bound, and ` +
                "that step is left out (a dead end, or it failed): the replay fails here.",
            );
          } else if (record.origin) outside.push(n);
        }
        if (outside.length && record.origin) {
          const found = await fromOrigin(ts, record.origin, outside, options.path);
          for (const line of found.lines) if (!imports.includes(line)) imports.push(line);
          if (found.missing.length) {
            notes.push(
              `Warning: this step reads ${found.missing.join(", ")} from the code that ran it ` +
                `(${basename(record.origin)}); define ${
                  found.missing.length === 1 ? "it" : "them"
                } above, or the replay fails here.`,
            );
          }
        }
        const opts: string[] = [];
        if (fn.bind) opts.push(`bind: ${JSON.stringify(fn.bind)}`);
        const call = `await ${s}.run(${JSON.stringify(record.name)}, ${fn.text}${
          opts.length ? `, { ${opts.join(", ")} }` : ""
        });`;
        if (fn.bind) {
          const temp = `step${record.position}`;
          code = `const ${temp} = ${call}\n` +
            fn.bind.map((n) => `${bindingOf(n)}${temp}.${n};`).join("\n");
        } else {
          code = `${bindingOf(record.name)}${call}`;
        }
        break;
      }
      case "value": {
        const result = record.result;
        if (result?.kind === "json") {
          code = `${bindingOf(record.name)}${JSON.stringify(result.value)};\n` +
            `await ${s}.record(${JSON.stringify(record.name)}, ${record.name}, { code: ${
              JSON.stringify(record.code)
            } });`;
        } else {
          skipped++;
          code = comment(
            `TODO: ${record.name} was recorded by a script (${record.code}); it cannot be ` +
              `replayed.\nCompute it here, then: await ${s}.record(${
                JSON.stringify(record.name)
              }, value);`,
          );
        }
        break;
      }
    }
    for (const n of record.binds ?? [record.name]) bound.set(n, record.position);
    out.push({ step, heading: heading(record), code, notes });
  }
  const names = [...declared];
  const stepsType = typed
    ? `type Steps = {\n${names.map((n) => `  ${n}: typeof ${n};`).join("\n")}\n};`
    : undefined;
  return { steps: out, api: used, imports, provided, stepsType, skipped };
}

/** `1. spray (query): a frame of 3 rows` */
function heading(record: StepRecord): string {
  const r = record.result;
  const what = !r
    ? ""
    : r.kind === "frame" || r.kind === "series"
    ? `: a ${r.kind} of ${r.rows} rows`
    : r.kind === "other"
    ? `: ${r.type === "undefined" ? "no value" : `a ${r.type}`}`
    : ": a JSON value";
  return `${record.position}. ${record.name} (${record.kind})${what}`;
}

/**
 * A step's recorded result as a `RecordedStep` literal: `[1, "spray", "frame", 3, "…"]`,
 * with the parameter values it ran with where they are not `current` (the values the
 * export gives as defaults): a step that ran before a re-run changed a parameter.
 */
export function recordedCode(
  record: StepRecord,
  current: Readonly<Record<string, unknown>>,
): string | undefined {
  const r = record.result;
  if (!r) return undefined;
  const rows = r.kind === "frame" || r.kind === "series" ? String(r.rows) : "null";
  const sha = "sha256" in r && r.sha256 ? JSON.stringify(r.sha256) : "null";
  const other = Object.entries(record.params).filter(([name, value]) =>
    name in current && JSON.stringify(value) !== JSON.stringify(current[name])
  );
  const params = other.length
    ? `, { ${other.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")} }`
    : "";
  const fields = [record.position, JSON.stringify(record.name), JSON.stringify(r.kind), rows, sha];
  return `[${fields.join(", ")}${params}]`;
}

/**
 * Where names a function-form step read from the script that ran it come from: that
 * script's imports of them, and its top-level constants with a literal value, written for
 * the export (local imports relative to `path`); the names not found.
 */
async function fromOrigin(
  ts: typeof import("typescript"),
  origin: string,
  names: readonly string[],
  path?: string,
): Promise<{ lines: string[]; missing: string[] }> {
  const lines: string[] = [];
  const found = new Set<string>();
  let text: string;
  try {
    text = await Deno.readTextFile(new URL(origin));
  } catch {
    return { lines, missing: [...names] };
  }
  const sf = ts.createSourceFile("origin.ts", text, ts.ScriptTarget.Latest, true);
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      if (!clause || clause.isTypeOnly) continue;
      const specifier = statement.moduleSpecifier.text;
      const url = /^\.\.?\//.test(specifier) ? new URL(specifier, origin).href : undefined;
      const written = JSON.stringify(importSpecifier(specifier, url, path) ?? specifier);
      if (clause.name && names.includes(clause.name.text)) {
        lines.push(`import ${clause.name.text} from ${written};`);
        found.add(clause.name.text);
      }
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings) && names.includes(bindings.name.text)) {
        lines.push(`import * as ${bindings.name.text} from ${written};`);
        found.add(bindings.name.text);
      } else if (bindings && ts.isNamedImports(bindings)) {
        const wanted = bindings.elements.filter((e) =>
          !e.isTypeOnly && names.includes(e.name.text)
        );
        if (wanted.length) {
          lines.push(`import { ${wanted.map((e) => e.getText(sf)).join(", ")} } from ${written};`);
          for (const e of wanted) found.add(e.name.text);
        }
      }
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (
          ts.isIdentifier(d.name) && names.includes(d.name.text) && d.initializer &&
          isLiteral(ts, d.initializer)
        ) {
          lines.push(`const ${d.getText(sf)};`);
          found.add(d.name.text);
        }
      }
    }
  }
  return { lines, missing: names.filter((n) => !found.has(n)) };
}

/** A value written out in full: text, numbers, booleans, and arrays and objects of them. */
function isLiteral(
  ts: typeof import("typescript"),
  node: import("typescript").Expression,
): boolean {
  if (
    ts.isStringLiteral(node) || ts.isNumericLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword
  ) {
    return true;
  }
  if (ts.isPrefixUnaryExpression(node)) return isLiteral(ts, node.operand);
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node)) {
    return isLiteral(ts, node.expression);
  }
  if (ts.isArrayLiteralExpression(node)) return node.elements.every((e) => isLiteral(ts, e));
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.every((p) => ts.isPropertyAssignment(p) && isLiteral(ts, p.initializer));
  }
  return false;
}

/** An import's specifier for the export: local modules relative to where it is written. */
function importSpecifier(specifier: string, url: string | undefined, path?: string): string {
  if (!url?.startsWith("file:")) return specifier;
  // Written nowhere yet: where the module is on this machine.
  if (!path) return url;
  const target = relative(dirname(path), fileURLToPath(url));
  return target.startsWith(".") ? target : `./${target}`;
}
