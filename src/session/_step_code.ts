/**
 * A code step written back as a function a person can read, edit and type-check: the
 * code as typed (TypeScript text in the REPL or a notebook) becomes the body of a function
 * that takes the earlier steps' values it reads and returns the step's value. Its imports
 * become `await import(...)` inside the function (so a module that is gone fails that step,
 * by name); type-only imports are lifted out, to go at the top of a script.
 *
 * `const top = flows.head(3)` becomes `({ flows }: Pick<Steps, "flows">) => flows.head(3)`.
 *
 * @module
 */
import type TS from "typescript";
import type { StepRecord } from "./_journal.ts";
import { asStatements, bindingNames, parseCode, scopeUse, transformInput } from "./_transform.ts";

/** A code step as a function. */
export interface StepFunction {
  /** The function's text (an arrow function), not indented. */
  readonly text: string;
  /** The names it binds when more than its own: it then returns an object of them. */
  readonly bind?: readonly string[];
  /** The earlier steps' variables it takes, in order (`_` is taken as the step before's). */
  readonly params: readonly { readonly name: string; readonly as?: string }[];
  /** Type-only import declarations it made, to put at the top of a script. */
  readonly imports: readonly StepImport[];
  /** Names it reads that no step binds (the casefile API, or names the host provides). */
  readonly free: readonly string[];
}

/** An import a code step made. */
export interface StepImport {
  /** The declaration as written, its specifier replaced by `specifier`. */
  readonly text: (specifier: string) => string;
  /** The specifier as written. */
  readonly specifier: string;
  /** What it resolved to when the step ran (a `file:` URL for local modules). */
  readonly url?: string;
}

/** Options of {@link stepFunction}. */
export interface StepFunctionOptions {
  /** Annotate the parameters (`Pick<Steps, "a">`), for a script that is type-checked. */
  readonly types: boolean;
  /** The name of the variable holding the step before (for `_`), when there is one. */
  readonly previous?: string;
  /** The variables earlier steps bound (to tell them from the API). */
  readonly variables: ReadonlySet<string>;
  /**
   * The specifier to write for a module the step imported (`url`: what it resolved to when
   * the step ran); default: as written.
   */
  readonly specifier?: (specifier: string, url: string | undefined) => string;
}

/**
 * The function form of a code step (`record.form` unset: its code is text). Throws a
 * `CodeSyntaxError` when the code does not parse.
 */
