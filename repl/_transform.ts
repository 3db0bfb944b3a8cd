/**
 * TypeScript input to a runnable function body. Types are stripped by TypeScript's
 * `transpileModule` (no type check, as in `deno repl`); then top-level declarations become
 * assignments to the REPL's persistent scope (so `const x = 1` then `const x = 2` works),
 * imports become `await import(...)`, and the last expression is returned.
 *
 * @module
 */
import type TS from "typescript";
import { ReplSyntaxError } from "./errors.ts";

let loading: Promise<typeof TS> | undefined;

/** The TypeScript compiler, loaded once (on first use; ~100 ms). */
export function typescript(): Promise<typeof TS> {
  loading ??= import("typescript").then((m) => (m.default ?? m) as typeof TS);
  return loading;
}

/** What {@link transformInput} makes of an input. */
export interface TransformedInput {
  /** The body of an async function of `(__scope, __import)`, sloppy mode (uses `with`). */
  readonly body: string;
  /** Names the input declares at top level, in order. */
  readonly declared: readonly string[];
  /** Whether the input ends with an expression whose value is returned. */
  readonly returnsExpression: boolean;
  /** Whether the input only declares functions, classes and imports (safe to re-run). */
  readonly definitionsOnly: boolean;
}

type Diagnostic = TS.Diagnostic;

function parseDiagnostics(sf: TS.SourceFile): readonly Diagnostic[] {
  return (sf as unknown as { parseDiagnostics?: Diagnostic[] }).parseDiagnostics ?? [];
}

/**
 * Whether TypeScript input is complete: false while a bracket, template or comment is
 * open or the input ends in the middle of an expression (multi-line input continues).
 * Input with a syntax error before its end is complete (the error is shown).
 */
export function isCompleteTypeScript(ts: typeof TS, source: string): boolean {
  const sf = ts.createSourceFile("input.ts", source, ts.ScriptTarget.Latest, false);
  const end = source.trimEnd().length;
  return !parseDiagnostics(sf).some((d) =>
    (d.start ?? 0) >= end &&
    !String(d.messageText).startsWith("Unterminated string literal")
  );
}

const OPTIONS = (ts: typeof TS): TS.CompilerOptions => ({
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  verbatimModuleSyntax: true,
  useDefineForClassFields: true,
  removeComments: false,
  sourceMap: false,
  jsx: ts.JsxEmit.Preserve,
});

/**
 * Strips types from `source` and rewrites it to run over a persistent scope.
 *
 * @throws {ReplSyntaxError} with the position of the first syntax error.
 */
export function transformInput(ts: typeof TS, source: string): TransformedInput {
  let text = source;
  // `{ a: 1 }` alone is an object, not a block (as in deno repl and node).
  if (/^\s*\{/.test(text) && /\}\s*;?\s*$/.test(text)) {
    const wrapped = `(${text.replace(/;\s*$/, "")}\n)`;
    const sf = ts.createSourceFile("input.ts", wrapped, ts.ScriptTarget.Latest, false);
    if (parseDiagnostics(sf).length === 0) text = wrapped;
  }
  const checked = ts.createSourceFile("input.ts", text, ts.ScriptTarget.Latest, false);
  const errors = parseDiagnostics(checked);
  if (errors.length > 0) throw syntaxError(ts, errors[0], source, text !== source);
  const out = ts.transpileModule(text, {
    compilerOptions: OPTIONS(ts),
    reportDiagnostics: true,
    fileName: "input.ts",
  });
  const problem = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (problem) throw syntaxError(ts, problem, source, text !== source);
  const last = checked.statements[checked.statements.length - 1];
  return rewrite(ts, out.outputText, last !== undefined && ts.isExpressionStatement(last));
}

