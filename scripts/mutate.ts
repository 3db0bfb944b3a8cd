/**
 * Mutation testing for one module: plants small bugs in it one at a time and checks that its
 * tests fail. A mutant the tests do not notice ("survived") is a bug the suite would let through.
 *
 * Mutants: comparison and logic operators (`<`↔`<=`, `>`↔`>=`, `===`↔`!==`, `+`↔`-`,
 * `&&`↔`||`), small integer literals (n → n+1, n−1), booleans flipped, `if` conditions replaced
 * by `true`/`false`, statements removed from blocks (one at a time), string literals emptied.
 *
 * The working tree is never edited: the repo is copied to a temporary folder (node_modules
 * hard-linked, the sibling `../shared` symlinked), each mutant is written there, the tests run with
 * `deno test -A --no-check --fail-fast`, and the file is restored. One mutant at a time. A copy
 * that cannot be made is removed before the run stops.
 *
 * Usage: `deno task mutate <module.ts> [test files or folders...] [--max N] [--timeout S] [--list]`.
 * Without tests, it runs the test files under `tests/` that import the module by file name, or
 * else the folder `tests/<unit>/`. `--max` samples N mutants evenly (deterministic); `--list`
 * only prints the mutants.
 *
 * @module
 */
import ts from "typescript";

/** One planted bug: the source range it replaces and what it writes there. */
export interface Mutant {
  /** 1-based line of the change. */
  line: number;
  /** Start offset (inclusive) in the source text. */
  start: number;
  /** End offset (exclusive) in the source text. */
  end: number;
  /** The replacement text. */
  text: string;
  /** What changed, for a person (`< → <=`). */
  label: string;
}

const OPERATORS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.LessThanToken]: "<=",
  [ts.SyntaxKind.LessThanEqualsToken]: "<",
  [ts.SyntaxKind.GreaterThanToken]: ">=",
  [ts.SyntaxKind.GreaterThanEqualsToken]: ">",
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "!==",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "===",
  [ts.SyntaxKind.PlusToken]: "-",
  [ts.SyntaxKind.MinusToken]: "+",
  [ts.SyntaxKind.AmpersandAmpersandToken]: "||",
  [ts.SyntaxKind.BarBarToken]: "&&",
};

