/**
 * Every public function that takes an options object checks it at run time: the test walks
 * the root mod.ts's exports (as `deno doc` lists them, the same reading `.doc` uses), calls
 * each function that has an options parameter with an option that does not exist, and
 * expects an OptionError naming it. A new function without the check fails here.
 */
import assert from "node:assert/strict";
import * as casefile from "../mod.ts";
import { OptionError } from "../src/options.ts";
import { loadDocs } from "../repl/_doc.ts";

// Functions with options that do not check them yet, each with why. Keep it short: the test
// fails for a name here that does check (so the list cannot go stale).
const NOT_YET: Record<string, string> = {};

interface Param {
  kind: string;
  name?: string;
  tsType?: { repr?: string; kind?: string; value?: { typeName?: string } };
  left?: Param;
}

/** The functions of mod.ts with an options parameter, and where it is. */
async function functionsWithOptions(): Promise<
  Array<{ name: string; index: number; params: Param[] }>
> {
  const docs = await loadDocs();
  const found = new Map<string, { name: string; index: number; params: Param[] }>();
  for (const symbol of docs.values()) {
    for (const declaration of symbol.declarations) {
      if (declaration.kind !== "function") continue;
      const params = (declaration.def?.params ?? []) as Param[];
      params.forEach((p, index) => {
        const param = p.kind === "assign" && p.left ? p.left : p;
        const type = param.tsType?.value?.typeName ?? param.tsType?.repr ?? "";
        if (param.name === "options" || /Options$/.test(type)) {
          if (!found.has(symbol.name)) found.set(symbol.name, { name: symbol.name, index, params });
        }
      });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A stand-in for a parameter before the options: a string where one is typed, else a frame. */
function standIn(param: Param): unknown {
  const p = param.kind === "assign" && param.left ? param.left : param;
  if (p.tsType?.repr === "string") return "x";
  return casefile.pl.DataFrame({ TimeGenerated: [new Date(0)], Computer: ["a"] });
}

const BOGUS = "notAnOptionZz";

Deno.test("every exported function with options rejects an unknown one, with its name", async () => {
  const functions = await functionsWithOptions();
  assert.ok(functions.length > 40, `found only ${functions.map((f) => f.name)}`);
  const unchecked: string[] = [];
  const checked: string[] = [];
  for (const { name, index, params } of functions) {
    const fn = (casefile as Record<string, unknown>)[name];
    assert.equal(typeof fn, "function", name);
    const args = params.slice(0, index).map(standIn);
    args.push({ [BOGUS]: 1 });
    let error: unknown;
    try {
      await (fn as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      error = e;
    }
    const ok = error instanceof OptionError && error.option === BOGUS &&
      error.message.startsWith(`${name}: unknown option \`${BOGUS}\``);
    (ok ? checked : unchecked).push(name);
  }
  assert.deepEqual(
    unchecked.filter((n) => !(n in NOT_YET)),
    [],
    "these take options and ignore an unknown one: check them (src/options.ts)",
  );
  assert.deepEqual(
    checked.filter((n) => n in NOT_YET),
    [],
    "these check now: drop them from NOT_YET",
  );
  // The functions the issue names, among others.
  for (
    const name of [
      "timeChart",
      "timelineChart",
      "rareValues",
      "decodeFrame",
      "loadTable",
      "openSession",
    ]
  ) {
    assert.ok(checked.includes(name), name);
  }
});
