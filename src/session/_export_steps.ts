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
import type { Session } from "./session.ts";
import type { Step } from "./_step_list.ts";
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
  const writer = new StepWriter(session, ts, api, kept, options);
  const out: ExportedStep[] = [];
  for (const step of kept) {
    const { record } = step;
    const notes = stepNotes(session, step);
    let code: string;
    switch (record.kind) {
      case "query":
        code = writer.query(record);
        break;
      case "code":
        code = await writer.code(record, notes);
        break;
      case "value":
        code = writer.value(record);
        break;
    }
    writer.bound(record);
    out.push({ step, heading: heading(record), code, notes });
  }
  return writer.finish(out);
}

/** What a reader is told of a step before its code: a finding, a dead end kept, volatility. */
function stepNotes(session: Session, step: Step): string[] {
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
  return notes;
}

/**
 * Writes steps one after another, keeping what the code around them must provide: the
 * API names used, imports, host names, the variables declared so far.
 */
class StepWriter {
  readonly #session: Session;
  readonly #ts: typeof import("typescript");
  readonly #api: ReadonlySet<string>;
  readonly #options: ExportStepsOptions;
  /** Names only steps left out bound, with the position of the last such step. */
  readonly #dropped = new Map<string, number>();
  /** Names bound by the steps written so far, with the position of the last. */
  readonly #bound = new Map<string, number>();
  /** Names kept steps bind more than once (declared with `let`). */
  readonly #declaredAgain = new Set<string>();
  readonly #declared = new Set<string>();
  readonly #used = new Set<string>();
  readonly #provided = new Set<string>();
  readonly #imports: string[] = [];
  #typed = false;
  #skipped = 0;

  constructor(
    session: Session,
    ts: typeof import("typescript"),
    api: ReadonlySet<string>,
    kept: readonly Step[],
    options: ExportStepsOptions,
  ) {
    this.#session = session;
    this.#ts = ts;
    this.#api = api;
    this.#options = options;
    for (const s of session.steps()) {
      if (!kept.includes(s)) {
        for (const n of s.record.binds ?? [s.record.name]) this.#dropped.set(n, s.record.position);
      }
    }
    const declaredOnce = new Set<string>();
    for (const { record } of kept) {
      for (const n of record.binds ?? [record.name]) {
        if (declaredOnce.has(n)) this.#declaredAgain.add(n);
        declaredOnce.add(n);
      }
    }
  }

  /** `const x = `, `let x = ` or `x = `: the name declared on its first binding only. */
  #bindingOf(n: string): string {
    if (this.#declared.has(n)) return `${n} = `;
    this.#declared.add(n);
    return `${this.#declaredAgain.has(n) ? "let" : "const"} ${n} = `;
  }

