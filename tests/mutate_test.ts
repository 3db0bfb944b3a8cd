// The mutation harness's mutants, checked against a small module listed by hand.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { applyMutant, generateMutants, sample } from "../scripts/mutate.ts";
import { tempFolder } from "./_helpers.ts";

const SOURCE = `type Kind = "a" | 1;
import { x } from "./x.ts";
export function f(n: number, s: string): boolean {
  const o: { key: "v" | 0 } = { key: "v", e: "" };
  if (n < 2 && s === "k") return true;
  g();
  return false;
}
`;

Deno.test("mutate: each kind of mutant, none in types, imports or property names", () => {
  const mutants = generateMutants(SOURCE).map((m) => `L${m.line} ${m.label}`);
  assert.deepEqual(mutants, [
    'L4 "v" → ""',
    'L5 removed: if (n < 2 && s === "k") return true;',
    "L5 if condition → false",
    "L5 if condition → true",
    "L5 < → <=",
    "L5 2 → 1",
    "L5 2 → 3",
    "L5 && → ||",
    "L5 === → !==",
    'L5 "k" → ""',
    "L5 true → false",
    "L6 removed: g();",
    "L7 removed: return false;",
    "L7 false → true",
  ]);
});

Deno.test("mutate: a mutant rewrites only its own range; sampling is even and deterministic", () => {
  const lt = generateMutants(SOURCE).find((m) => m.label === "< → <=")!;
  assert.equal(
    applyMutant(SOURCE, lt).split("\n")[4],
    '  if (n <= 2 && s === "k") return true;',
  );
  assert.deepEqual(sample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4), [0, 2, 5, 7]);
  assert.deepEqual(sample([1, 2], 5), [1, 2]);
});

Deno.test("mutate: a copy of the tree that fails is removed, and the run says why", async () => {
  // A full disk as `cp` reports it: a `cp` first on PATH that fails like that.
  const bin = await tempFolder({
    cp: "#!/bin/sh\necho \"cp: error writing '$3/mod.ts': No space left on device\" >&2\nexit 1\n",
  });
  await Deno.chmod(`${bin}/cp`, 0o755);
  const tmp = await tempFolder();
  const tree = await tempFolder({
    "mod.ts": "export function f(n: number): boolean {\n  return n < 2;\n}\n",
    "mod_test.ts":
      'import { f } from "./mod.ts";\nDeno.test("f", () => { if (!f(1)) throw 1; });\n',
  });
  const repo = fileURLToPath(new URL("../", import.meta.url));
  try {
    await runWithFailingCopy(repo, bin, tmp, tree);
  } finally {
    for (const dir of [bin, tmp, tree]) await Deno.remove(dir, { recursive: true });
  }
});

async function runWithFailingCopy(repo: string, bin: string, tmp: string, tree: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `--config=${repo}deno.json`,
      `${repo}scripts/mutate.ts`,
      "mod.ts",
      "mod_test.ts",
    ],
    cwd: tree,
    env: { TMPDIR: tmp, PATH: `${bin}:${Deno.env.get("PATH")}`, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, stderr);
  assert.match(
    stderr,
    /could not copy mod(_test)?\.ts: cp: error writing .*No space left on device/,
  );
  assert.match(stderr, /no mutant was run; the temporary copy was removed/);
  const left: string[] = [];
  for await (const entry of Deno.readDir(tmp)) {
    if (entry.name.startsWith("casefile-mutate-")) left.push(entry.name);
  }
  assert.deepEqual(left, [], "the temporary copy was left behind");
}
