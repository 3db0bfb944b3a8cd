/**
 * `parse-kv Text as (Key: type, ...) with (...)`: key/value pairs read out of text, one new
 * column per listed key. Three modes, as in Kusto:
 * - `pair_delimiter` and `kv_delimiter`: pairs split on the one, key and value on the
 *   other; `quote` (repeatable, one or two characters: open and close) lets keys and
 *   values hold delimiters, `escape` (repeatable) escapes inside quotes, and `greedy=true`
 *   lets an unquoted value run to the next `key<kv_delimiter>`;
 * - no delimiters: any character that is not a letter or digit separates, and a key's
 *   value is the word (or quoted text) after it;
 * - `regex`: a pattern with two groups, the key and the value.
 * The first value of a key counts; keys and values are trimmed; a value that does not
 * convert to the key's type is null, and a missing key is null (`""` for a string).
 *
 * @module
 */
import { pl } from "../../../polars.ts";
import type { KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import { type Context, ExprEnv, type Relation, rowEnv, type Scope } from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { convertJs, toStringTyped } from "../_conversion.ts";
import { jsToSeries, type JsValue, parseJson, seriesToJs } from "../../runtime/_values.ts";
import { jsRegex, type LinearRegex } from "../../runtime/_regex.ts";

/** How `parse-kv` reads one text. */
export interface KvOptions {
  readonly pairDelimiter?: string;
  readonly kvDelimiter?: string;
  /** Opening and closing quote characters, one pair per `quote` option. */
  readonly quotes: ReadonlyArray<readonly [string, string]>;
  readonly escapes: readonly string[];
  readonly greedy: boolean;
  readonly regex?: LinearRegex;
}

/** Applies `parse-kv`. */
export function parseKv(
  input: Relation,
  op: A.ParseKvOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const options = kvOptions(op, scope, ctx);
  const env = rowEnv(input, scope, ctx);
  const text = toStringTyped(compileExpr(op.source, env), env);
  const column = ctx.temp("__kv");
  const data = env.materialise(input.frame).withColumns(text.expr.alias(column)).collectSync();
  const texts = seriesToJs(data.getColumn(column), "string");
  const parsed = texts.map((t) => readPairs((t ?? "") as string, options));
  const kept = input.columns.filter((c) => !op.keys.some((k) => k.name === c.name));
  let frame = data.select(...kept.map((c) => pl.col(c.name)));
  for (const key of op.keys) {
    const values = parsed.map((pairs) => typed(pairs.get(key.name), key.type));
    frame = frame.withColumn(jsToSeries(key.name, values, key.type));
  }
  return { frame: frame.lazy(), columns: [...kept, ...op.keys] };
}

function typed(value: string | undefined, type: KustoType): JsValue {
  if (value === undefined) return type === "string" ? "" : null;
  if (type === "dynamic") {
    try {
      return parseJson(value);
    } catch {
      return value;
    }
  }
  return convertJs(value, "string", type);
}

function kvOptions(op: A.ParseKvOperator, scope: Scope, ctx: Context): KvOptions {
  let pairDelimiter: string | undefined;
  let kvDelimiter: string | undefined;
  let greedy = false;
  let regex: LinearRegex | undefined;
  const quotes: Array<[string, string]> = [];
  const escapes: string[] = [];
  for (const { name, value } of op.options) {
    const compiled = compileExpr(value, new ExprEnv(ctx, scope));
    const v = compiled.constant?.value;
    const text = (what: string): string => {
      if (typeof v !== "string" || v === "") {
        throw ctx.error(`the ${what} of parse-kv must be a non-empty string`, value.span);
      }
      return v;
    };
    switch (name) {
      case "pair_delimiter":
        pairDelimiter = text(name);
        break;
      case "kv_delimiter":
        kvDelimiter = text(name);
        break;
      case "quote": {
        const q = text(name);
        if (q.length > 2) {
          throw ctx.error("a quote of parse-kv is one or two characters", value.span);
        }
        quotes.push([q[0], q[1] ?? q[0]]);
        break;
      }
      case "escape": {
        const e = text(name);
        if (e.length !== 1) throw ctx.error("an escape of parse-kv is one character", value.span);
        escapes.push(e);
        break;
      }
      case "greedy":
        if (typeof v !== "boolean") throw ctx.error("greedy must be true or false", value.span);
        greedy = v;
        break;
      case "regex":
        try {
          regex = jsRegex(text(name), "g");
        } catch (error) {
          throw ctx.error(`invalid regex for parse-kv: ${(error as Error).message}`, value.span);
        }
        break;
      default:
        throw ctx.error(
          `'${name}' is not an option of parse-kv`,
          value.span,
          "Options: pair_delimiter, kv_delimiter, quote, escape, greedy, regex.",
        );
    }
  }
  if ((pairDelimiter === undefined) !== (kvDelimiter === undefined)) {
    throw ctx.error("parse-kv needs both pair_delimiter and kv_delimiter, or neither", op.span);
  }
  if (regex && (pairDelimiter || quotes.length > 0 || greedy)) {
    throw ctx.error("parse-kv with regex takes no other option", op.span);
  }
  return { pairDelimiter, kvDelimiter, quotes, escapes, greedy, regex };
}

/** The key/value pairs of one text (the first value of each key). */
export function readPairs(text: string, options: KvOptions): Map<string, string> {
  const pairs = new Map<string, string>();
  const add = (key: string, value: string) => {
    const k = unquote(key.trim(), options);
    if (k !== "" && !pairs.has(k)) pairs.set(k, unquote(value.trim(), options));
  };
  if (options.regex) {
    for (const m of options.regex.matchAll(text)) add(m[1] ?? "", m[2] ?? "");
    return pairs;
  }
  if (options.pairDelimiter !== undefined && options.kvDelimiter !== undefined) {
    const segments = splitOutsideQuotes(text, options.pairDelimiter, options);
    const merged: string[] = [];
    for (const segment of segments) {
      const hasKey = indexOutsideQuotes(segment, options.kvDelimiter, options) >= 0;
      if (!hasKey && options.greedy && merged.length > 0) {
        merged[merged.length - 1] += options.pairDelimiter + segment;
      } else merged.push(segment);
    }
    for (const segment of merged) {
      const at = indexOutsideQuotes(segment, options.kvDelimiter, options);
      if (at >= 0) add(segment.slice(0, at), segment.slice(at + options.kvDelimiter.length));
    }
    return pairs;
  }
  // No delimiters: words (or quoted texts) separated by anything else.
  const tokens = words(text, options);
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [key, gap, value] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (key.kind !== "separator" && gap.kind === "separator" && value.kind !== "separator") {
      const k = unquote(key.text, options);
      if (!pairs.has(k)) pairs.set(k, unquote(value.text, options));
    }
  }
  return pairs;
}

