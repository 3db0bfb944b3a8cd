/**
 * Keeps the code's shape honest, as denoland/std's `_tools/check_circular_deps.ts` and
 * `check_mod_exports.ts` do. Rules (CONTRIBUTING.md explains them):
 *
 * 1. No import cycle among casefile's own files.
 * 2. A file or folder named `_…` is private to its unit (the nearest folder with a `mod.ts`;
 *    otherwise `repl/`, `scripts/<tool>/`, `tests/`, or `src/` for the shared foundation).
 *    Only files of the same unit import it. White-box readers are exempt: `tests/` and
 *    `scripts/bench/`.
 * 3. Every public (non-`_`) file of a unit under `src/` is re-exported from the unit's
 *    `mod.ts`, and every unit `mod.ts` under `src/` is a subpath export in `deno.json`.
 * 4. Nothing outside `tests/` imports from `tests/` (benchmarks may use `tests/twins/`, the
 *    loopback stand-ins of outside services).
 * 5. The root `mod.ts` re-exports units' `mod.ts` files (or the shared foundation), never a
 *    unit's inner file.
 *
 * Usage: `deno run --allow-read --allow-env scripts/check_structure.ts [root]` prints one line per
 * violation and exits 1 when there is any.
 *
 * @module
 */
import ts from "typescript";

/** One broken rule, with the file it was found in. */
export interface Violation {
  /** Which rule: see the module doc. */
  rule:
    | "cycle"
    | "private-import"
    | "unexported-file"
    | "missing-subpath"
    | "imports-tests"
    | "deep-root-export";
  /** The file (relative to the root, `/`-separated) the violation is reported on. */
  file: string;
  /** What is wrong, in a sentence. */
  message: string;
}

const SOURCE_ROOTS = ["mod.ts", "src", "repl", "scripts", "tests"];
const WHITE_BOX = ["tests/", "scripts/bench/"];
const SKIP_DIRS = new Set(["node_modules", ".casefile", ".git", "fixtures"]);

/** Checks the tree at `root` and returns every violation, sorted by file. */
export async function checkStructure(root: string): Promise<Violation[]> {
  const files = await sourceFiles(root);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = await Deno.readTextFile(`${root}/${file}`);
    graph.set(file, localImports(file, text).filter((target) => known.has(target)));
  }
  const units = new Set(files.filter((f) => f.endsWith("/mod.ts")).map((f) => dirOf(f)));
  const violations = [
    ...cycles(graph),
    ...privateImports(graph, units),
    ...testImports(graph),
    ...unexportedFiles(graph, units, files),
    ...deepRootExports(graph, units),
    ...(await missingSubpaths(root, units)),
  ];
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule));
}

async function sourceFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(relative: string): Promise<void> {
    const info = await Deno.stat(`${root}/${relative}`).catch(() => undefined);
    if (info === undefined) return;
    if (info.isFile) {
      if (/\.(ts|tsx|mts)$/.test(relative) && !relative.endsWith(".d.ts")) found.push(relative);
      return;
    }
    for await (const entry of Deno.readDir(`${root}/${relative}`)) {
      if (SKIP_DIRS.has(entry.name)) continue;
      await walk(`${relative}/${entry.name}`);
    }
  }
  for (const start of SOURCE_ROOTS) await walk(start);
  return found.sort();
}

/**
 * The relative specifiers a file imports, resolved against the root: static imports and
 * re-exports, `import("…")` calls and `import("…")` types, read from the parsed syntax tree
 * (so an import inside a string, a regex or a doc example is not one).
 */
function localImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)
    ) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    } else if (
      ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      specifiers.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const targets = specifiers.filter((s) => s.startsWith("./") || s.startsWith("../"))
    .map((s) => normalize(`${dirOf(file)}/${s}`));
  return [...new Set(targets)];
}

function dirOf(file: string): string {
  const at = file.lastIndexOf("/");
  return at < 0 ? "" : file.slice(0, at);
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}

function within(file: string, folder: string): boolean {
  return folder === "" || file.startsWith(`${folder}/`);
}

/** The unit a file belongs to: the nearest folder with a mod.ts, else its entry folder. */
function unitOf(file: string, units: Set<string>): string {
  for (let dir = dirOf(file); dir !== ""; dir = dirOf(dir)) {
    if (units.has(dir)) return dir;
  }
  const parts = file.split("/");
  // Without a mod.ts: a capability under src/ still owns its files (and is told to get a
  // mod.ts); a script folder is its own unit.
  if ((parts[0] === "src" || parts[0] === "scripts") && parts.length > 2) {
    return `${parts[0]}/${parts[1]}`;
  }
  return parts.length > 1 ? parts[0] : "";
}

