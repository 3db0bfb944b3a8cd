/**
 * Keeps the public surface documented, as denoland/std's doc checks do:
 *
 * 1. `deno doc --lint` is clean on every entry point in `deno.json`'s `exports` (errors
 *    located in node_modules, such as nodejs-polars's own declarations behind `pl`, are not
 *    ours to fix and are left out).
 * 2. Every `@example` in a public file (`mod.ts` and the non-`_` files under `src/`) checks
 *    what it shows with an assertion (`assert…`), so `deno test --doc` proves it, instead of
 *    printing something nobody reads.
 *
 * Usage: `deno run --allow-read --allow-run scripts/check_docs.ts [root]`; exits 1 on any
 * problem.
 *
 * @module
 */

/** One documentation problem: where, and what. */
export interface DocProblem {
  /** `path:line` relative to the root. */
  where: string;
  /** The lint rule or `example-without-assert`. */
  rule: string;
  /** The message. */
  message: string;
}

/** Runs `deno doc --lint` on the entry points and returns problems outside node_modules. */
export async function docLint(root: string): Promise<DocProblem[]> {
  const config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
  const exports = typeof config.exports === "string"
    ? [config.exports]
    : Object.values(config.exports ?? {}).map(String);
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...exports],
    cwd: root,
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
  return parseDocLint(text, root);
}

/** The problems in `deno doc --lint` output, without those located in node_modules. */
export function parseDocLint(text: string, root: string): DocProblem[] {
  const problems: DocProblem[] = [];
  const pattern = /^error\[([\w-]+)\]: (.*)\n\s*--> (.+?):(\d+):\d+/gm;
  for (const match of text.matchAll(pattern)) {
    const [, rule, message, path, line] = match;
    if (path.includes("/node_modules/")) continue;
    const relative = path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
    problems.push({ where: `${relative}:${line}`, rule, message });
  }
  return problems;
}

/** `@example` blocks in public files whose code asserts nothing. */
export async function examplesWithoutAssert(root: string): Promise<DocProblem[]> {
  const problems: DocProblem[] = [];
  for (const file of await publicFiles(root)) {
    const text = await Deno.readTextFile(`${root}/${file}`);
    for (const example of examples(text)) {
      if (/\bassert\w*[.(]/.test(example.code)) continue;
      problems.push({
        where: `${file}:${example.line}`,
        rule: "example-without-assert",
        message: `@example ${example.title || "(untitled)"} prints or runs but checks nothing: ` +
          `assert what it shows (import assert from "node:assert/strict")`,
      });
    }
  }
  return problems;
}

/** The code of each `@example` in a file's doc comments, with the line it starts on. */
export function examples(text: string): Array<{ title: string; line: number; code: string }> {
  const found: Array<{ title: string; line: number; code: string }> = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const tag = lines[i].match(/^\s*\*\s*@example\s*(.*)$/);
    if (tag === null) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*\*\s*```/.test(lines[j]) && !/\*\/|@\w+/.test(lines[j])) j++;
    if (j >= lines.length || !/^\s*\*\s*```/.test(lines[j])) continue;
    const code: string[] = [];
    let k = j + 1;
    while (k < lines.length && !/^\s*\*\s*```/.test(lines[k])) {
      code.push(lines[k].replace(/^\s*\* ?/, ""));
      k++;
    }
    found.push({ title: tag[1].trim(), line: i + 1, code: code.join("\n") });
    i = k;
  }
  return found;
}

async function publicFiles(root: string): Promise<string[]> {
  const files = ["mod.ts"];
  async function walk(relative: string): Promise<void> {
    for await (const entry of Deno.readDir(`${root}/${relative}`)) {
      if (entry.name.startsWith("_")) continue;
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  }
  await walk("src");
  return files.sort();
}

if (import.meta.main) {
  const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const problems = [...await docLint(root), ...await examplesWithoutAssert(root)];
  for (const p of problems) console.log(`${p.where}: [${p.rule}] ${p.message}`);
  console.log(
    problems.length === 0
      ? "docs: the public surface is documented and every example asserts"
      : `docs: ${problems.length} problem(s)`,
  );
  if (problems.length > 0) Deno.exit(1);
}
