/**
 * Tab completion: dot-commands and their arguments; in `%kql` input (and a line starting
 * with `|`, read with the query it continues) the table names, the columns of the table in
 * play (the first table the query names), KQL operators after `|`, functions, and
 * `{{parameter}}` names; in TypeScript the variables, the API, the
 * properties of a variable after a dot, and in a call's options object (`timeChart(frame, {`)
 * the function's option names, then the frame's columns in a column option's string.
 *
 * @module
 */
import { inputKind, parseKqlInput, tableInPlay } from "./_input.ts";
import { EXPORT_KINDS } from "./_export_kinds.ts";
import { importLater } from "./_later.ts";
import { describeOption, optionSpecsOf } from "../src/options.ts";

/** What completion draws on. */
export interface CompletionContext {
  /** Lines entered before this one, when input continues over several lines. */
  readonly pending: string;
  readonly commands: readonly string[];
  readonly variables: readonly string[];
  readonly api: readonly string[];
  readonly params: readonly string[];
  readonly sessions: readonly string[];
  readonly tables: readonly {
    readonly name: string;
    readonly columns: readonly { name: string }[];
  }[];
  /** The value of a variable, for completing its properties (no code is run). */
  value(name: string): unknown;
}

/** The KQL engine's operator and function names, once loaded. */
let kqlNames: { operators: string[]; functions: string[] } | undefined;
let kqlNamesLoading: Promise<void> | undefined;

/**
 * Loads the KQL engine's operator and function names. Listing them loads every function of
 * the engine (some 20 ms), so the REPL does it after its prompt shows; `complete` needs it
 * done first.
 */
export function loadKqlNames(): Promise<void> {
  kqlNamesLoading ??= importLater<typeof import("../src/kql/mod.ts")>(
    new URL("../src/kql/mod.ts", import.meta.url),
  ).then((registry) => {
    kqlNames = {
      operators: [...registry.SUPPORTED_OPERATORS].sort(),
      functions: [...registry.SUPPORTED_FUNCTIONS].sort(),
    };
  });
  return kqlNamesLoading;
}
const KQL_WORDS = ["and", "or", "by", "on", "asc", "desc", "kind", "with", "let", "true", "false"];
const TS_WORDS = [
  "await",
  "const",
  "let",
  "function",
  "async",
  "return",
  "import",
  "console",
  "JSON",
  "Math",
  "Date",
  "Object",
  "Array",
  "Deno",
  "undefined",
  "null",
  "true",
  "false",
];

/**
 * Completions of `line` (the text left of the cursor): the candidates and the word they
 * replace, as node:readline's completer returns them. Await {@link loadKqlNames} first.
 */
export function complete(line: string, ctx: CompletionContext): [string[], string] {
  const full = ctx.pending ? `${ctx.pending}\n${line}` : line;
  switch (inputKind(full.trim() === "" ? line : full)) {
    case "command":
      return completeCommand(line, ctx);
    case "kql":
    case "pipe":
      return completeKql(full, ctx);
    case "ts":
    case "empty":
      return completeCode(line, ctx);
  }
}

function completeCommand(line: string, ctx: CompletionContext): [string[], string] {
  const text = line.trimStart();
  const space = text.indexOf(" ");
  if (space < 0) return matches(ctx.commands.map((c) => `.${c} `), text);
  const command = text.slice(1, space);
  const args = text.slice(space + 1).split(/\s+/);
  const word = args[args.length - 1];
  const at = args.length - 1;
  const tables = ctx.tables.map((t) => t.name);
  const options: Record<string, ReadonlyArray<readonly string[]>> = {
    schema: [tables],
    connect: [["local", "sentinel"]],
    set: [ctx.params],
    export: [[...EXPORT_KINDS]],
    mark: [[], ["dead-end", "finding", "none"]],
    cache: [["clear"]],
    session: [ctx.sessions],
    rerun: [[], ctx.params.map((p) => `${p}=`)],
    doc: [ctx.api],
  };
  const lists = options[command];
  if (!lists) return [[], word];
  const list = lists[Math.min(at, lists.length - 1)] ?? [];
  return matches(list, word);
}

