/**
 * casefile's functions against Microsoft's own list: Kusto.Language (the official parser and
 * binder, compiled to JavaScript in `@kusto/language-service-next`), whose
 * `GlobalState.Default` declares every scalar function, aggregate and plugin of the language.
 * Each of them is either supported (in SUPPORTED_FUNCTIONS) or refused by name with a reason
 * (EXCLUDED_FUNCTIONS); and casefile registers no function that Kusto does not have.
 */
import assert from "node:assert/strict";
import "@kusto/language-service-next/bridge.js";
import "@kusto/language-service-next/Kusto.Language.Bridge.js";
import { KqlUnsupportedError, runKql, SUPPORTED_FUNCTIONS } from "../../src/kql/mod.ts";
import { AGGREGATE_FUNCTIONS, SCALAR_FUNCTIONS } from "../../src/kql/functions/_registry.ts";
import { EXCLUDED_FUNCTIONS } from "../../src/kql/functions/_excluded.ts";
import {
  EXCLUDED_PLUGINS,
  SUPPORTED_PLUGINS,
} from "../../src/kql/compile/operators/_evaluate_plugins.ts";

interface KustoSymbol {
  readonly Name: string;
}

/** The Bridge.NET runtime and Kusto.Language install themselves as globals. */
// deno-lint-ignore no-explicit-any
const Kusto = (globalThis as any).Kusto;
// deno-lint-ignore no-explicit-any
const Bridge = (globalThis as any).Bridge;

/** The items of a .NET enumerable (Bridge.NET lists are arrays, other enumerables are not). */
function items<T>(enumerable: unknown): T[] {
  if (Array.isArray(enumerable)) return enumerable as T[];
  const out: T[] = [];
  const it = Bridge.getEnumerator(enumerable);
  while (it.moveNext()) out.push(it.Current as T);
  return out;
}

const state = Kusto.Language.GlobalState.Default;
const names = (list: unknown) => items<KustoSymbol>(list).map((s) => s.Name);
const KUSTO_FUNCTIONS = names(state.Functions);
const KUSTO_AGGREGATES = names(state.Aggregates);
const KUSTO_PLUGINS = names(state.PlugIns);
const KUSTO_KEYWORDS = new Set(items<string>(Kusto.Language.Syntax.SyntaxFacts.Keywords));
const KUSTO_JOIN_KINDS = new Set(items<string>(Kusto.Language.KustoFacts.JoinKinds));

/**
 * Plugins Microsoft documents (with examples in the Kusto docs) that Kusto.Language 12.4.1
 * does not declare.
 */
const DOCUMENTED_PLUGINS_OUTSIDE_KUSTO_LANGUAGE = new Set(["schema_merge"]);

function unknownToCasefile(kusto: readonly string[]): string[] {
  return kusto.filter((n) => !SUPPORTED_FUNCTIONS.has(n) && !EXCLUDED_FUNCTIONS.has(n));
}

Deno.test("Kusto.Language is the version the counts were taken from", () => {
  // 429 functions (415 visible), 61 aggregates and 47 plugins in 12.4.1.
  assert.deepEqual(
    [KUSTO_FUNCTIONS.length, KUSTO_AGGREGATES.length, KUSTO_PLUGINS.length],
    [429, 61, 47],
  );
});

Deno.test("every scalar function of Kusto.Language is supported or refused by name", () => {
  assert.deepEqual(unknownToCasefile(KUSTO_FUNCTIONS), []);
});

Deno.test("every aggregate of Kusto.Language is supported or refused by name", () => {
  assert.deepEqual(unknownToCasefile(KUSTO_AGGREGATES), []);
});

Deno.test("casefile registers no function or aggregate that Kusto.Language lacks", () => {
  const scalars = new Set(KUSTO_FUNCTIONS);
  const aggregates = new Set(KUSTO_AGGREGATES);
  assert.deepEqual([...SCALAR_FUNCTIONS.keys()].filter((n) => !scalars.has(n)), []);
  assert.deepEqual([...AGGREGATE_FUNCTIONS.keys()].filter((n) => !aggregates.has(n)), []);
});

Deno.test("the excluded list names only Kusto functions, none of them supported", () => {
  const known = new Set([...KUSTO_FUNCTIONS, ...KUSTO_AGGREGATES]);
  assert.deepEqual([...EXCLUDED_FUNCTIONS.keys()].filter((n) => !known.has(n)), []);
  assert.deepEqual([...EXCLUDED_FUNCTIONS.keys()].filter((n) => SUPPORTED_FUNCTIONS.has(n)), []);
  for (const [name, reason] of EXCLUDED_FUNCTIONS) assert.ok(reason.length > 20, name);
});

Deno.test("SUPPORTED_FUNCTIONS names only Kusto functions, plugins and keywords", () => {
  const known = new Set([
    ...KUSTO_FUNCTIONS,
    ...KUSTO_AGGREGATES,
    ...KUSTO_PLUGINS,
    ...DOCUMENTED_PLUGINS_OUTSIDE_KUSTO_LANGUAGE,
  ]);
  const strays = [...SUPPORTED_FUNCTIONS].filter((n) =>
    !known.has(n) && !KUSTO_KEYWORDS.has(n) && !KUSTO_JOIN_KINDS.has(n) &&
    // Boolean literals are tokens of their own in Kusto.Language, not keywords.
    n !== "true" && n !== "false"
  );
  assert.deepEqual(strays, []);
});

Deno.test("every plugin of Kusto.Language is supported or refused by name", () => {
  const missing = KUSTO_PLUGINS.filter((n) =>
    !SUPPORTED_PLUGINS.has(n) && !EXCLUDED_PLUGINS.has(n)
  );
  assert.deepEqual(missing, []);
  const kusto = new Set([...KUSTO_PLUGINS, ...DOCUMENTED_PLUGINS_OUTSIDE_KUSTO_LANGUAGE]);
  assert.deepEqual([...SUPPORTED_PLUGINS].filter((n) => !kusto.has(n)), []);
  assert.deepEqual([...EXCLUDED_PLUGINS.keys()].filter((n) => !kusto.has(n)), []);
  assert.deepEqual([...EXCLUDED_PLUGINS.keys()].filter((n) => SUPPORTED_PLUGINS.has(n)), []);
});

Deno.test("an excluded function is refused by name, with the reason", async () => {
  for (
    const query of [
      "print current_principal()",
      "print x = 1 | extend c = cursor_current()",
      "database('Samples').StormEvents | take 1",
      "datatable(x: long) [1] | summarize passthrough(x)",
    ]
  ) {
    await assert.rejects(() => runKql(query), (e: unknown) => {
      assert.ok(e instanceof KqlUnsupportedError, `${query}: ${e}`);
      assert.match(e.message, /The function '\w+\(\)' is not supported/);
      assert.match(e.hint ?? "", /cluster|internal/);
      return true;
    });
  }
});