function syntaxError(
  ts: typeof TS,
  d: Diagnostic,
  source: string,
  wrapped: boolean,
): ReplSyntaxError {
  const shift = wrapped ? 1 : 0;
  const start = Math.max(0, Math.min(source.length, (d.start ?? 0) - shift));
  const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
  return new ReplSyntaxError(
    message,
    source,
    { start, end: start + Math.max(1, d.length ?? 1) },
    "Fix the input and run it again (recall it with the up arrow).",
  );
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function rewrite(ts: typeof TS, js: string, endsWithExpression: boolean): TransformedInput {
  const sf = ts.createSourceFile("input.js", js, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const edits: Edit[] = [];
  const hoisted: string[] = [];
  const declared: string[] = [];
  let temp = 0;
  let returnsExpression = false;
  let definitionsOnly = sf.statements.length > 0;
  const statements = sf.statements;
  const declare = (name: string) => {
    if (!declared.includes(name)) declared.push(name);
  };
  const span = (node: TS.Node) => ({ start: node.getStart(sf), end: node.getEnd() });
  const textOf = (node: TS.Node) => node.getText(sf);

  statements.forEach((statement, index) => {
    const last = index === statements.length - 1;
    if (ts.isImportDeclaration(statement)) {
      edits.push({
        ...span(statement),
        text: importText(ts, sf, statement, declare, () => temp++),
      });
      return;
    }
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      const name = statement.name.text;
      declare(name);
      hoisted.push(`${name} = ${withoutExport(ts, sf, statement)};`);
      edits.push({ ...span(statement), text: "" });
      return;
    }
    if (ts.isClassDeclaration(statement) && statement.name) {
      const name = statement.name.text;
      declare(name);
      edits.push({ ...span(statement), text: `${name} = ${withoutExport(ts, sf, statement)};` });
      return;
    }
    if (ts.isVariableStatement(statement)) {
      const parts: string[] = [];
      let plain = true;
      for (const d of statement.declarationList.declarations) {
        for (const name of bindingNames(ts, d.name)) declare(name);
        const target = textOf(d.name);
        const init = d.initializer ? textOf(d.initializer) : "undefined";
        if (!d.initializer || !isFunctionLike(ts, d.initializer)) plain = false;
        parts.push(
          ts.isIdentifier(d.name) ? `${target} = ${init};` : `(${target} = ${init});`,
        );
      }
      if (!plain) definitionsOnly = false;
      edits.push({ ...span(statement), text: parts.join(" ") });
      return;
    }
    definitionsOnly = false;
    if (ts.isExportAssignment(statement) || ts.isExportDeclaration(statement)) {
      edits.push({ ...span(statement), text: "" });
      return;
    }
    if (last && endsWithExpression && ts.isExpressionStatement(statement)) {
      returnsExpression = true;
      edits.push({ ...span(statement), text: `return (${textOf(statement.expression)}\n);` });
    }
  });

  let body = js;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  }
  const temps = Array.from({ length: temp }, (_, i) => `__m${i}`);
  const head = temps.length ? `let ${temps.join(", ")};\n` : "";
  return {
    body: `${head}with (__scope) {\n${hoisted.join("\n")}\n${body}\n}`,
    declared,
    returnsExpression,
    definitionsOnly,
  };
}

function withoutExport(
  ts: typeof TS,
  sf: TS.SourceFile,
  node: TS.FunctionDeclaration | TS.ClassDeclaration,
): string {
  let text = node.getText(sf);
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : [];
  for (const m of modifiers) {
    if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword) {
      text = text.replace(/^\s*(export\s+)?(default\s+)?/, "");
    }
  }
  return text;
}

function isFunctionLike(ts: typeof TS, node: TS.Expression): boolean {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isClassExpression(node);
}

/** The names a binding (identifier or destructuring pattern) declares. */
function bindingNames(ts: typeof TS, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const element of name.elements) {
    if (ts.isOmittedExpression(element)) continue;
    out.push(...bindingNames(ts, element.name));
  }
  return out;
}

function importText(
  ts: typeof TS,
  sf: TS.SourceFile,
  node: TS.ImportDeclaration,
  declare: (name: string) => void,
  nextTemp: () => number,
): string {
  const spec = node.moduleSpecifier.getText(sf);
  const attributes = node.attributes
    ? `, { with: ${node.attributes.getText(sf).replace(/^(with|assert)\s*/, "")} }`
    : "";
  const load = `await __import(${spec}${attributes})`;
  const clause = node.importClause;
  if (!clause) return `${load};`;
  if (clause.isTypeOnly) return "";
  const assignments: string[] = [];
  const module = `__m${nextTemp()}`;
  if (clause.name) {
    declare(clause.name.text);
    assignments.push(`${clause.name.text} = ${module}.default;`);
  }
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    declare(bindings.name.text);
    assignments.push(`${bindings.name.text} = ${module};`);
  } else if (bindings) {
    for (const element of bindings.elements) {
      if (element.isTypeOnly) continue;
      const local = element.name.text;
      const imported = element.propertyName ? element.propertyName.getText(sf) : local;
      declare(local);
      const key = /^["']/.test(imported) ? `[${imported}]` : `.${imported}`;
      assignments.push(`${local} = ${module}${key};`);
    }
  }
  return `${module} = ${load}; ${assignments.join(" ")}`;
}
