/**
 * A code step's TypeScript to a runnable function body. Types are stripped by TypeScript's
 * `transpileModule` (no type check, as in `deno repl`); then top-level declarations become
 * assignments to the session's persistent scope (so `const x = 1` then `const x = 2` works),
 * imports become `await __import(...)`, and the last expression is returned.
 *
 * The same pass says what the step does with the scope: the names it binds (declares, or
 * assigns to), the names it reads from earlier steps, and the modules it imports. Replays
 * and exports rely on these.
 *
 * @module
 */
import type TS from "typescript";
import { CodeSyntaxError } from "./errors.ts";

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
  /**
   * Names the input assigns to without declaring them (`x = x.head(3)`, `total += n`), in
   * order: it binds them anew, like a declaration.
   */
  readonly assigned: readonly string[];
  /**
   * Names the input reads before (or without) binding them itself: the values it takes from
   * the scope. A superset (shadowing inside nested functions is not resolved).
   */
  readonly uses: readonly string[];
  /** The modules the input imports (`import ... from "x"`), as written. */
  readonly imports: readonly string[];
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
 * The source as TypeScript parses it: `{ a: 1 }` alone is an object, not a block (as in
 * deno repl and node), so it is wrapped in parentheses.
 */
export function asStatements(ts: typeof TS, source: string): string {
  if (/^\s*\{/.test(source) && /\}\s*;?\s*$/.test(source)) {
    const wrapped = `(${source.replace(/;\s*$/, "")}\n)`;
    const sf = ts.createSourceFile("input.ts", wrapped, ts.ScriptTarget.Latest, false);
    if (parseDiagnostics(sf).length === 0) return wrapped;
  }
  return source;
}

/**
 * Parses `source` (TypeScript) and throws its first syntax error.
 *
 * @throws {CodeSyntaxError} with the position of the first syntax error.
 */
export function parseCode(ts: typeof TS, source: string): TS.SourceFile {
  const text = asStatements(ts, source);
  const sf = ts.createSourceFile("input.ts", text, ts.ScriptTarget.Latest, true);
  const errors = parseDiagnostics(sf);
  if (errors.length > 0) throw syntaxError(ts, errors[0], source, text !== source);
  return sf;
}

/**
 * Strips types from `source` and rewrites it to run over a persistent scope.
 *
 * @throws {CodeSyntaxError} with the position of the first syntax error.
 */
export function transformInput(ts: typeof TS, source: string): TransformedInput {
  const text = asStatements(ts, source);
  const checked = parseCode(ts, source);
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
): CodeSyntaxError {
  const shift = wrapped ? 1 : 0;
  const start = Math.max(0, Math.min(source.length, (d.start ?? 0) - shift));
  const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
  return new CodeSyntaxError(
    message,
    source,
    { start, end: start + Math.max(1, d.length ?? 1) },
    "Fix the code and run it again.",
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
  const imports: string[] = [];
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
      if (!statement.importClause?.isTypeOnly && ts.isStringLiteral(statement.moduleSpecifier)) {
        imports.push(statement.moduleSpecifier.text);
      }
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
  const { uses, assigned } = scopeUse(ts, sf, declared);
  return {
    body: `${head}with (__scope) {\n${hoisted.join("\n")}\n${body}\n}`,
    declared,
    assigned,
    uses,
    imports,
    returnsExpression,
    definitionsOnly,
  };
}

/**
 * The names `sf` reads from its surroundings and the ones it assigns without declaring.
 *
 * A read of a name counts when the name is not declared at top level, or when it comes
 * before the end of the name's first top-level declaration (`const x = x.head(3)` reads
 * the earlier `x`); a function declaration is hoisted, so reads of it never count. Names
 * bound in nested scopes (parameters, block variables) shadow the outer ones there.
 */
export function scopeUse(
  ts: typeof TS,
  sf: TS.SourceFile,
  declared: readonly string[],
): { uses: string[]; assigned: string[] } {
  // Where each top-level name is first declared (the end of its statement; -1: hoisted).
  const declaredAt = new Map<string, number>();
  for (const statement of sf.statements) {
    const end = statement.getEnd();
    const names: string[] = [];
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        names.push(...bindingNames(ts, d.name));
      }
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      declaredAt.set(statement.name.text, -1);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      names.push(statement.name.text);
    } else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.push(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
      else if (bindings) { for (const e of bindings.elements) names.push(e.name.text); }
    }
    for (const name of names) if (!declaredAt.has(name)) declaredAt.set(name, end);
  }
  const reads: string[] = [];
  const writes: string[] = [];
  const scopes: Set<string>[] = [];
  const isLocal = (name: string) => scopes.some((scope) => scope.has(name));
  const visit = (node: TS.Node): void => {
    const opens = node !== sf && opensScope(ts, node);
    if (opens) scopes.push(namesDeclaredIn(ts, node));
    if (ts.isIdentifier(node) && isReference(ts, node) && !isLocal(node.text)) {
      const at = declaredAt.get(node.text);
      if (at === undefined || (at >= 0 && node.getStart(sf) < at)) reads.push(node.text);
    }
    const target = assignmentTarget(ts, node);
    if (target && !isLocal(target.text)) writes.push(target.text);
    ts.forEachChild(node, visit);
    if (opens) scopes.pop();
  };
  visit(sf);
  const unique = (names: string[]) => [...new Set(names)];
  return {
    uses: unique(reads).filter((n) => !GLOBAL_NAMES.has(n)),
    assigned: unique(writes).filter((n) => !declared.includes(n)),
  };
}

