/**
 * The hunting library as data: the built-in families, users' folders of YAML families
 * (validated as they load), and listing and searching the queries by text, table, ATT&CK
 * technique or tactic, and the kind of entity they take.
 *
 * @module
 */
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { didYouMean } from "../errors.ts";
import { checkOptions, defineOptions } from "../options.ts";
import { HuntError, HuntLibraryError, type HuntProblem } from "./errors.ts";
import { asFamily, ENTITY_KINDS, familyProblems, LIST_KINDS } from "./_validate.ts";
import { schemaProblems } from "./_schema_check.ts";
import { BUILTIN_FAMILIES } from "./library/_index.ts";
import type { EntityKind, HuntFamily, HuntQuery } from "./types.ts";

export { ATTACK_TACTICS, ENTITY_KINDS } from "./_validate.ts";

/** A query of the library with the family it belongs to. */
export interface HuntEntry {
  /** `family.name`, the query's id (`identity.spraySourcesByIp`). */
  readonly id: string;
  /** The family's name. */
  readonly family: string;
  /** The query. */
  readonly query: HuntQuery;
}

/** What {@link searchHunts} filters on; every filter given must match. */
export interface HuntSearch {
  /** Words that must all appear in the id, description, tables or columns (any case). */
  readonly text?: string;
  /** A table the query reads (any case). */
  readonly table?: string;
  /** An ATT&CK technique: `T1110` also matches its sub-techniques (`T1110.003`). */
  readonly technique?: string;
  /** An ATT&CK tactic (any case). */
  readonly tactic?: string;
  /** A kind of entity one of its parameters takes (a list of them counts too). */
  readonly entity?: EntityKind;
}

const SEARCH_OPTIONS = defineOptions<HuntSearch>("searchHunts", {
  text: { kind: "string", aliases: ["words", "query", "q", "search"] },
  table: { kind: "string", aliases: ["tables"] },
  technique: { kind: "string", aliases: ["techniques", "mitre", "attack"] },
  tactic: { kind: "string", aliases: ["tactics"] },
  entity: { oneOf: ENTITY_KINDS, aliases: ["kind", "entityKind"] },
});

/**
 * Checks families and returns them, typed.
 *
 * @param families The families as written (objects, or a YAML file's data).
 * @param source Where they came from, for the messages (default `built-in`).
 * @returns The families.
 * @throws {HuntLibraryError} naming the file, family, query and field of every problem,
 *   and two families of the same name.
 */
export function validateHuntFamilies(
  families: readonly unknown[],
  source = "built-in",
): HuntFamily[] {
  const problems = families.flatMap((f) => familyProblems(f, source));
  problems.push(...duplicateFamilies(families.map((f) => ({ family: f, source }))));
  if (problems.length) throw new HuntLibraryError(problems);
  return families.map(asFamily);
}

/**
 * The built-in families of the library (checked on first use).
 *
 * @throws {HuntLibraryError} when a built-in family does not validate.
 */
export function builtinHuntFamilies(): readonly HuntFamily[] {
  checked ??= validateHuntFamilies(BUILTIN_FAMILIES);
  return checked;
}
let checked: HuntFamily[] | undefined;

/**
 * Reads a folder of YAML families (`*.yaml`, `*.yml`: one family a file, with the fields of
 * a built-in family) and checks them.
 *
 * @param folder The folder.
 * @returns Its families, in file-name order.
 * @throws {HuntLibraryError} naming the file, family, query and field of every problem
 *   (YAML that does not parse, unknown fields, undeclared parameters, KQL that does not
 *   parse, with its line and column inside the query); then, for families that are well
 *   formed, KQL that does not check against the Sentinel schemas of its tables (an unknown
 *   column, a type mismatch) and output columns other than the declared ones.
 * @throws {HuntError} when the folder cannot be read.
 */