function completeKql(full: string, ctx: CompletionContext): [string[], string] {
  if (kqlNames === undefined) throw new Error("complete() before loadKqlNames() resolved");
  const query = parseKqlInput(full).query;
  const word = /[A-Za-z0-9_]*$/.exec(full)![0];
  const before = full.slice(0, full.length - word.length);
  const tables = ctx.tables.map((t) => t.name);
  if (/\{\{\s*$/.test(before)) return matches(ctx.params, word);
  // Right after `%kql` (or `%kql!`) or `%kql name =`: the query starts with a table.
  const head = /^\s*%kql!?(\s+[A-Za-z_$][\w$]*\s*=(?!=))?\s*$/.test(before);
  if (head) return matches([...tables, "let", "print", "union", "datatable"], word);
  if (/\|\s*$/.test(before)) return matches(kqlNames.operators, word);
  const inPlay = tableInPlay(query.slice(0, Math.max(0, query.length - word.length)), tables) ??
    tableInPlay(query, tables);
  const columns = ctx.tables.find((t) => t.name === inPlay)?.columns.map((c) => c.name) ?? [];
  // After a keyword that takes a table (join, union, lookup...), tables come first.
  if (/\b(join|union|lookup|in)\s*(\([^)]*\)\s*)?(kind\s*=\s*\w+\s*)?\(?\s*$/.test(before)) {
    return matches([...tables, ...columns], word);
  }
  return matches(unique([...columns, ...kqlNames.functions, ...KQL_WORDS, ...tables]), word);
}

function completeCode(line: string, ctx: CompletionContext): [string[], string] {
  const inOptions = completeOptions(line, ctx);
  if (inOptions) return inOptions;
  const path = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.([\w$]*)$/.exec(line);
  if (path) {
    const [, base, word] = path;
    let value: unknown = ctx.value(base.split(".")[0]);
    for (const key of base.split(".").slice(1)) {
      value = safeGet(value, key);
    }
    if (value === undefined || value === null) return [[], word];
    return matches(propertyNames(value), word);
  }
  const word = /[A-Za-z_$][\w$]*$/.exec(line)?.[0] ?? "";
  if (line.trim() === "" || word === "") return [[], word];
  return matches(unique([...ctx.variables, ...ctx.api, ...TS_WORDS]), word);
}

function safeGet(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return undefined;
  try {
    const descriptor = findDescriptor(value as object, key);
    // Getters could run arbitrary code: completion never calls them.
    return descriptor && "value" in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined;
  }
}

function findDescriptor(value: object, key: string): PropertyDescriptor | undefined {
  let current: object | null = Object(value);
  while (current) {
    const d = Object.getOwnPropertyDescriptor(current, key);
    if (d) return d;
    current = Object.getPrototypeOf(current);
  }
  return undefined;
}

// A Polars DataFrame is a Proxy whose keys are its columns: its methods are listed here.
const FRAME_MEMBERS = [
  "clone",
  "columns",
  "describe",
  "drop",
  "dropNulls",
  "dtypes",
  "explode",
  "extend",
  "fillNull",
  "filter",
  "frameEqual",
  "getColumn",
  "getColumns",
  "groupBy",
  "groupByDynamic",
  "hashRows",
  "head",
  "height",
  "hstack",
  "isDuplicated",
  "isEmpty",
  "isUnique",
  "join",
  "joinAsof",
  "lazy",
  "limit",
  "max",
  "mean",
  "median",
  "min",
  "nullCount",
  "partitionBy",
  "pivot",
  "quantile",
  "rename",
  "rows",
  "sample",
  "schema",
  "select",
  "shape",
  "shift",
  "slice",
  "sort",
  "std",
  "sum",
  "tail",
  "toCSV",
  "toRecords",
  "toJSON",
  "toObject",
  "toSeries",
  "toString",
  "transpose",
  "unique",
  "unnest",
  "unpivot",
  "upsample",
  "var",
  "vstack",
  "where",
  "width",
  "withColumn",
  "withColumnRenamed",
  "withColumns",
  "withRowIndex",
  "writeCSV",
  "writeIPC",
  "writeJSON",
  "writeParquet",
];

/** Property names of a value and its prototypes (not Object.prototype's). */
function propertyNames(value: unknown): string[] {
  const names = new Set<string>();
  if (
    typeof value === "object" && value !== null && "writeParquet" in value === false &&
    typeof (value as { writeParquet?: unknown }).writeParquet === "function"
  ) {
    for (const name of FRAME_MEMBERS) {
      if ((value as Record<string, unknown>)[name] !== undefined) names.add(name);
    }
    return [...names].sort();
  }
  let current: object | null = Object(value);
  while (current && current !== Object.prototype && current !== Function.prototype) {
    for (const key of Object.getOwnPropertyNames(current)) {
      if (key !== "constructor" && !key.startsWith("_") && /^[A-Za-z_$][\w$]*$/.test(key)) {
        names.add(key);
      }
    }
    current = Object.getPrototypeOf(current);
  }
  return [...names].sort();
}

function matches(candidates: readonly string[], word: string): [string[], string] {
  return [candidates.filter((c) => c.startsWith(word) && c !== ""), word];
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

interface Open {
  readonly char: string;
  readonly at: number;
}

/**
 * Completion inside a call's options object: `fn(frame, { va` gives the option names of
 * `fn` (from its run-time declaration, see `src/options.ts`), `{ group: "Co` and
 * `{ values: ["A", "B` the columns of `frame` (a variable of the scope) for a column option.
 * Undefined when the cursor is not in such an object.
 */
function completeOptions(line: string, ctx: CompletionContext): [string[], string] | undefined {
  const { stack, quote } = openBrackets(line);
  // In a string: the innermost bracket is the object (`group: "`) or a list in it (`values: ["`).
  let at = stack.length - 1;
  let list: Open | undefined;
  if (quote && stack[at]?.char === "[") list = stack[at--];
  const object = stack[at];
  const call = stack[at - 1];
  if (object?.char !== "{" || call?.char !== "(") return undefined;
  // `timeChart(` or a method: `session.query(` is declared as `session.query`.
  const callee = /(?:([A-Za-z_$][\w$]*)\s*\.\s*)?([A-Za-z_$][\w$]*)\s*$/.exec(
    line.slice(0, call.at),
  );
  const fn = callee?.[2];
  const specs = callee?.[1] && optionSpecsOf(`${callee[1]}.${fn}`) || (fn && optionSpecsOf(fn));
  if (!fn || !specs) return undefined;
  const args = line.slice(call.at + 1, object.at);
  if (!/,\s*$/.test(args)) return undefined;
  if (quote) {
    const key = /([A-Za-z_$][\w$]*)\s*:\s*$/.exec(
      line.slice(object.at + 1, list ? list.at : quote.at),
    )?.[1];
    const spec = key ? specs[key] : undefined;
    if (!spec || !/column/.test(describeOption(spec))) return [[], line.slice(quote.at + 1)];
    if (
      list && !/(^|,)\s*$/.test(line.slice(list.at + 1, quote.at).replace(/"[^"]*"|'[^']*'/g, ""))
    ) {
      return [[], line.slice(quote.at + 1)];
    }
    const frameName = /^\s*([A-Za-z_$][\w$]*)\s*(,|$)/.exec(args)?.[1];
    const columns = frameName ? columnsOf(ctx.value(frameName)) : [];
    return matches(columns, line.slice(quote.at + 1));
  }
  const inside = line.slice(object.at + 1);
  const word = /(?:^|[{,]|\s)([A-Za-z_$][\w$]*)?$/.exec(inside);
  // Only where a key goes: right after `{` or a `,` of the object itself.
  const before = inside.slice(0, inside.length - (word?.[1]?.length ?? 0));
  if (!/(^|,)\s*$/.test(before.replace(/"[^"]*"|'[^']*'|\[[^\]]*\]|\{[^}]*\}/g, "x"))) {
    return undefined;
  }
  const given = new Set([...before.matchAll(/([A-Za-z_$][\w$]*)\s*:/g)].map((m) => m[1]));
  return matches(Object.keys(specs).filter((k) => !given.has(k)), word?.[1] ?? "");
}

/** The brackets open at the end of `text` (outermost first) and the string the end is in. */
function openBrackets(text: string): { stack: Open[]; quote?: Open } {
  const stack: Open[] = [];
  let quote: Open | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote.char) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = { char: c, at: i };
    else if (c === "(" || c === "[" || c === "{") stack.push({ char: c, at: i });
    else if (c === ")" || c === "]" || c === "}") stack.pop();
  }
  return { stack, quote };
}

/** The column names of a frame, or of a query result's frame; none for anything else. */
function columnsOf(value: unknown): string[] {
  try {
    const isFrame = (v: unknown) =>
      typeof v === "object" && v !== null &&
      typeof (v as { writeParquet?: unknown }).writeParquet === "function";
    const frame = isFrame(value) ? value : safeGet(value, "frame");
    if (!isFrame(frame)) return [];
    const columns = (frame as { columns: unknown }).columns;
    return Array.isArray(columns) ? columns.filter((c) => typeof c === "string") : [];
  } catch {
    return [];
  }
}