function opensScope(ts: typeof TS, node: TS.Node): boolean {
  return ts.isFunctionLike(node) || ts.isClassLike(node) || ts.isBlock(node) ||
    ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node) ||
    ts.isCatchClause(node) || ts.isCaseBlock(node);
}

/** The names a nested scope binds directly (its parameters and declarations, hoisted). */
function namesDeclaredIn(ts: typeof TS, node: TS.Node): Set<string> {
  const names = new Set<string>();
  const fromStatements = (statements: readonly TS.Statement[]) => {
    for (const s of statements) {
      if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) {
          for (const n of bindingNames(ts, d.name)) names.add(n);
        }
      } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) {
        names.add(s.name.text);
      }
    }
  };
  if (ts.isFunctionLike(node)) {
    for (const p of node.parameters) for (const n of bindingNames(ts, p.name)) names.add(n);
    if (ts.isFunctionExpression(node) && node.name) names.add(node.name.text);
    const body = (node as { body?: TS.Node }).body;
    if (body && ts.isBlock(body)) fromStatements(body.statements);
  } else if (ts.isClassExpression(node) && node.name) {
    names.add(node.name.text);
  } else if (ts.isBlock(node)) {
    fromStatements(node.statements);
  } else if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
    const init = node.initializer;
    if (init && ts.isVariableDeclarationList(init)) {
      for (const d of init.declarations) for (const n of bindingNames(ts, d.name)) names.add(n);
    }
  } else if (ts.isCatchClause(node) && node.variableDeclaration) {
    for (const n of bindingNames(ts, node.variableDeclaration.name)) names.add(n);
  } else if (ts.isCaseBlock(node)) {
    for (const clause of node.clauses) fromStatements(clause.statements);
  }
  return names;
}

/** The identifier an assignment (`x = `, `x += `, `x++`) writes to, if any. */
function assignmentTarget(ts: typeof TS, node: TS.Node): TS.Identifier | undefined {
  if (
    ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    node.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(node.left)
  ) {
    return node.left;
  }
  if (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken ||
      node.operator === ts.SyntaxKind.MinusMinusToken) &&
    ts.isIdentifier(node.operand)
  ) {
    return node.operand;
  }
  return undefined;
}

/** Names every host has: never taken from the session's scope. */
const GLOBAL_NAMES: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(globalThis).concat(["undefined", "arguments", "this"]),
);

/** Whether an identifier is a read of a variable (not a property name, label or declaration). */
function isReference(ts: typeof TS, node: TS.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (
    (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) ||
      ts.isPropertyDeclaration(parent) || ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent) || ts.isEnumMember(parent)) && parent.name === node
  ) {
    return false;
  }
  if (ts.isBindingElement(parent) && (parent.propertyName === node || parent.name === node)) {
    return false;
  }
  if (
    (ts.isVariableDeclaration(parent) || ts.isParameter(parent) ||
      ts.isFunctionDeclaration(parent) || ts.isFunctionExpression(parent) ||
      ts.isClassDeclaration(parent) || ts.isClassExpression(parent) ||
      ts.isImportClause(parent) || ts.isNamespaceImport(parent) ||
      ts.isImportSpecifier(parent) || ts.isLabeledStatement(parent) ||
      ts.isBreakOrContinueStatement(parent)) && (parent as { name?: TS.Node }).name === node
  ) {
    return false;
  }
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isMetaProperty(parent)) return false;
  return true;
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
export function bindingNames(ts: typeof TS, name: TS.BindingName): string[] {
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