function words(
  text: string,
  options: KvOptions,
): Array<{ kind: "word" | "quoted" | "separator"; text: string }> {
  const tokens: Array<{ kind: "word" | "quoted" | "separator"; text: string }> = [];
  let i = 0;
  while (i < text.length) {
    const quote = options.quotes.find(([open]) => text.startsWith(open, i));
    if (quote) {
      const end = closingQuote(text, i + 1, quote[1], options);
      tokens.push({ kind: "quoted", text: text.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    const isWord = /[\p{L}\p{N}_]/u.test(text[i]);
    let j = i + 1;
    while (
      j < text.length && /[\p{L}\p{N}_]/u.test(text[j]) === isWord &&
      !options.quotes.some(([open]) => text.startsWith(open, j))
    ) j++;
    const kind = isWord ? "word" : "separator";
    if (kind === "separator" && tokens.at(-1)?.kind === "separator") {
      tokens[tokens.length - 1].text += text.slice(i, j);
    } else tokens.push({ kind, text: text.slice(i, j) });
    i = j;
  }
  return tokens;
}

/** The index of the closing quote from `from` (escapes skipped), or the text's end. */
function closingQuote(text: string, from: number, close: string, options: KvOptions): number {
  for (let i = from; i < text.length; i++) {
    if (options.escapes.includes(text[i])) {
      i++;
      continue;
    }
    if (text.startsWith(close, i)) return i;
  }
  return text.length - 1;
}

function indexOutsideQuotes(text: string, needle: string, options: KvOptions): number {
  for (let i = 0; i < text.length; i++) {
    const quote = options.quotes.find(([open]) => text.startsWith(open, i));
    if (quote) {
      i = closingQuote(text, i + 1, quote[1], options);
      continue;
    }
    if (text.startsWith(needle, i)) return i;
  }
  return -1;
}

function splitOutsideQuotes(text: string, delimiter: string, options: KvOptions): string[] {
  const parts: string[] = [];
  let rest = text;
  for (;;) {
    const at = indexOutsideQuotes(rest, delimiter, options);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + delimiter.length);
  }
  parts.push(rest);
  return parts;
}

/** A quoted text's content with its escapes undone; other text as it is. */
function unquote(text: string, options: KvOptions): string {
  const quote = options.quotes.find(([open, close]) =>
    text.length >= open.length + close.length && text.startsWith(open) && text.endsWith(close)
  );
  if (!quote) return text;
  const inner = text.slice(quote[0].length, text.length - quote[1].length);
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    if (options.escapes.includes(inner[i]) && i + 1 < inner.length) {
      out += inner[++i];
    } else out += inner[i];
  }
  return out;
}