export function stepFunction(
  ts: typeof TS,
  record: StepRecord,
  options: StepFunctionOptions,
): StepFunction {
  const source = record.code;
  if (record.form === "function") return functionForm(ts, record, options);
  const text = asStatements(ts, source);
  const sf = parseCode(ts, source);
  const transformed = transformInput(ts, source);
  const binds = record.binds ?? [record.name];
  const uses = record.uses
    ? Object.keys(record.uses)
    : transformed.uses.filter((n) => n === "_" || options.variables.has(n));
  const params: { name: string; as?: string }[] = [];
  for (const n of uses) {
    if (n === "_") {
      if (options.previous) params.push({ name: options.previous, as: "_" });
    } else if (options.variables.has(n)) params.push({ name: n });
  }
  const paramNames = new Set(params.map((p) => p.as ?? p.name));
  const free = transformed.uses.filter((n) => !paramNames.has(n) && !options.variables.has(n));

  const imports: StepImport[] = [];
  const body: string[] = [];
  for (const statement of sf.statements) {
    const full = text.slice(statement.getFullStart(), statement.getEnd()).replace(/^\s*\n/, "");
    if (ts.isImportDeclaration(statement)) {
      if (!ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const spec = statement.moduleSpecifier;
      const url = record.imports?.find((i) => i.specifier === spec.text)?.url;
      if (statement.importClause?.isTypeOnly) {
        const head = text.slice(statement.getStart(sf), spec.getStart(sf));
        const tail = text.slice(spec.getEnd(), statement.getEnd());
        const quote = spec.getText(sf)[0];
        imports.push({
          text: (specifier) => `${head}${quote}${specifier}${quote}${tail}`,
          specifier: spec.text,
          url,
        });
      } else {
        const written = options.specifier?.(spec.text, url) ?? spec.text;
        body.push(dynamicImport(ts, sf, statement, written));
      }
      continue;
    }
    body.push(redeclared(ts, sf, text, statement, paramNames) ?? full);
  }

  const signature = paramList(params, options.types);
  const hasImports = sf.statements.some((s) =>
    ts.isImportDeclaration(s) && !s.importClause?.isTypeOnly
  );
  const async = hasImports || /\bawait\b/.test(source) ? "async " : "";
  const statements = sf.statements.filter((s) =>
    !ts.isImportDeclaration(s) || !s.importClause?.isTypeOnly
  );
  const only = statements.length === 1 ? statements[0] : undefined;
  const single = binds.length === 1 && binds[0] === record.name;
  const declaresOwn = transformed.declared.includes(record.name) ||
    transformed.assigned.includes(record.name);
  let expression: string | undefined;
  if (only && single && statements.length === 1 && !ts.isImportDeclaration(only)) {
    if (
      ts.isVariableStatement(only) && only.declarationList.declarations.length === 1 &&
      ts.isIdentifier(only.declarationList.declarations[0].name) &&
      only.declarationList.declarations[0].name.text === record.name &&
      only.declarationList.declarations[0].initializer
    ) {
      expression = only.declarationList.declarations[0].initializer.getText(sf);
    } else if (ts.isExpressionStatement(only) && !declaresOwn) {
      // `{ a: 1 }` alone was parenthesised to parse as an object: written back unwrapped.
      const e = text !== source && ts.isParenthesizedExpression(only.expression)
        ? only.expression.expression
        : only.expression;
      expression = e.getText(sf);
    } else if (
      ts.isExpressionStatement(only) && ts.isBinaryExpression(only.expression) &&
      only.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isIdentifier(only.expression.left) && only.expression.left.text === record.name
    ) {
      expression = only.expression.right.getText(sf);
    }
  }
  if (expression !== undefined) {
    const wrapped = /^\s*\{/.test(expression) ? `(${expression})` : expression;
    return {
      text: `${async}${signature} => ${wrapped}`,
      params,
      imports,
      free,
    };
  }
  // A block: the statements as written, then what the step binds.
  const last = statements.at(-1);
  const valueOfLast = !declaresOwn && last && ts.isExpressionStatement(last)
    ? last.expression.getText(sf)
    : undefined;
  if (single) {
    if (valueOfLast !== undefined) body[body.length - 1] = `return ${valueOfLast};`;
    // A step that binds nothing and ends in a statement has no value to return.
    else if (declaresOwn) body.push(`return ${record.name};`);
  } else {
    // The step's own value is its last expression's: bound to its name with the others.
    if (valueOfLast !== undefined) body[body.length - 1] = `const ${record.name} = ${valueOfLast};`;
    body.push(`return { ${binds.join(", ")} };`);
  }
  return {
    text: `${async}${signature} => {\n${indent(dedent(body.join("\n")), "  ")}\n}`,
    bind: single ? undefined : binds,
    params,
    imports,
    free,
  };
}

/**
 * A function-form step (`session.run(name, fn)`): its source as recorded (the code Deno
 * ran, types stripped), its first parameter typed when it takes earlier steps' values
 * (`({ spray }: Pick<Steps, "spray">) => ...`).
 */
function functionForm(
  ts: typeof TS,
  record: StepRecord,
  options: StepFunctionOptions,
): StepFunction {
  const code = record.code.trim();
  let free: string[] = [];
  let text = code;
  const params: { name: string; as?: string }[] = [];
  try {
    const sf = parseCode(ts, `(${code})`);
    free = scopeUse(ts, sf, []).uses.filter((n) => !options.variables.has(n));
    const statement = sf.statements[0];
    let fn: TS.Node | undefined = statement && ts.isExpressionStatement(statement)
      ? statement.expression
      : undefined;
    while (fn && ts.isParenthesizedExpression(fn)) fn = fn.expression;
    const first = fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))
      ? fn.parameters[0]
      : undefined;
    if (first && !first.type && ts.isObjectBindingPattern(first.name)) {
      for (const element of first.name.elements) {
        const key = (element.propertyName ?? element.name).getText(sf);
        const local = element.name.getText(sf);
        params.push(key === local ? { name: key } : { name: key, as: local });
      }
      const takesSteps = params.length > 0 && !first.name.elements.some((e) => e.dotDotDotToken) &&
        params.every((p) => options.variables.has(p.name));
      if (options.types && takesSteps) {
        // The source was parsed inside "(": positions are one further on.
        const end = first.name.getEnd() - 1;
        const keys = [...new Set(params.map((p) => JSON.stringify(p.name)))].join(" | ");
        text = `${code.slice(0, end)}: Pick<Steps, ${keys}>${code.slice(end)}`;
      } else if (!takesSteps) params.length = 0;
    }
  } catch {
    // Left as it is, for the script's type check to report.
  }
  return { text, bind: record.binds, params, imports: [], free };
}