/** Every mutant of `text` (a TypeScript module), in source order. */
export function generateMutants(text: string, file = "module.ts"): Mutant[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const mutants: Mutant[] = [];
  const add = (node: ts.Node, replacement: string, label: string) => {
    const start = node.getStart(source);
    const line = source.getLineAndCharacterOfPosition(start).line + 1;
    mutants.push({ line, start, end: node.getEnd(), text: replacement, label });
  };
  const visit = (node: ts.Node): void => {
    // Types, imports and declarations of shape only: mutating them changes no behaviour.
    if (
      ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isExportDeclaration(node) ||
      ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) ||
      ts.isPropertyAssignment(node) && visitProperty(node)
    ) return;
    if (ts.isBinaryExpression(node)) {
      const to = OPERATORS[node.operatorToken.kind];
      if (to) add(node.operatorToken, to, `${node.operatorToken.getText(source)} → ${to}`);
    } else if (ts.isNumericLiteral(node)) {
      const n = Number(node.text);
      if (Number.isInteger(n) && n <= 1024) {
        add(node, String(n + 1), `${n} → ${n + 1}`);
        add(node, String(n - 1), `${n} → ${n - 1}`);
      }
    } else if (node.kind === ts.SyntaxKind.TrueKeyword) {
      add(node, "false", "true → false");
    } else if (node.kind === ts.SyntaxKind.FalseKeyword) {
      add(node, "true", "false → true");
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (node.text !== "") add(node, '""', `${shorten(node.getText(source))} → ""`);
    } else if (ts.isIfStatement(node)) {
      add(node.expression, "true", "if condition → true");
      add(node.expression, "false", "if condition → false");
    } else if (ts.isBlock(node)) {
      for (const statement of node.statements) {
        // Removing a declaration only makes a reference error; that teaches nothing.
        if (ts.isVariableStatement(statement) || ts.isFunctionDeclaration(statement)) continue;
        add(statement, "", `removed: ${shorten(statement.getText(source))}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  // A property's name is not behaviour; its value is. Returns true when handled here.
  const visitProperty = (node: ts.PropertyAssignment): boolean => {
    visit(node.initializer);
    return true;
  };
  visit(source);
  return mutants.sort((a, b) => a.start - b.start || a.label.localeCompare(b.label));
}

function shorten(text: string): string {
  const one = text.replace(/\s+/g, " ");
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}

/** `count` mutants spread evenly over `all` (all of them when there are not more). */
export function sample<T>(all: readonly T[], count: number): T[] {
  if (all.length <= count) return [...all];
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]);
}

/** Applies one mutant to the source text. */
export function applyMutant(text: string, m: Mutant): string {
  return text.slice(0, m.start) + m.text + text.slice(m.end);
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && entry.name !== "node_modules") out.push(...await walk(path));
    else if (entry.isFile && /_test\.ts$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** The module's own tests: files under `tests/` naming it in an import, else `tests/<unit>/`. */
async function defaultTests(module: string): Promise<string[]> {
  const name = module.split("/").pop()!;
  const found: string[] = [];
  for (const file of await walk("tests")) {
    const text = await Deno.readTextFile(file);
    if (text.includes(`/${name}"`)) found.push(file);
  }
  if (found.length > 0) return found;
  const unit = /^src\/([^/]+)\//.exec(module)?.[1];
  return unit ? [`tests/${unit}/`] : [];
}

/** The copy of the tree could not be made (a full disk, an unreadable file). */
class CopyError extends Error {}

/**
 * Copies the tree at `root` into `dir/main` (`dir` made by the caller, who removes it whatever
 * happens, a failed copy included) and returns the copy's path.
 */
async function copyTree(root: string, dir: string): Promise<string> {
  const copy = `${dir}/main`;
  await Deno.mkdir(copy);
  for await (const entry of Deno.readDir(root)) {
    if ([".git", ".casefile", "node_modules"].includes(entry.name)) continue;
    const cp = new Deno.Command("cp", {
      args: ["-r", `${root}/${entry.name}`, copy],
      stdout: "null",
      stderr: "piped",
    });
    const out = await cp.output();
    if (!out.success) {
      const why = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
      throw new CopyError(`could not copy ${entry.name}${why ? `: ${why}` : ""}`);
    }
  }
  // node_modules hard-linked (no copying), so that it lies inside the copy: tests that run an
  // exported script with exactly the read permissions of its first line (the checkout only)
  // need Polars' native library there. A symlink where hard links cannot be made.
  const linked = new Deno.Command("cp", {
    args: ["-al", `${root}/node_modules`, `${copy}/node_modules`],
  });
  if (!(await linked.output()).success) {
    await Deno.remove(`${copy}/node_modules`, { recursive: true }).catch(() => {});
    await Deno.symlink(`${root}/node_modules`, `${copy}/node_modules`);
  }
  const shared = `${root}/../shared`;
  if (await exists(shared)) await Deno.symlink(await Deno.realPath(shared), `${dir}/shared`);
  return copy;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

type Outcome = "killed" | "survived" | "timeout";

// The test run in progress, stopped with the harness (Ctrl-C, kill) so none is left behind.
let running: Deno.ChildProcess | undefined;

async function runTests(cwd: string, tests: string[], timeoutMs: number): Promise<Outcome> {
  const child = new Deno.Command(Deno.execPath(), {
    // A mutant is killed by its first failing test: stop there (survivors still run them all).
    args: ["test", "-A", "--no-check", "--fail-fast", ...tests],
    cwd,
    stdout: "null",
    stderr: "null",
  }).spawn();
  running = child;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const status = await child.status;
  clearTimeout(timer);
  running = undefined;
  return timedOut ? "timeout" : status.success ? "survived" : "killed";
}

async function main(args: string[]): Promise<number> {
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const value = Number(args[i + 1]);
    args.splice(i, 2);
    return value;
  };
  const max = flag("--max", Infinity);
  const timeoutS = flag("--timeout", 0);
  const list = args.includes("--list");
  const [module, ...given] = args.filter((a) => a !== "--list");
  if (!module) {
    console.error(
      "usage: deno task mutate <module.ts> [tests...] [--max N] [--timeout S] [--list]",
    );
    return 2;
  }
  const original = await Deno.readTextFile(module);
  const all = generateMutants(original, module);
  const mutants = sample(all, max);
  console.log(`${module}: ${all.length} mutants, running ${mutants.length}`);
  if (list) {
    for (const m of mutants) console.log(`  L${m.line}  ${m.label}`);
    return 0;
  }
  const tests = given.length > 0 ? given : await defaultTests(module);
  if (tests.length === 0) {
    console.error(`no tests found for ${module}; name them after the module`);
    return 2;
  }
  console.log(`tests: ${tests.join(" ")}`);
  const dir = await Deno.makeTempDir({ prefix: "casefile-mutate-" });
  // Interrupted (while copying too): stop the test run and remove the copy of the tree, then exit.
  const stop = () => {
    try {
      running?.kill("SIGKILL");
    } catch { /* already ended */ }
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already removed */ }
    Deno.exit(130);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, stop);
  try {
    let copy: string;
    try {
      copy = await copyTree(Deno.cwd(), dir);
    } catch (error) {
      if (!(error instanceof CopyError)) throw error;
      console.error(`${error.message}\nno mutant was run; the temporary copy was removed`);
      return 1;
    }
    const started = Date.now();
    if (await runTests(copy, tests, 600_000) !== "survived") {
      console.error("the tests fail before any mutation; fix them first");
      return 1;
    }
    const timeoutMs = timeoutS > 0 ? timeoutS * 1000 : Math.max(30_000, 5 * (Date.now() - started));
    const counts: Record<Outcome, number> = { killed: 0, survived: 0, timeout: 0 };
    const survivors: Mutant[] = [];
    for (const [i, m] of mutants.entries()) {
      await Deno.writeTextFile(`${copy}/${module}`, applyMutant(original, m));
      const outcome = await runTests(copy, tests, timeoutMs);
      counts[outcome]++;
      if (outcome === "survived") survivors.push(m);
      console.log(`${String(i + 1).padStart(4)} ${outcome.padEnd(8)} L${m.line}  ${m.label}`);
    }
    await Deno.writeTextFile(`${copy}/${module}`, original);
    const detected = counts.killed + counts.timeout;
    const score = mutants.length ? (100 * detected / mutants.length).toFixed(1) : "100.0";
    console.log(
      `\nscore ${score}% (${detected}/${mutants.length}): killed ${counts.killed}, ` +
        `timeout ${counts.timeout}, survived ${counts.survived}`,
    );
    for (const m of survivors) console.log(`  survived  ${module}:${m.line}  ${m.label}`);
    return 0;
  } finally {
    for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(signal, stop);
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) Deno.exit(await main([...Deno.args]));
