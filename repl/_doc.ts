/**
 * `.doc NAME`: a function's signature, its options (type, default, description) and its
 * example, read from the JSDoc of the real source. `deno doc --json` over the root `mod.ts`
 * runs at the first `.doc` (about half a second) and its answer is kept for the REPL's life,
 * so what `.doc` shows cannot drift from the code: nothing is generated or committed.
 *
 * @module
 */
import { didYouMean } from "../src/errors.ts";
import { describeOption, optionSpecsOf } from "../src/options.ts";
import { ReplError } from "./errors.ts";
import { importLater } from "./_later.ts";

// deno doc's JSON, as far as `.doc` reads it.
interface DocType {
  readonly kind?: string;
  readonly repr?: string;
  // deno-lint-ignore no-explicit-any
  readonly value?: any;
  readonly typeParams?: readonly DocType[];
}
interface DocTag {
  readonly kind: string;
  readonly name?: string;
  readonly doc?: string;
}
interface JsDoc {
  readonly doc?: string;
  readonly tags?: readonly DocTag[];
}
interface DocParam {
  readonly kind: string;
  readonly name?: string;
  readonly optional?: boolean;
  readonly tsType?: DocType;
  readonly left?: DocParam;
}
interface DocProperty {
  readonly name: string;
  readonly optional?: boolean;
  readonly tsType?: DocType;
  readonly jsDoc?: JsDoc;
}
interface DocDeclaration {
  readonly kind: string;
  readonly jsDoc?: JsDoc;
  // deno-lint-ignore no-explicit-any
  readonly def?: any;
}
interface DocSymbol {
  readonly name: string;
  readonly declarations: readonly DocDeclaration[];
}

let loading: Promise<Map<string, DocSymbol>> | undefined;

/** The documented symbols of casefile's root `mod.ts`, read once per process. */
export function loadDocs(): Promise<Map<string, DocSymbol>> {
  loading ??= readDocs().catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function readDocs(): Promise<Map<string, DocSymbol>> {
  const mod = new URL("../mod.ts", import.meta.url);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", mod.protocol === "file:" ? decodeURIComponent(mod.pathname) : mod.href],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!output.success) {
    throw new ReplError("Cannot read casefile's documentation: deno doc failed.", {
      hint: "Run `deno doc mod.ts` in the casefile folder to see why.",
    });
  }
  const json = JSON.parse(new TextDecoder().decode(output.stdout));
  const node = Object.values(json.nodes ?? {})[0] as { symbols?: DocSymbol[] } | undefined;
  return new Map((node?.symbols ?? []).map((s) => [s.name, s]));
}

let declaring: Promise<unknown> | undefined;

/**
 * Loads casefile's modules once, so that every function's option declarations are known:
 * a function declares its options when its module loads, which in the REPL may be later than
 * the first `.doc` of it.
 */
function loadOptionDeclarations(): Promise<unknown> {
  declaring ??= importLater(new URL("../mod.ts", import.meta.url)).catch(() => {
    declaring = undefined;
  });
  return declaring;
}

/** The functions `.doc` can describe, sorted. */
export async function documentedFunctions(): Promise<string[]> {
  const docs = await loadDocs();
  return [...docs.values()].filter((s) => s.declarations.some((d) => d.kind === "function"))
    .map((s) => s.name).sort((a, b) => a.localeCompare(b));
}

/**
 * The text `.doc NAME` prints; without a name, the documented functions with their summary.
 * Throws a {@link ReplError} with a did-you-mean for a name casefile does not export.
 */