/** The path below its unit, where a `_` segment makes a file private. */
function isPrivate(file: string, units: Set<string>): boolean {
  const unit = unitOf(file, units);
  const inner = unit === "" ? file : file.slice(unit.length + 1);
  return inner.split("/").some((part) => part.startsWith("_"));
}

function cycles(graph: Map<string, string[]>): Violation[] {
  // Tarjan's strongly connected components; each component of more than one file (or a
  // file importing itself) is a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: Violation[] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)!.includes(file)) {
      component.sort();
      found.push({
        rule: "cycle",
        file: component[0],
        message: `import cycle through ${component.length} files: ${component.join(", ")}`,
      });
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

function privateImports(graph: Map<string, string[]>, units: Set<string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, targets] of graph) {
    if (WHITE_BOX.some((folder) => file.startsWith(folder))) continue;
    for (const target of targets) {
      if (!isPrivate(target, units)) continue;
      const owner = unitOf(target, units);
      if (within(file, owner)) continue;
      found.push({
        rule: "private-import",
        file,
        message: `imports ${target}, private to ${owner || "the root"}/: ` +
          `import it from ${owner ? `${owner}/mod.ts` : "mod.ts"} instead`,
      });
    }
  }
  return found;
}

function testImports(graph: Map<string, string[]>): Violation[] {
  const found: Violation[] = [];
  for (const [file, targets] of graph) {
    if (file.startsWith("tests/")) continue;
    // Benchmarks measure against the same loopback twins of outside services the tests use.
    const benchmark = file.startsWith("scripts/bench/");
    const read = targets.filter((t) => t.startsWith("tests/"))
      .filter((t) => !(benchmark && t.startsWith("tests/twins/")));
    for (const target of read) {
      found.push({ rule: "imports-tests", file, message: `imports ${target} from tests/` });
    }
  }
  return found;
}

function unexportedFiles(
  graph: Map<string, string[]>,
  units: Set<string>,
  files: string[],
): Violation[] {
  const found: Violation[] = [];
  for (const file of files) {
    if (!file.startsWith("src/") || file.endsWith("/mod.ts") || isPrivate(file, units)) continue;
    const unit = unitOf(file, units);
    if (unit === "src") continue; // the shared foundation, exported by the root mod.ts
    if (!units.has(unit)) {
      found.push({
        rule: "unexported-file",
        file,
        message: `${unit}/ has no mod.ts: give the unit a public surface`,
      });
      continue;
    }
    const exported = (graph.get(`${unit}/mod.ts`) ?? []).includes(file) ||
      // a public file of a nested unit reaches the parent through the nested mod.ts
      [...units].some((u) => within(file, u) && u !== unit);
    if (!exported) {
      found.push({
        rule: "unexported-file",
        file,
        message: `public file not re-exported from ${unit}/mod.ts: export it there, or name ` +
          `it with a leading _ if it is internal`,
      });
    }
  }
  return found;
}

function deepRootExports(graph: Map<string, string[]>, units: Set<string>): Violation[] {
  return (graph.get("mod.ts") ?? [])
    .filter((target) => !(target.endsWith("/mod.ts") && units.has(dirOf(target))))
    .filter((target) => !(dirOf(target) === "src" && !isPrivate(target, units)))
    .map((target) => ({
      rule: "deep-root-export" as const,
      file: "mod.ts",
      message: `re-exports ${target}: re-export its unit's mod.ts instead`,
    }));
}

async function missingSubpaths(root: string, units: Set<string>): Promise<Violation[]> {
  const config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
  const exports = typeof config.exports === "string"
    ? { ".": config.exports }
    : (config.exports ?? {});
  const targets = new Set(Object.values(exports).map((p) => normalize(String(p))));
  return [...units].filter((unit) => unit.startsWith("src/"))
    .filter((unit) => !targets.has(`${unit}/mod.ts`))
    .map((unit) => ({
      rule: "missing-subpath" as const,
      file: `${unit}/mod.ts`,
      message: `no subpath export in deno.json "exports" for ${unit}/mod.ts`,
    }));
}

if (import.meta.main) {
  const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const violations = await checkStructure(root);
  for (const v of violations) console.log(`${v.file}: [${v.rule}] ${v.message}`);
  console.log(
    violations.length === 0
      ? "structure: no cycles, no private imports, every public file exported"
      : `structure: ${violations.length} violation(s)`,
  );
  if (violations.length > 0) Deno.exit(1);
}