/** An import declaration as `const { a, b: c } = await import("x");`. */
function dynamicImport(
  ts: typeof TS,
  sf: TS.SourceFile,
  node: TS.ImportDeclaration,
  specifier: string,
): string {
  const attributes = node.attributes
    ? `, { with: ${node.attributes.getText(sf).replace(/^(with|assert)\s*/, "")} }`
    : "";
  const load = `await import(${JSON.stringify(specifier)}${attributes})`;
  const clause = node.importClause;
  if (!clause) return `${load};`;
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    const ns = bindings.name.text;
    return clause.name
      ? `const ${ns} = ${load};\nconst ${clause.name.text} = ${ns}.default;`
      : `const ${ns} = ${load};`;
  }
  const names: string[] = [];
  if (clause.name) names.push(`default: ${clause.name.text}`);
  for (const element of bindings?.elements ?? []) {
    if (element.isTypeOnly) continue;
    const local = element.name.text;
    const imported = element.propertyName?.getText(sf);
    names.push(imported && imported !== local ? `${imported}: ${local}` : local);
  }
  return `const { ${names.join(", ")} } = ${load};`;
}

function paramList(params: readonly { name: string; as?: string }[], types: boolean): string {
  if (params.length === 0) return "()";
  const names = params.map((p) => p.as ? `${p.name}: ${p.as}` : p.name).join(", ");
  if (!types) return `({ ${names} })`;
  const keys = [...new Set(params.map((p) => JSON.stringify(p.name)))].join(" | ");
  return `({ ${names} }: Pick<Steps, ${keys}>)`;
}

/**
 * A top-level declaration of a name the function takes as a parameter, as an assignment
 * (`const flows = flows.filter(...)` reads the earlier `flows`); undefined when the
 * statement declares none of them.
 */
function redeclared(
  ts: typeof TS,
  sf: TS.SourceFile,
  text: string,
  statement: TS.Statement,
  params: ReadonlySet<string>,
): string | undefined {
  if (!ts.isVariableStatement(statement)) return undefined;
  const declarations = statement.declarationList.declarations;
  const hits = declarations.some((d) => bindingNames(ts, d.name).some((n) => params.has(n)));
  if (!hits) return undefined;
  const leading = text.slice(statement.getFullStart(), statement.getStart(sf)).replace(
    /^\s*\n/,
    "",
  );
  const parts = declarations.map((d) => {
    const init = d.initializer ? d.initializer.getText(sf) : "undefined";
    const target = d.name.getText(sf);
    return ts.isIdentifier(d.name) ? `${target} = ${init};` : `(${target} = ${init});`;
  });
  return leading + parts.join("\n");
}

/** Lines with their common leading whitespace removed. */
export function dedent(text: string): string {
  const lines = text.split("\n");
  const widths = lines.filter((l) => l.trim() !== "").map((l) => /^\s*/.exec(l)![0].length);
  const cut = widths.length ? Math.min(...widths) : 0;
  return lines.map((l) => l.slice(Math.min(cut, /^\s*/.exec(l)![0].length))).join("\n");
}

/** Lines with `prefix` added (empty lines stay empty). */
export function indent(text: string, prefix: string): string {
  return text.split("\n").map((l) => l.trim() === "" ? "" : prefix + l).join("\n");
}