export async function docText(name: string | undefined, width = 100): Promise<string> {
  const docs = await loadDocs();
  if (!name) return functionList(docs, width);
  const symbol = docs.get(name);
  if (!symbol) {
    throw new ReplError(`casefile has no function or type named ${name}.`, {
      hint: didYouMean(name, docs.keys()) ?? "`.doc` alone lists the functions.",
    });
  }
  const lines: string[] = [];
  const functions = symbol.declarations.filter((d) => d.kind === "function");
  const main = functions.find((d) => d.jsDoc?.doc) ?? symbol.declarations[0];
  for (const declaration of functions) lines.push(signature(name, declaration));
  if (functions.length === 0) lines.push(`${main.kind} ${name}`);
  if (main.jsDoc?.doc) lines.push("", main.jsDoc.doc.trim());
  const params = tagsOf(main, "param");
  if (params.length) {
    lines.push("", "Parameters:");
    for (const tag of params) lines.push(`  ${tag.name}  ${oneLine(tag.doc ?? "")}`);
  }
  const options = optionsOf(functions, docs);
  if (options || main.kind === "interface") await loadOptionDeclarations();
  if (options) {
    lines.push("", `Options (${options.type}):`, ...optionRows(name, options.props, docs, width));
  } else if (main.kind === "interface") {
    lines.push("", "Properties:", ...optionRows(name, properties(main, docs), docs, width));
  }
  const returns = tagsOf(main, "return")[0];
  if (returns?.doc) lines.push("", `Returns: ${oneLine(returns.doc)}`);
  for (const example of tagsOf(main, "example")) {
    lines.push("", `Example: ${example.doc?.trim() ?? ""}`);
  }
  return lines.join("\n");
}

function functionList(docs: Map<string, DocSymbol>, width: number): string {
  const rows: string[] = [];
  const functions = [...docs.values()].filter((s) =>
    s.declarations.some((d) => d.kind === "function")
  ).sort((a, b) => a.name.localeCompare(b.name));
  const pad = Math.max(...functions.map((s) => s.name.length)) + 2;
  for (const symbol of functions) {
    const summary = oneLine(symbol.declarations.find((d) => d.jsDoc?.doc)?.jsDoc?.doc ?? "");
    rows.push(clip(`${symbol.name.padEnd(pad)}${firstSentence(summary)}`, width));
  }
  return [`${functions.length} functions (.doc NAME for one):`, ...rows].join("\n");
}

function signature(name: string, declaration: DocDeclaration): string {
  const params = (declaration.def?.params ?? []) as DocParam[];
  const text = params.map((p) => {
    const param = p.kind === "assign" && p.left ? p.left : p;
    const optional = param.optional || p.kind === "assign" ? "?" : "";
    const rest = param.kind === "rest" ? "..." : "";
    return `${rest}${param.name ?? "arg"}${optional}: ${typeText(param.tsType)}`;
  }).join(", ");
  const returns = declaration.def?.returnType ? `: ${typeText(declaration.def.returnType)}` : "";
  return `${name}(${text})${returns}`;
}

/** The options interface of a function: the type of its last parameter named like options. */
function optionsOf(
  functions: readonly DocDeclaration[],
  docs: Map<string, DocSymbol>,
): { type: string; props: DocProperty[] } | undefined {
  for (const declaration of functions) {
    const params = (declaration.def?.params ?? []) as DocParam[];
    for (const p of [...params].reverse()) {
      const param = p.kind === "assign" && p.left ? p.left : p;
      const type = param.tsType;
      if (type?.kind !== "typeRef") continue;
      const typeName = type.value?.typeName as string | undefined;
      const symbol = typeName ? docs.get(typeName) : undefined;
      const iface = symbol?.declarations.find((d) => d.kind === "interface");
      if (typeName && iface && (param.name === "options" || /Options$/.test(typeName))) {
        return { type: typeName, props: properties(iface, docs) };
      }
    }
  }
  return undefined;
}

function properties(iface: DocDeclaration, docs: Map<string, DocSymbol>, depth = 0): DocProperty[] {
  const out: DocProperty[] = [];
  if (depth > 5) return out;
  for (const parent of (iface.def?.extends ?? []) as DocType[]) {
    const name = parent.value?.typeName ?? parent.repr;
    const declaration = docs.get(name)?.declarations.find((d) => d.kind === "interface");
    if (declaration) out.push(...properties(declaration, docs, depth + 1));
  }
  for (const prop of (iface.def?.properties ?? []) as DocProperty[]) {
    const at = out.findIndex((p) => p.name === prop.name);
    if (at >= 0) out.splice(at, 1);
    out.push(prop);
  }
  return out;
}