  /** A query step: `const x = await session.query("x", kql`...`, { now, timespan });`. */
  query(record: StepRecord): string {
    const template = recordTemplate(record);
    const t = templateCode(template, `${S}.params`);
    this.#used.add("kql");
    // Expressions computed again in the script may call the casefile API: import what they name.
    for (const part of template) {
      if (!("expr" in part)) continue;
      for (const [n] of part.expr.matchAll(/[A-Za-z_$][\w$]*/g)) {
        if (this.#api.has(n)) this.#used.add(n);
      }
    }
    if (t.usesRaw) this.#used.add("rawKql");
    const opts = queryOptionsCode(record, `${S}.params`);
    return `${this.#bindingOf(record.name)}await ${S}.query(${
      JSON.stringify(record.name)
    }, ${t.code}${opts.length ? `, { ${opts.join(", ")} }` : ""});`;
  }

  /** A code step: `const x = await session.run("x", ({ a }) => ...);`, notes added to `notes`. */
  async code(record: StepRecord, notes: string[]): Promise<string> {
    const { path, types } = this.#options;
    const previous = record.uses?._ !== undefined
      ? this.#session.steps()[record.uses._ - 1]?.record.name
      : undefined;
    let fn: StepFunction;
    try {
      fn = stepFunction(this.#ts, record, {
        types,
        previous,
        variables: new Set(this.#bound.keys()),
        specifier: (specifier, url) => importSpecifier(specifier, url, path),
      });
    } catch (error) {
      notes.push(`This step's code does not parse (${(error as Error).message}).`);
      return comment(record.code);
    }
    if (types && fn.params.length) this.#typed = true;
    for (const i of fn.imports) this.#import(i.text(importSpecifier(i.specifier, i.url, path)));
    await this.#freeNames(record, fn.free, notes);
    const opts: string[] = [];
    if (fn.bind) opts.push(`bind: ${JSON.stringify(fn.bind)}`);
    const call = `await ${S}.run(${JSON.stringify(record.name)}, ${fn.text}${
      opts.length ? `, { ${opts.join(", ")} }` : ""
    });`;
    if (!fn.bind) return `${this.#bindingOf(record.name)}${call}`;
    const temp = `step${record.position}`;
    return `const ${temp} = ${call}\n` +
      fn.bind.map((n) => `${this.#bindingOf(n)}${temp}.${n};`).join("\n");
  }

  /**
   * Where the names a code step reads that it does not bind come from: the host, the API,
   * a step left out (a warning), or the script that ran it (its imports and constants).
   */
  async #freeNames(record: StepRecord, free: readonly string[], notes: string[]): Promise<void> {
    const outside: string[] = [];
    for (const n of free) {
      if ((PROVIDED as readonly string[]).includes(n)) {
        if (n !== "session") this.#provided.add(n);
      } else if (this.#api.has(n)) this.#used.add(n);
      else if (this.#dropped.has(n)) {
        notes.push(
          `Warning: this step reads ${n}, which only step ${this.#dropped.get(n)} bound, and ` +
            "that step is left out (a dead end, or it failed): the replay fails here.",
        );
      } else if (record.origin) outside.push(n);
    }
    if (!outside.length || !record.origin) return;
    const found = await fromOrigin(this.#ts, record.origin, outside, this.#options.path);
    for (const line of found.lines) this.#import(line);
    if (found.missing.length) {
      notes.push(
        `Warning: this step reads ${found.missing.join(", ")} from the code that ran it ` +
          `(${basename(record.origin)}); define ${
            found.missing.length === 1 ? "it" : "them"
          } above, or the replay fails here.`,
      );
    }
  }

  /** A value recorded from outside: JSON written out and recorded again, else a TODO. */
  value(record: StepRecord): string {
    const result = record.result;
    if (result?.kind === "json") {
      return `${this.#bindingOf(record.name)}${JSON.stringify(result.value)};\n` +
        `await ${S}.record(${JSON.stringify(record.name)}, ${record.name}, { code: ${
          JSON.stringify(record.code)
        } });`;
    }
    this.#skipped++;
    return comment(
      `TODO: ${record.name} was recorded by a script (${record.code}); it cannot be ` +
        `replayed.\nCompute it here, then: await ${S}.record(${
          JSON.stringify(record.name)
        }, value);`,
    );
  }

  /** Notes the names a step written bound (later steps' functions may read them). */
  bound(record: StepRecord): void {
    for (const n of record.binds ?? [record.name]) this.#bound.set(n, record.position);
  }

  #import(line: string): void {
    if (!this.#imports.includes(line)) this.#imports.push(line);
  }

  /** The steps written, with what the code around them must provide. */
  finish(steps: readonly ExportedStep[]): ExportedSteps {
    const names = [...this.#declared];
    const stepsType = this.#typed
      ? `type Steps = {\n${names.map((n) => `  ${n}: typeof ${n};`).join("\n")}\n};`
      : undefined;
    return {
      steps,
      api: this.#used,
      imports: this.#imports,
      provided: this.#provided,
      stepsType,
      skipped: this.#skipped,
    };
  }
}

/** The session's name in the exported code. */
const S = "session";

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
