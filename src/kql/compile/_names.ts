/**
 * Column names as Kusto makes them: the name an unnamed expression gets, and names made
 * unique.
 *
 * @module
 */
import type * as A from "../syntax/ast.ts";

/** Kusto's name for an unnamed expression: a column keeps its name, else the fallback. */
export function derivedName(
  e: A.Expression,
  fallback: string,
  columns?: ReadonlyMap<string, unknown>,
): string {
  switch (e.kind) {
    case "name":
      return !columns || columns.has(e.name) ? e.name : fallback;
    case "paren":
      return derivedName(e.expression, fallback, columns);
    case "member": {
      const base = derivedName(e.object, "", columns);
      return base ? `${base}_${e.name}` : fallback;
    }
    case "index": {
      const base = derivedName(e.object, "", columns);
      if (base && e.index.kind === "literal") return `${base}_${String(e.index.value)}`;
      return fallback;
    }
    case "call":
      if (
        (e.name === "bin" || e.name === "floor" || e.name === "bin_auto" || e.name === "bin_at") &&
        e.args[0]
      ) {
        return derivedName(e.args[0], fallback, columns);
      }
      return fallback;
    default:
      return fallback;
  }
}

/** Names made unique the way Kusto does: a repeated name gets a number appended. */
export function uniqueNames(names: readonly string[], taken: Iterable<string> = []): string[] {
  const used = new Set(taken);
  return names.map((name) => {
    let candidate = name;
    for (let i = 1; used.has(candidate); i++) candidate = `${name}${i}`;
    used.add(candidate);
    return candidate;
  });
}