function optionRows(
  fn: string,
  props: readonly DocProperty[],
  docs: Map<string, DocSymbol>,
  width: number,
): string[] {
  const specs = optionSpecsOf(fn);
  const rows = props.map((p) => {
    const doc = oneLine(p.jsDoc?.doc ?? "");
    const spec = specs?.[p.name];
    const kind = spec !== undefined && /column/.test(describeOption(spec)) ? " (column)" : "";
    return { name: p.name, type: `${typeText(p.tsType)}${literals(p.tsType, docs)}${kind}`, doc };
  });
  const nameWidth = Math.max(4, ...rows.map((r) => r.name.length)) + 2;
  const typeWidth = Math.min(34, Math.max(4, ...rows.map((r) => r.type.length))) + 2;
  const indent = 2 + nameWidth + typeWidth;
  const out: string[] = [];
  for (const row of rows) {
    const head = `  ${row.name.padEnd(nameWidth)}${row.type.padEnd(typeWidth)}`;
    const wrapped = wrap(row.doc, Math.max(30, width - indent));
    if (head.length > indent) {
      out.push(head.trimEnd());
      out.push(...wrapped.map((l) => `${" ".repeat(indent)}${l}`));
    } else {
      out.push(
        `${head}${wrapped[0] ?? ""}`,
        ...wrapped.slice(1).map((l) => `${" ".repeat(indent)}${l}`),
      );
    }
  }
  return out;
}

/** A named union of literals spelt out: `Aggregate` → ` ("sum" | "mean" | …)`. */
function literals(type: DocType | undefined, docs: Map<string, DocSymbol>): string {
  if (type?.kind !== "typeRef") return "";
  const alias = docs.get(type.value?.typeName)?.declarations.find((d) => d.kind === "typeAlias");
  const union = alias?.def?.tsType as DocType | undefined;
  if (union?.kind !== "union" || !(union.value as DocType[]).every((t) => t.kind === "literal")) {
    return "";
  }
  return ` (${typeText(union)})`;
}

function typeText(type: DocType | undefined): string {
  if (!type) return "unknown";
  switch (type.kind) {
    case "keyword":
      return String(type.value);
    case "literal": {
      const v = type.value ?? {};
      return v.kind === "string"
        ? JSON.stringify(v.string)
        : String(v.number ?? v.boolean ?? type.repr);
    }
    case "union":
      return (type.value as DocType[]).map(typeText).join(" | ");
    case "intersection":
      return (type.value as DocType[]).map(typeText).join(" & ");
    case "array": {
      const inner = typeText(type.value);
      return /[ |&]/.test(inner) ? `(${inner})[]` : `${inner}[]`;
    }
    case "typeOperator":
      return `${type.value.operator} ${typeText(type.value.tsType)}`;
    case "parenthesized":
      return `(${typeText(type.value)})`;
    case "typeRef": {
      const args = type.value?.typeParams as DocType[] | undefined;
      return `${type.value?.typeName ?? type.repr}${
        args?.length ? `<${args.map(typeText).join(", ")}>` : ""
      }`;
    }
    case "typeLiteral": {
      const props = (type.value?.properties ?? []) as DocProperty[];
      return `{ ${
        props.map((p) => `${p.name}${p.optional ? "?" : ""}: ${typeText(p.tsType)}`).join("; ")
      } }`;
    }
    case "fnOrConstructor":
      return "function";
    default:
      return type.repr || type.kind || "unknown";
  }
}

function tagsOf(declaration: DocDeclaration, kind: string): DocTag[] {
  return (declaration.jsDoc?.tags ?? []).filter((t) => t.kind === kind);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