export async function loadHuntFolder(folder: string): Promise<HuntFamily[]> {
  let names: string[];
  try {
    names = [];
    for await (const entry of Deno.readDir(folder)) {
      if (entry.isFile && /\.ya?ml$/i.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    throw new HuntError(`Cannot read the hunting folder ${folder}: ${(error as Error).message}`, {
      hint: "Give a folder of .yaml files, one family each.",
      cause: error,
    });
  }
  names.sort();
  const problems: HuntProblem[] = [];
  const loaded: { family: unknown; source: string }[] = [];
  for (const name of names) {
    const source = join(folder, name);
    let data: unknown;
    try {
      data = parseYaml(await Deno.readTextFile(source), { uniqueKeys: true });
    } catch (error) {
      const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
      problems.push({
        source: pos ? `${source}:${pos.line}:${pos.col}` : source,
        message: `not valid YAML: ${(error as Error).message.split("\n")[0]}`,
      });
      continue;
    }
    problems.push(...familyProblems(data, source));
    loaded.push({ family: data, source });
  }
  problems.push(...duplicateFamilies([
    ...builtinHuntFamilies().map((family) => ({ family, source: "built-in" })),
    ...loaded,
  ]));
  if (problems.length) throw new HuntLibraryError(problems);
  // Only well-formed families reach the schema check: it runs each query on empty tables.
  const families = loaded.map((l) => asFamily(l.family));
  const sources = new Map(families.map((f, i) => [f, loaded[i].source]));
  const checked = await schemaProblems(families, (f) => sources.get(f)!);
  if (checked.length) throw new HuntLibraryError(checked);
  return families;
}

/**
 * Every query of `families`, with its id (`family.name`).
 *
 * @param families The families (default: the built-in ones).
 */
export function huntEntries(
  families: readonly HuntFamily[] = builtinHuntFamilies(),
): HuntEntry[] {
  return families.flatMap((family) =>
    family.queries.map((query) => ({
      id: `${family.name}.${query.name}`,
      family: family.name,
      query,
    }))
  );
}

/**
 * The queries that match every filter given, in library order.
 *
 * @param search Text, table, technique, tactic, entity kind.
 * @param families The families (default: the built-in ones).
 * @returns The matching queries.
 *
 * @example Queries for password spraying, and queries that take an IP address
 * ```ts
 * import assert from "node:assert/strict";
 * import { searchHunts } from "./library.ts";
 *
 * const family = {
 *   name: "demo",
 *   description: "An example family.",
 *   queries: [{
 *     name: "failuresByIp",
 *     description: "Failed sign-ins from one address.",
 *     tables: ["SigninLogs"],
 *     parameters: { ip: { type: "ip", description: "The address." } },
 *     window: "7d",
 *     tactics: ["Credential Access"],
 *     techniques: ["T1110.003"],
 *     columns: ["UserPrincipalName", "Failures"],
 *     query: "SigninLogs | where IPAddress == {ip} | summarize Failures = count() by UserPrincipalName",
 *   }],
 * } as const;
 * assert.deepEqual(searchHunts({ technique: "T1110" }, [family]).map((e) => e.id), ["demo.failuresByIp"]);
 * assert.equal(searchHunts({ entity: "ip", text: "failed" }, [family]).length, 1);
 * assert.equal(searchHunts({ table: "AuditLogs" }, [family]).length, 0);
 * ```
 */
export function searchHunts(
  search: HuntSearch = {},
  families: readonly HuntFamily[] = builtinHuntFamilies(),
): HuntEntry[] {
  checkOptions("searchHunts", search, SEARCH_OPTIONS);
  const words = (search.text ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const technique = search.technique?.toUpperCase();
  return huntEntries(families).filter(({ id, query }) => {
    if (
      search.table && !query.tables.some((t) => t.toLowerCase() === search.table!.toLowerCase())
    ) {
      return false;
    }
    if (
      technique && !query.techniques.some((t) => t === technique || t.startsWith(`${technique}.`))
    ) return false;
    if (
      search.tactic && !query.tactics.some((t) => t.toLowerCase() === search.tactic!.toLowerCase())
    ) {
      return false;
    }
    if (search.entity && huntEntityParams(query, search.entity).length === 0) return false;
    if (words.length) {
      const hay = [id, query.description, ...query.tables, ...query.columns, ...query.techniques]
        .join(" ").toLowerCase();
      if (!words.every((w) => hay.includes(w))) return false;
    }
    return true;
  });
}

/**
 * The parameters of `query` that take an entity of `kind`: the kind itself first, then a
 * list of that kind (`ips` for `ip`).
 */
export function huntEntityParams(query: HuntQuery, kind: EntityKind): string[] {
  const entries = Object.entries(query.parameters ?? {});
  return [
    ...entries.filter(([, p]) => p.type === kind).map(([name]) => name),
    ...entries.filter(([, p]) => LIST_KINDS[p.type] === kind).map(([name]) => name),
  ];
}

/**
 * The query with id `family.name`.
 *
 * @throws {HuntError} when there is none, with the closest ids.
 */
export function findHunt(
  id: string,
  families: readonly HuntFamily[] = builtinHuntFamilies(),
): HuntEntry {
  const entries = huntEntries(families);
  const found = entries.find((e) => e.id === id) ??
    // A bare name is enough when only one family has it.
    (entries.filter((e) => e.query.name === id).length === 1
      ? entries.find((e) => e.query.name === id)
      : undefined);
  if (found) return found;
  const ids = entries.map((e) => e.id);
  throw new HuntError(`The hunting library has no query ${id}.`, {
    hint: didYouMean(id, ids) ??
      (ids.length
        ? "List them with .hunt (REPL) or casefile hunt list; ids are family.name."
        : "The library is empty: no family is loaded."),
  });
}

function duplicateFamilies(list: readonly { family: unknown; source: string }[]): HuntProblem[] {
  const seen = new Map<string, string>();
  const out: HuntProblem[] = [];
  for (const { family, source } of list) {
    const name = (family as { name?: unknown })?.name;
    if (typeof name !== "string") continue;
    const first = seen.get(name);
    if (first !== undefined) {
      out.push({
        source,
        family: name,
        field: "name",
        message: `a family named ${name} is already in ${first}`,
      });
    } else seen.set(name, source);
  }
  return out;
}
