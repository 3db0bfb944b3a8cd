/**
 * KQL string and text functions: substring, trim, replace, split, extract, indexof,
 * countof, concatenation, encodings (base64, URL), parsers (URL, path, command line,
 * CSV), compression, hashes and Unicode code points.
 *
 * Functions that hunting queries run over millions of rows (substring, trim, replace,
 * split, extract with a constant pattern) compile to native Polars expressions; the
 * rest run row by row in JavaScript. Every function folds to a constant when its
 * arguments are constant, with the same JavaScript implementation the row-by-row path
 * uses.
 *
 * KQL regular expressions use RE2 syntax. Polars runs them with Rust's `regex` crate
 * (close to RE2); JavaScript needs a translation (inline flags, `(?P<name>)`, `\A`,
 * `\z`, POSIX classes). Both translations make `\d`, `\w` and `\s` ASCII-only as RE2's
 * are.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { crc32, deflateRawSync, deflateSync, gunzipSync, inflateSync } from "node:zlib";
import { type Expr, pl } from "../../polars.ts";
import { splitCsvRecord } from "../../_csv_fields.ts";
import { type KustoType, polarsTypeOf } from "../../schema/types.ts";
import { constant, type Typed } from "../compile/_context.ts";
import { convert, toStringTyped } from "../compile/_conversion.ts";
import { nativeStringArray } from "../compile/_dynamic_native.ts";
import { asCanonicalJson } from "../compile/_canonical_json.ts";
import { matchJs } from "../compile/_binary_operators.ts";
import { termPattern } from "../runtime/_text.ts";
import { type JsValue, kustoToString } from "../runtime/_values.ts";
import { type CallSite, defineScalar, SCALAR_FUNCTIONS } from "./_registry.ts";
import {
  expandRewrite,
  groupCount,
  groupNames,
  jsRegex,
  type LinearRegex,
  rewriteMaxGroup,
  rustRegexSource,
  rustRewrite,
} from "../runtime/_regex.ts";

// ---------------------------------------------------------------- arguments

function fail(site: CallSite, i: number, what: string, hint?: string): never {
  throw site.env.ctx.error(what, (site.call.args[i] ?? site.call).span, hint);
}

/** A parameter Kusto converts to a string whatever its type (tostring()). */
function anyText(args: Typed[], i: number, site: CallSite): Typed {
  return toStringTyped(args[i], site.env);
}

/** A string parameter: strings, and guids or dynamic values read as their text. */
function textArg(args: Typed[], i: number, site: CallSite): Typed {
  const arg = args[i];
  if (arg.type === "string") return arg;
  if (arg.type === "guid" || arg.type === "dynamic") return toStringTyped(arg, site.env);
  return fail(
    site,
    i,
    `argument ${i + 1} of ${site.call.name}() must be a string, not ${arg.type}`,
    "Convert it with tostring().",
  );
}

/** An integer parameter (int or long; dynamic values are converted). */
function intArg(args: Typed[], i: number, site: CallSite): Typed {
  const arg = args[i];
  if (arg.type === "long" || arg.type === "int") return arg;
  if (arg.type === "dynamic") return convert(arg, "long", site.env);
  return fail(
    site,
    i,
    `argument ${i + 1} of ${site.call.name}() must be an integer, not ${arg.type}`,
    arg.type === "real" || arg.type === "decimal" ? "Convert it with tolong()." : undefined,
  );
}

/** A string parameter that must be known while compiling (regular expressions...). */
function constantText(args: Typed[], i: number, site: CallSite, what: string): string {
  const arg = textArg(args, i, site);
  if (!arg.constant) {
    fail(
      site,
      i,
      `the ${what} of ${site.call.name}() must be a constant`,
      "Kusto requires a literal or a let-bound constant here.",
    );
  }
  return str(arg.constant.value);
}

/** The constant value of an integer argument, undefined when it is not constant. */
function constantInt(arg: Typed | undefined): number | null | undefined {
  if (!arg?.constant) return undefined;
  const v = arg.constant.value;
  return v === null || v === undefined ? null : Math.trunc(Number(v));
}

/** A JS string value (Kusto's empty string stands for a null string). */
function str(v: JsValue): string {
  return v === null || v === undefined ? "" : String(v);
}

function num(v: JsValue): number | null {
  return v === null || v === undefined ? null : Math.trunc(Number(v));
}

/** A native expression, or its JS twin's constant when every input is constant. */
function native(
  inputs: readonly Typed[],
  type: KustoType,
  expr: () => Expr,
  js: (values: JsValue[]) => JsValue,
): Typed {
  if (inputs.every((i) => i.constant)) {
    return constant(js(inputs.map((i) => i.constant!.value)), type);
  }
  return { expr: expr(), type };
}

/** The Rust translation of a constant pattern, or a semantic error at the call. */
function rustRegex(pattern: string, i: number, site: CallSite): string {
  try {
    return rustRegexSource(pattern);
  } catch (e) {
    return fail(
      site,
      i,
      `invalid regular expression ${JSON.stringify(pattern)} in ${site.call.name}(): ${
        (e as Error).message
      }`,
    );
  }
}

/** The linear-time regex of a constant pattern, or a semantic error at the call. */
function checkedJsRegex(
  pattern: string,
  i: number,
  site: CallSite,
  extraFlags = "",
): LinearRegex {
  try {
    return jsRegex(pattern, extraFlags);
  } catch (e) {
    // V8 names the translated source; the user wrote the RE2 one.
    const reason = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
    return fail(
      site,
      i,
      `invalid regular expression ${JSON.stringify(pattern)} in ${site.call.name}(): ${reason}`,
    );
  }
}

// ---------------------------------------------------------------- dynamic values natively

/** The JSON text of a string or list expression (Polars' own JSON writer). */
function jsonOf(expr: Expr): Expr {
  return pl.struct([expr.alias("v")]).struct.jsonEncode().str.slice(5).str.stripCharsEnd("}");
}

// ---------------------------------------------------------------- substring, trim

/** Kusto's substring() over a JS string, counting code points like Polars. */
function substringJs(s: string, start: number | null, length: number | null): string {
  if (start === null) return "";
  const chars = [...s];
  let from = start < 0 ? chars.length + start : start;
  if (from < 0) from = 0;
  if (length !== null && length < 0) return "";
  return chars.slice(from, length === null ? undefined : from + length).join("");
}

defineScalar("substring", {
  minArgs: 2,
  maxArgs: 3,
  compile(args, site) {
    const source = anyText(args, 0, site);
    const start = intArg(args, 1, site);
    const length = args.length > 2 ? intArg(args, 2, site) : undefined;
    const inputs = length ? [source, start, length] : [source, start];
    const js = ([s, b, l]: JsValue[]) => substringJs(str(s), num(b), length ? num(l) : null);
    const from = constantInt(start);
    const count = length ? constantInt(length) : null;
    if (from === undefined || count === undefined || from === null || (count ?? 0) < 0) {
      return site.env.rowwise(inputs, "string", js);
    }
    return native(inputs, "string", () => {
      const n = count ?? undefined;
      if (from >= 0) return source.expr.str.slice(from, n);
      // Polars slides a negative window off the start; Kusto starts at the first char.
      const before = source.expr.str.lengths().cast(pl.Int64).add(from).lt(0);
      return pl.when(before).then(source.expr.str.slice(0, n)).otherwise(
        source.expr.str.slice(from, n),
      );
    }, js);
  },
});

function trimFunction(start: boolean, end: boolean) {
  return {
    minArgs: 2,
    maxArgs: 2,
    compile(args: Typed[], site: CallSite): Typed {
      const pattern = constantText(args, 0, site, "regular expression");
      const source = textArg(args, 1, site);
      if (source.constant) checkedJsRegex(pattern, 0, site);
      return native([source], "string", () => {
        const rust = rustRegex(pattern, 0, site);
        let expr = source.expr;
        if (start) expr = expr.str.replace(`^(?:${rust})+`, "");
        if (end) expr = expr.str.replace(`(?:${rust})+$`, "");
        return expr;
      }, ([s]) => trimJs(pattern, str(s), start, end));
    },
  };
}

/** Removes repeated matches of `pattern` at the start and/or the end of `s`. */
function trimJs(pattern: string, s: string, start: boolean, end: boolean): string {
  if (start) {
    const re = jsRegex(pattern, "", (src) => `^(?:${src})`);
    for (let m = re.exec(s); m && m[0] !== ""; m = re.exec(s)) s = s.slice(m[0].length);
  }
  if (end) {
    const re = jsRegex(pattern, "", (src) => `(?:${src})$`);
    for (let m = re.exec(s); m && m[0] !== ""; m = re.exec(s)) s = s.slice(0, m.index);
  }
  return s;
}

defineScalar("trim", trimFunction(true, true));
defineScalar("trim_start", trimFunction(true, false));
defineScalar("trim_end", trimFunction(false, true));

// ---------------------------------------------------------------- replace

defineScalar("replace_string", {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    const [text, lookup, rewrite] = [0, 1, 2].map((i) => textArg(args, i, site));
    const js = ([t, l, r]: JsValue[]) => {
      const needle = str(l);
      return needle === "" ? str(t) : str(t).split(needle).join(str(r));
    };
    if (!lookup.constant || !rewrite.constant) {
      return site.env.rowwise([text, lookup, rewrite], "string", js);
    }
    const needle = str(lookup.constant.value);
    return native(
      [text, lookup, rewrite],
      "string",
      () =>
        needle === ""
          ? text.expr
          : text.expr.str.replaceAll(needle, str(rewrite.constant!.value), true),
      js,
    );
  },
});

/** replace_regex(text, regex, rewrite), compiled natively. */
function replaceRegex(
  text: Typed,
  args: Typed[],
  regexAt: number,
  rewriteAt: number,
  site: CallSite,
) {
  const pattern = constantText(args, regexAt, site, "regular expression");
  const rewrite = constantText(args, rewriteAt, site, "rewrite pattern");
  const re = checkedJsRegex(pattern, regexAt, site, "g");
  const groups = groupCount(re);
  if (rewriteMaxGroup(rewrite) > groups) {
    fail(
      site,
      rewriteAt,
      `the rewrite pattern of ${site.call.name}() refers to group \\${
        rewriteMaxGroup(rewrite)
      }, but the regular expression has ${groups} capture group(s)`,
    );
  }
  return native(
    [text],
    "string",
    // Polars replaces literal-looking patterns without expanding `$` groups: a group
    // keeps it on the regex path.
    () =>
      text.expr.str.replaceAll(`(?:${rustRegex(pattern, regexAt, site)})`, rustRewrite(rewrite)),
    ([t]) =>
      str(t).replace(
        jsRegex(pattern, "g"),
        (...m) => expandRewrite(rewrite, m.slice(0, groups + 1) as string[]),
      ),
  );
}

defineScalar("replace_regex", {
  minArgs: 3,
  maxArgs: 3,
  compile: (args, site) => replaceRegex(textArg(args, 0, site), args, 1, 2, site),
});

// The deprecated replace() takes the regex first: replace(regex, rewrite, text).
defineScalar("replace", {
  minArgs: 3,
  maxArgs: 3,
  compile: (args, site) => replaceRegex(textArg(args, 2, site), args, 0, 1, site),
});

// ---------------------------------------------------------------- split

function splitJs(s: string, delimiter: string, index: number | null | undefined): string[] {
  const parts = delimiter === "" ? [s] : s.split(delimiter);
  if (index === undefined) return parts;
  return index === null || index < 0 || index >= parts.length ? [] : [parts[index]];
}

defineScalar("split", {
  minArgs: 2,
  maxArgs: 3,
  compile(args, site) {
    const source = anyText(args, 0, site);
    const delimiter = textArg(args, 1, site);
    const index = args.length > 2 ? intArg(args, 2, site) : undefined;
    const inputs = index ? [source, delimiter, index] : [source, delimiter];
    const js = ([s, d, i]: JsValue[]) => splitJs(str(s), str(d), index ? num(i) : undefined);
    const at = constantInt(index);
    if (!delimiter.constant || at === null || (index && at === undefined)) {
      return site.env.rowwise(inputs, "dynamic", js);
    }
    const by = str(delimiter.constant.value);
    if (at === undefined && by !== "" && !source.constant) {
      // Kept as a Polars list too, for mv-expand, indexing and array_length; never empty.
      const parts = source.expr.str.split(by);
      return asCanonicalJson(nativeStringArray(jsonOf(parts), parts, true))!;
    }
    return native(inputs, "dynamic", () => {
      if (at === undefined) {
        return by === ""
          ? pl.concatString([pl.lit("["), jsonOf(source.expr), pl.lit("]")], "")
          : jsonOf(source.expr.str.split(by));
      }
      if (by === "" || at < 0) {
        return at === 0
          ? pl.concatString([pl.lit("["), jsonOf(source.expr), pl.lit("]")], "")
          : pl.lit("[]");
      }
      const part = source.expr.str.split(by).lst.get(at, true);
      return pl.when(part.isNull()).then(pl.lit("[]")).otherwise(
        pl.concatString([pl.lit("["), jsonOf(part), pl.lit("]")], ""),
      );
    }, js);
  },
});

// ---------------------------------------------------------------- extract

const TYPE_CONVERTERS: Record<string, string> = {
  int: "toint",
  long: "tolong",
  real: "toreal",
  double: "toreal",
  decimal: "todecimal",
  bool: "tobool",
  boolean: "tobool",
  datetime: "todatetime",
  date: "todatetime",
  timespan: "totimespan",
  time: "totimespan",
  guid: "toguid",
  string: "tostring",
  dynamic: "todynamic",
};

defineScalar("extract", {
  minArgs: 3,
  maxArgs: 4,
  compile(args, site) {
    const pattern = constantText(args, 0, site, "regular expression");
    const group = intArg(args, 1, site);
    const source = textArg(args, 2, site);
    const re = checkedJsRegex(pattern, 0, site);
    const groups = groupCount(re);
    const g = constantInt(group);
    if (g !== undefined && g !== null && (g < 0 || g > groups)) {
      fail(
        site,
        1,
        `extract() asks for capture group ${g}, but the regular expression has ${groups}`,
      );
    }
    const js = ([s, n]: JsValue[]) => {
      const k = num(n);
      if (k === null || k < 0 || k > groups) return "";
      return jsRegex(pattern).exec(str(s))?.[k] ?? "";
    };
    const text = g === undefined || g === null
      ? site.env.rowwise([source, group], "string", js)
      : native([source, group], "string", () =>
        source.expr.str.extract(rustRegex(pattern, 0, site), g).fillNull(pl.lit("")), js);
    if (args.length < 4) return text;
    return convertExtracted(text, args, site);
  },
});

/** extract()'s optional typeof(T): the text converted as the to*() functions do. */
function convertExtracted(text: Typed, args: Typed[], site: CallSite): Typed {
  const type = args[3].constant?.value;
  const converter = typeof type === "string" ? TYPE_CONVERTERS[type] : undefined;
  const fn = converter ? SCALAR_FUNCTIONS.get(converter) : undefined;
  if (!fn) {
    return fail(
      site,
      3,
      "the last argument of extract() must be a type, like typeof(long)",
    );
  }
  // An empty extraction is a failed match: null, whatever the target type.
  const matched = fn.compile([text], site);
  if (matched.type === "string") return matched;
  const empty = text.constant ? text.constant.value === "" : undefined;
  if (empty !== undefined) return empty ? constant(null, matched.type) : matched;
  return {
    expr: pl.when(text.expr.eq(pl.lit(""))).then(pl.lit(null)).otherwise(matched.expr).cast(
      polarsTypeOf(matched.type),
    ),
    type: matched.type,
  };
}

function extractAll(args: Typed[], site: CallSite): Typed {
  const pattern = constantText(args, 0, site, "regular expression");
  const re = checkedJsRegex(pattern, 0, site, "g");
  const groups = groupCount(re);
  const names = groupNames(re);
  let selected: number[];
  if (args.length === 3) {
    const list = args[1];
    if (list.type !== "dynamic" || !list.constant || !Array.isArray(list.constant.value)) {
      fail(site, 1, "the capture groups of extract_all() must be a constant dynamic array");
    }
    selected = (list.constant.value as JsValue[]).map((g) => {
      const n = typeof g === "number" ? g : names.get(String(g));
      if (n === undefined || !Number.isInteger(n) || n < 1 || n > groups) {
        fail(
          site,
          1,
          `extract_all() has no capture group ${JSON.stringify(g)} in its regular expression`,
        );
      }
      return n;
    });
  } else {
    selected = groups === 0 ? [0] : Array.from({ length: groups }, (_, k) => k + 1);
  }
  const source = textArg(args, args.length - 1, site);
  return site.env.rowwise([source], "dynamic", ([s]) => {
    const out: JsValue[] = [];
    const regex = jsRegex(pattern, "g");
    const text = str(s);
    for (let m = regex.exec(text); m; m = regex.exec(text)) {
      if (m[0] === "") regex.lastIndex++;
      const values = selected.map((k) => m![k] ?? "");
      out.push(selected.length === 1 ? values[0] : values);
    }
    return out.length === 0 ? null : out;
  });
}

defineScalar(["extract_all", "extractall"], {
  minArgs: 2,
  maxArgs: 3,
  compile: extractAll,
});

// ---------------------------------------------------------------- indexof, countof

/** A match of `indexof`'s lookup: where it starts and how long it is. */
type Hit = readonly [at: number, length: number];

/**
 * Kusto's indexof(): the position of the `occurrence`-th match starting in
 * `[start, start + length)` (-1: to the end), a negative start counting from the end. Plain
 * matches may overlap (the next is looked for one character on); regex matches do not (the
 * next is looked for after the previous one) and indexof_regex() refuses a negative start
 * (both as Kusto documents them).
 */
function indexOfJs(
  s: string,
  find: (from: number) => Hit | null,
  start: number | null,
  length: number | null,
  occurrence: number | null,
  regex: boolean,
): number | null {
  if (start === null || length === null || occurrence === null) return null;
  if (regex && start < 0) return null;
  const from = start < 0 ? s.length + start : start;
  if (from < 0 || length < -1 || occurrence < 0) return null;
  if (from > s.length || occurrence === 0) return -1;
  const limit = length === -1 ? s.length : from + length;
  let next = from;
  for (let k = 1;; k++) {
    const hit = find(next);
    if (hit === null || hit[0] >= limit) return -1;
    if (k === occurrence) return hit[0];
    next = regex ? hit[0] + Math.max(hit[1], 1) : hit[0] + 1;
  }
}

function indexofFunction(regex: boolean) {
  return {
    minArgs: 2,
    maxArgs: 5,
    compile(args: Typed[], site: CallSite): Typed {
      const source = anyText(args, 0, site);
      const pattern = regex ? constantText(args, 1, site, "regular expression") : undefined;
      if (pattern !== undefined) checkedJsRegex(pattern, 1, site, "g");
      const match = regex ? textArg(args, 1, site) : anyText(args, 1, site);
      const rest = args.slice(2).map((_, k) => intArg(args, k + 2, site));
      if (rest.length === 3 && !rest[2].constant) {
        fail(site, 4, `the occurrence of ${site.call.name}() must be a constant`);
      }
      return site.env.rowwise([source, match, ...rest], "long", ([s, m, b, l, o]) => {
        const text = str(s);
        const find = pattern !== undefined
          ? (from: number): Hit | null => {
            const re = jsRegex(pattern, "g");
            re.lastIndex = from;
            const hit = re.exec(text);
            return hit ? [hit.index, hit[0].length] : null;
          }
          : (from: number): Hit | null => {
            const at = text.indexOf(str(m), from);
            return at >= 0 ? [at, 0] : null;
          };
        return indexOfJs(
          text,
          find,
          rest.length > 0 ? num(b) : 0,
          rest.length > 1 ? num(l) : -1,
          rest.length > 2 ? num(o) : 1,
          regex,
        );
      });
    },
  };
}

defineScalar("indexof", indexofFunction(false));
defineScalar("indexof_regex", indexofFunction(true));

/** Whether occurrences of `s` can overlap (it has a border: a prefix that is a suffix). */
function canOverlap(s: string): boolean {
  for (let k = 1; k < s.length; k++) if (s.endsWith(s.slice(0, k))) return true;
  return false;
}

function countOverlapping(s: string, search: string): number {
  if (search === "") return 0;
  let count = 0;
  for (let at = s.indexOf(search); at >= 0; at = s.indexOf(search, at + 1)) count++;
  return count;
}

function countRegex(s: string, pattern: string): number | null {
  let re: LinearRegex;
  try {
    re = jsRegex(pattern, "g");
  } catch {
    return null;
  }
  let count = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m[0] === "") re.lastIndex++;
    count++;
  }
  return count;
}

defineScalar("countof", {
  minArgs: 2,
  maxArgs: 3,
  compile(args, site) {
    const source = textArg(args, 0, site);
    const search = textArg(args, 1, site);
    const kind = args.length > 2 ? constantText(args, 2, site, "kind") : "normal";
    if (kind !== "normal" && kind !== "regex") {
      fail(site, 2, `the kind of countof() must be "normal" or "regex", not "${kind}"`);
    }
    if (kind === "regex") {
      if (search.constant) checkedJsRegex(str(search.constant.value), 1, site, "g");
      return site.env.rowwise([source, search], "long", ([s, p]) => countRegex(str(s), str(p)));
    }
    const js = ([s, p]: JsValue[]) => countOverlapping(str(s), str(p));
    const needle = search.constant ? str(search.constant.value) : undefined;
    if (needle === undefined || needle === "" || canOverlap(needle)) {
      return site.env.rowwise([source, search], "long", js);
    }
    // Without a border, overlapping and non-overlapping counts are the same.
    return native(
      [source, search],
      "long",
      () => source.expr.str.split(needle).lst.lengths().cast(pl.Int64).sub(1),
      js,
    );
  },
});

// ---------------------------------------------------------------- concatenation, reverse...

/** The text of a dynamic value's element, as tostring() gives it. */
function elementText(v: JsValue): string {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

defineScalar(["strcat_array", "array_strcat"], {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    if (args[0].type !== "dynamic") {
      fail(
        site,
        0,
        `argument 1 of ${site.call.name}() must be a dynamic array, not ${args[0].type}`,
      );
    }
    const delimiter = anyText(args, 1, site);
    return site.env.rowwise(
      [args[0], delimiter],
      "string",
      ([a, d]) => Array.isArray(a) ? a.map(elementText).join(str(d)) : "",
    );
  },
});

defineScalar("strcat_delim", {
  minArgs: 3,
  maxArgs: 65,
  compile(args, site) {
    const parts = args.map((_, i) => anyText(args, i, site));
    const [delimiter, ...values] = parts;
    const js = (v: JsValue[]) => v.slice(1).map(str).join(str(v[0]));
    if (!delimiter.constant) return site.env.rowwise(parts, "string", js);
    return native(
      parts,
      "string",
      () => pl.concatString(values.map((p) => p.expr), str(delimiter.constant!.value)),
      js,
    );
  },
});

defineScalar("reverse", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    return site.env.rowwise(
      [anyText(args, 0, site)],
      "string",
      ([s]) => [...str(s)].reverse().join(""),
    );
  },
});

/** strrep()'s largest multiplier. */
const MAX_REPEAT = 67_108_864;
/** The longest string strrep() makes (JavaScript's own limit is about 2^29). */
const MAX_STRING_LENGTH = 67_108_864;

defineScalar("strrep", {
  minArgs: 2,
  maxArgs: 3,
  compile(args, site) {
    const value = anyText(args, 0, site);
    const times = intArg(args, 1, site);
    const delimiter = args.length > 2 ? anyText(args, 2, site) : constant("", "string");
    return site.env.rowwise([value, times, delimiter], "string", ([v, n, d]) => {
      const count = Math.min(num(n) ?? 0, MAX_REPEAT);
      if (count < 1) return "";
      const length = count * str(v).length + (count - 1) * str(d).length;
      if (length > MAX_STRING_LENGTH) {
        fail(
          site,
          1,
          `strrep() would make a string of ${length} characters, more than the local ` +
            `engine's limit of ${MAX_STRING_LENGTH}`,
        );
      }
      return Array<string>(count).fill(str(v)).join(str(d));
    });
  },
});

/** translate(): each character of `from` becomes the one at its position in `to`. */
function translateJs(from: string, to: string, source: string): string {
  const search = [...from];
  const replacement = [...to];
  const map = new Map<string, string>();
  search.forEach((c, k) => {
    if (map.has(c)) return;
    map.set(c, replacement.length === 0 ? "" : replacement[Math.min(k, replacement.length - 1)]);
  });
  return [...source].map((c) => map.get(c) ?? c).join("");
}

defineScalar("translate", {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    const [from, to, source] = [0, 1, 2].map((i) => textArg(args, i, site));
    return site.env.rowwise(
      [from, to, source],
      "string",
      ([f, t, s]) => translateJs(str(f), str(t), str(s)),
    );
  },
});

const utf8 = new TextEncoder();

defineScalar("string_size", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const s = textArg(args, 0, site);
    // Hex digits are ASCII: two per UTF-8 byte.
    return native(
      [s],
      "long",
      () => s.expr.str.encode("hex").str.lengths().cast(pl.Int64).div(2).cast(pl.Int64),
      ([v]) => utf8.encode(str(v)).length,
    );
  },
});

defineScalar("isascii", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const s = textArg(args, 0, site);
    return native(
      [s],
      "bool",
      () => s.expr.str.contains("[^\\x00-\\x7F]").not(),
      ([v]) => [...str(v)].every((c) => c.charCodeAt(0) < 0x80),
    );
  },
});

/** RE2's QuoteMeta: every ASCII character but letters, digits and `_` escaped. */
function quoteMeta(s: string): string {
  let out = "";
  for (const c of s) {
    if (/[A-Za-z0-9_]/.test(c) || c.codePointAt(0)! >= 0x80) out += c;
    else if (c === "\0") out += "\\x00";
    else out += `\\${c}`;
  }
  return out;
}

defineScalar("regex_quote", {
  minArgs: 1,
  maxArgs: 1,
  compile: (args, site) =>
    site.env.rowwise([anyText(args, 0, site)], "string", ([s]) => quoteMeta(str(s))),
});

// ---------------------------------------------------------------- base64

/** The bytes of strict base64 text (whitespace ignored, padding required), or null. */
function base64Bytes(text: string): Uint8Array | null {
  const s = text.replace(/[\t\n\r ]/g, "");
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  let binary: string;
  try {
    binary = atob(s);
  } catch {
    return null;
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let k = 0; k < bytes.length; k += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  }
  return btoa(binary);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

defineScalar(["base64_encode_tostring", "base64_encodestring"], {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const s = textArg(args, 0, site);
    return native(
      [s],
      "string",
      () => s.expr.str.encode("base64"),
      ([v]) => toBase64(utf8.encode(str(v))),
    );
  },
});

defineScalar(["base64_decode_tostring", "base64_decodestring"], {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    return site.env.rowwise([textArg(args, 0, site)], "string", ([v]) => {
      const bytes = base64Bytes(str(v));
      if (!bytes) return "";
      try {
        return strictUtf8.decode(bytes);
      } catch {
        return ""; // not UTF-8: Kusto's null string
      }
    });
  },
});

defineScalar("base64_decode_toarray", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    return site.env.rowwise([textArg(args, 0, site)], "dynamic", ([v]) => {
      const bytes = base64Bytes(str(v));
      return bytes ? [...bytes] : null;
    });
  },
});

defineScalar("base64_encode_fromarray", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    if (args[0].type !== "dynamic") {
      fail(
        site,
        0,
        `argument 1 of base64_encode_fromarray() must be a dynamic array, not ${args[0].type}`,
      );
    }
    return site.env.rowwise([args[0]], "string", ([a]) => {
      if (!Array.isArray(a)) return "";
      const ok = a.every((b) => typeof b === "number" && Number.isInteger(b) && b >= 0 && b <= 255);
      return ok ? toBase64(Uint8Array.from(a as number[])) : "";
    });
  },
});

/** A GUID's 16 bytes in .NET's order (the first three fields little-endian). */
function guidBytes(guid: string): Uint8Array | null {
  const hex = guid.replace(/[{}-]/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  const b = Uint8Array.from({ length: 16 }, (_, k) => parseInt(hex.slice(2 * k, 2 * k + 2), 16));
  return Uint8Array.from([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], ...b.subarray(8)]);
}

function guidFromBytes(b: Uint8Array): string {
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  const hex = order.map((k) => b[k].toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

defineScalar("base64_encode_fromguid", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    if (args[0].type !== "guid") {
      fail(
        site,
        0,
        `argument 1 of base64_encode_fromguid() must be a guid, not ${args[0].type}`,
        "Convert it with toguid().",
      );
    }
    return site.env.rowwise([args[0]], "string", ([g]) => {
      const bytes = g === null ? null : guidBytes(str(g));
      return bytes ? toBase64(bytes) : "";
    });
  },
});

defineScalar("base64_decode_toguid", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    return site.env.rowwise([textArg(args, 0, site)], "guid", ([v]) => {
      const bytes = base64Bytes(str(v));
      return bytes && bytes.length === 16 ? guidFromBytes(bytes) : null;
    });
  },
});

// ---------------------------------------------------------------- compression

// Kusto stores its deflate data uncompressed (level 0): its documented outputs are
// byte for byte what zlib writes at that level, with a gzip header naming no OS.
const GZIP_HEADER = [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff];

function gzipBytes(data: Uint8Array): Uint8Array {
  const body = deflateRawSync(data, { level: 0 });
  const out = new Uint8Array(GZIP_HEADER.length + body.length + 8);
  out.set(GZIP_HEADER);
  out.set(body, GZIP_HEADER.length);
  const tail = new DataView(out.buffer, GZIP_HEADER.length + body.length);
  tail.setUint32(0, crc32(data), true);
  tail.setUint32(4, data.length >>> 0, true);
  return out;
}

/** A compress/decompress pair of functions over base64 text. */
function compression(
  compress: (data: Uint8Array) => Uint8Array,
  decompress: (data: Uint8Array) => Uint8Array,
) {
  return {
    compress: {
      minArgs: 1,
      maxArgs: 1,
      compile: (args: Typed[], site: CallSite) =>
        site.env.rowwise(
          [textArg(args, 0, site)],
          "string",
          ([s]) => toBase64(compress(utf8.encode(str(s)))),
        ),
    },
    decompress: {
      minArgs: 1,
      maxArgs: 1,
      compile: (args: Typed[], site: CallSite) =>
        site.env.rowwise([textArg(args, 0, site)], "string", ([s]) => {
          const bytes = base64Bytes(str(s));
          if (!bytes) return "";
          try {
            return strictUtf8.decode(decompress(bytes));
          } catch {
            return ""; // not compressed data, or not UTF-8 text: Kusto's null string
          }
        }),
    },
  };
}

const gzip = compression(gzipBytes, (data) => gunzipSync(data));
defineScalar("gzip_compress_to_base64_string", gzip.compress);
defineScalar("gzip_decompress_from_base64_string", gzip.decompress);

const zlib = compression((data) => deflateSync(data, { level: 0 }), (data) => inflateSync(data));
defineScalar("zlib_compress_to_base64_string", zlib.compress);
defineScalar("zlib_decompress_from_base64_string", zlib.decompress);

// ---------------------------------------------------------------- URLs

/** Characters .NET's HttpUtility.UrlEncode leaves as they are. */
const URL_SAFE = /[A-Za-z0-9\-_.!*()]/;

/** HttpUtility.UrlEncode: UTF-8 bytes as lowercase %xx; a space is `+` or `%20`. */
function urlEncode(s: string, space: string): string {
  let out = "";
  for (const byte of utf8.encode(s)) {
    const c = String.fromCharCode(byte);
    if (byte < 0x80 && URL_SAFE.test(c)) out += c;
    else if (c === " ") out += space;
    else out += `%${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const HEX2 = /^[0-9A-Fa-f]{2}$/;
const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** HttpUtility.UrlDecode: `+` is a space, %xx bytes are UTF-8, %uXXXX a UTF-16 unit. */
function urlDecode(s: string): string {
  let out = "";
  const bytes: number[] = [];
  const flush = () => {
    if (bytes.length) out += lenientUtf8.decode(Uint8Array.from(bytes.splice(0)));
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "%" && HEX2.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    flush();
    if (c === "%" && s[i + 1] === "u" && HEX4.test(s.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
      i += 5;
    } else out += c === "+" ? " " : c;
  }
  flush();
  return out;
}

defineScalar("url_encode", {
  minArgs: 1,
  maxArgs: 1,
  compile: (args, site) =>
    site.env.rowwise([textArg(args, 0, site)], "string", ([s]) => urlEncode(str(s), "+")),
});

defineScalar("url_encode_component", {
  minArgs: 1,
  maxArgs: 1,
  compile: (args, site) =>
    site.env.rowwise([textArg(args, 0, site)], "string", ([s]) => urlEncode(str(s), "%20")),
});

defineScalar("url_decode", {
  minArgs: 1,
  maxArgs: 1,
  compile: (args, site) =>
    site.env.rowwise([textArg(args, 0, site)], "string", ([s]) => urlDecode(str(s))),
});

/** Query parameters as a property bag: keys and values URL-decoded, the last one kept. */
function queryParameters(query: string): Record<string, string> {
  const bag: Record<string, string> = {};
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = urlDecode(eq < 0 ? pair : pair.slice(0, eq));
    bag[key] = eq < 0 ? "" : urlDecode(pair.slice(eq + 1));
  }
  return bag;
}

const URL_PATTERN =
  /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?(\[[^\]]*\]|[^:/?#]*)(?::([0-9]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

/** parse_url(): an absolute URL's parts (empty strings for the parts it lacks). */
function parseUrl(url: string): Record<string, JsValue> {
  const m = URL_PATTERN.exec(url.trim());
  return {
    Scheme: m?.[1] ?? "",
    Host: m?.[4] ?? "",
    Port: m?.[5] ?? "",
    Path: m?.[6] ?? "",
    Username: m?.[2] ?? "",
    Password: m?.[3] ?? "",
    "Query Parameters": queryParameters(m?.[7] ?? ""),
    Fragment: m?.[8] ?? "",
  };
}

defineScalar(["parse_url", "parseurl"], {
  minArgs: 1,
  maxArgs: 1,
  compile: (args, site) =>
    site.env.rowwise([textArg(args, 0, site)], "dynamic", ([s]) => parseUrl(str(s))),
});

defineScalar(["parse_urlquery", "parseurlquery"], {
  minArgs: 1,
  maxArgs: 1,
  compile: (args, site) =>
    site.env.rowwise([textArg(args, 0, site)], "dynamic", ([s]) => {
      const text = str(s);
      const query = text.includes("?") ? text.slice(text.indexOf("?") + 1) : text;
      return { "Query Parameters": queryParameters(query.split("#")[0]) };
    }),
});

// ---------------------------------------------------------------- paths, command lines, CSV

/** parse_path(): Windows and POSIX paths, with schemes, UNC and long-path prefixes. */
function parsePath(path: string): Record<string, string> {
  let rest = path;
  let scheme = "";
  // One-letter "schemes" are drive letters.
  const s = /^([A-Za-z][A-Za-z0-9+.-]+):\/\//.exec(rest);
  if (s) {
    scheme = s[1];
    rest = rest.slice(s[0].length);
  }
  const longPrefix = /^[\\/]{2}[?.][\\/]/.exec(rest)?.[0] ?? "";
  const body = rest.slice(longPrefix.length);
  const root = /^[A-Za-z]:/.exec(body)?.[0] ?? "";
  const sep = Math.max(body.lastIndexOf("/"), body.lastIndexOf("\\"));
  let directory = sep >= 0 ? body.slice(0, sep) : "";
  // A root keeps its separator: C:\ and / are directories, C: and "" are not.
  if (sep >= 0 && (directory === "" || directory === root)) directory = body.slice(0, sep + 1);
  let file = sep >= 0 ? body.slice(sep + 1) : body.slice(root.length);
  let stream = "";
  const colon = file.indexOf(":");
  if (colon >= 0) {
    stream = file.slice(colon + 1);
    file = file.slice(0, colon);
  }
  const dot = file.lastIndexOf(".");
  const parts = directory.split(/[\\/]/).filter((p) => p !== "");
  const last = parts.at(-1) ?? "";
  return {
    Scheme: scheme,
    RootPath: root,
    DirectoryPath: longPrefix + directory,
    DirectoryName: last === root ? "" : last,
    Filename: file,
    Extension: dot >= 0 ? file.slice(dot + 1) : "",
    AlternateDataStreamName: stream,
  };
}

defineScalar("parse_path", {
  minArgs: 1,
  maxArgs: 1,
  compile: (args, site) =>
    site.env.rowwise([textArg(args, 0, site)], "dynamic", ([s]) => parsePath(str(s))),
});

/**
 * Windows' CommandLineToArgvW: the program name ends at a space or its closing quote;
 * then 2n backslashes before a quote are n backslashes and the quote toggles quoting,
 * 2n+1 are n backslashes and a literal quote, and `""` inside quotes is a quote.
 */
export function commandLineToArgv(line: string): string[] {
  if (line === "") return [];
  const args: string[] = [];
  const blank = (c: string | undefined) => c === " " || c === "\t";
  let i = 0;
  let arg = "";
  if (line[0] === '"') {
    for (i = 1; i < line.length && line[i] !== '"'; i++) arg += line[i];
    if (i < line.length) i++;
  } else {
    for (; i < line.length && !blank(line[i]); i++) arg += line[i];
  }
  args.push(arg);
  while (blank(line[i])) i++;
  if (i >= line.length) return args;
  arg = "";
  let quotes = 0;
  let backslashes = 0;
  while (i < line.length) {
    const c = line[i];
    if (blank(c) && quotes === 0) {
      args.push(arg);
      arg = "";
      backslashes = 0;
      while (blank(line[i])) i++;
      if (i >= line.length) return args;
    } else if (c === "\\") {
      arg += c;
      backslashes++;
      i++;
    } else if (c === '"') {
      if (backslashes % 2 === 0) {
        arg = arg.slice(0, arg.length - backslashes / 2);
        quotes++;
      } else {
        arg = arg.slice(0, arg.length - (backslashes - 1) / 2 - 1) + '"';
      }
      i++;
      backslashes = 0;
      for (; line[i] === '"'; i++) {
        if (++quotes === 3) {
          arg += '"';
          quotes = 0;
        }
      }
      if (quotes === 2) quotes = 0;
    } else {
      arg += c;
      backslashes = 0;
      i++;
    }
  }
  args.push(arg);
  return args;
}

defineScalar("parse_command_line", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const kind = constantText(args, 1, site, "parser type");
    if (kind.toLowerCase() !== "windows") {
      fail(site, 1, `parse_command_line() only knows the "windows" parser, not "${kind}"`);
    }
    return site.env.rowwise(
      [anyText(args, 0, site)],
      "dynamic",
      ([s]) => commandLineToArgv(str(s)),
    );
  },
});

defineScalar("parse_csv", {
  minArgs: 1,
  maxArgs: 1,
  compile: (args, site) =>
    site.env.rowwise([textArg(args, 0, site)], "dynamic", ([s]) => splitCsvRecord(str(s))),
});

// ---------------------------------------------------------------- hashes

function notDynamic(args: Typed[], site: CallSite): Typed {
  if (args[0].type === "dynamic") {
    fail(
      site,
      0,
      `${site.call.name}() cannot hash a dynamic value`,
      "Hash its text instead: tostring(...).",
    );
  }
  return args[0];
}

for (
  const [name, algorithm] of [["hash_sha256", "sha256"], ["hash_sha1", "sha1"], ["hash_md5", "md5"]]
) {
  defineScalar(name, {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      const value = notDynamic(args, site);
      // Datetimes hash as their full text (2020-01-01T00:00:00.0000000Z), like tostring().
      return site.env.rowwise(
        [value],
        "string",
        ([v]) =>
          v === null && value.type !== "string"
            ? ""
            : createHash(algorithm).update(kustoToString(v, value.type), "utf8").digest("hex"),
      );
    },
  });
}

const M64 = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M64;
const xxRound = (acc: bigint, lane: bigint) => (rotl((acc + lane * P2) & M64, 31n) * P1) & M64;
const xxMerge = (acc: bigint, v: bigint) => (((acc ^ xxRound(0n, v)) * P1) + P4) & M64;

/** XXH64 with seed 0, as an unsigned 64-bit value. */
export function xxhash64(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M64;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (M64 + 1n - P1) & M64;
    for (; i + 32 <= n; i += 32) {
      v1 = xxRound(v1, view.getBigUint64(i, true));
      v2 = xxRound(v2, view.getBigUint64(i + 8, true));
      v3 = xxRound(v3, view.getBigUint64(i + 16, true));
      v4 = xxRound(v4, view.getBigUint64(i + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    for (const v of [v1, v2, v3, v4]) h = xxMerge(h, v);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & M64;
  for (; i + 8 <= n; i += 8) {
    h = (rotl(h ^ xxRound(0n, view.getBigUint64(i, true)), 27n) * P1 + P4) & M64;
  }
  if (i + 4 <= n) {
    h = (rotl(h ^ ((BigInt(view.getUint32(i, true)) * P1) & M64), 23n) * P2 + P3) & M64;
    i += 4;
  }
  for (; i < n; i++) h = (rotl(h ^ ((BigInt(bytes[i]) * P5) & M64), 11n) * P1) & M64;
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  return h ^ (h >> 32n);
}

/** .NET ticks (100 ns) since 0001-01-01 of microseconds since the Unix epoch. */
const EPOCH_TICKS = 621_355_968_000_000_000n;

/** The bytes hash() digests: UTF-8 text, or the 8 little-endian bytes of a tick count. */
function hashBytes(v: JsValue, type: KustoType): Uint8Array {
  if (type === "string") return utf8.encode(str(v));
  const ticks = type === "datetime"
    ? BigInt(Math.trunc(Number(v))) * 10n + EPOCH_TICKS
    : BigInt(Math.trunc(Number(v))) * (type === "timespan" ? 10n : 1n);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, ticks, true);
  return bytes;
}

/** Types whose hash() matches Kusto's (checked against its documented values). */
const HASHABLE = new Set<KustoType>(["string", "datetime", "timespan", "long"]);

defineScalar(["hash", "hash_xxhash64"], {
  minArgs: 1,
  maxArgs: 2,
  compile(args, site) {
    const value = notDynamic(args, site);
    if (!HASHABLE.has(value.type)) {
      throw site.env.ctx.unsupported(
        `hash() of a ${value.type} value`,
        site.call.args[0].span,
        "Kusto's byte layout for this type is unknown locally; hash its text: hash(tostring(...)).",
      );
    }
    const mod = args.length > 1 ? intArg(args, 1, site) : undefined;
    if (mod) {
      return site.env.rowwise([value, mod], "long", ([v, m]) => {
        const k = num(m);
        if ((v === null && value.type !== "string") || k === null || k <= 0) return null;
        return Number(xxhash64(hashBytes(v, value.type)) % BigInt(k));
      });
    }
    // A 64-bit hash does not fit a JS number: carry its decimal text, cast by Polars.
    const text = site.env.rowwise(
      [value],
      "string",
      ([v]) =>
        v === null && value.type !== "string"
          ? ""
          : BigInt.asIntN(64, xxhash64(hashBytes(v, value.type))).toString(),
    );
    return {
      expr: pl.when(text.expr.eq(pl.lit(""))).then(pl.lit(null)).otherwise(text.expr).cast(
        pl.Int64,
      ),
      type: "long",
      constant: text.constant
        ? { value: text.constant.value === "" ? null : Number(text.constant.value) }
        : undefined,
    };
  },
});

// ---------------------------------------------------------------- Unicode, has_any_index

defineScalar(["unicode_codepoints_from_string", "to_utf8"], {
  minArgs: 1,
  maxArgs: 1,
  compile: (args, site) =>
    site.env.rowwise(
      [anyText(args, 0, site)],
      "dynamic",
      ([s]) => [...str(s)].map((c) => c.codePointAt(0)!),
    ),
});

function isCodePoint(v: JsValue): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0x10ffff &&
    !(v >= 0xd800 && v <= 0xdfff);
}

defineScalar(["unicode_codepoints_to_string", "make_string"], {
  minArgs: 1,
  maxArgs: 64,
  compile(args, site) {
    args.forEach((a, i) => {
      if (a.type !== "int" && a.type !== "long" && a.type !== "dynamic") {
        fail(
          site,
          i,
          `argument ${
            i + 1
          } of ${site.call.name}() must be an integer or a dynamic array of integers, not ${a.type}`,
        );
      }
    });
    return site.env.rowwise(args, "string", (values) => {
      const points = values.flatMap((v) => (Array.isArray(v) ? v : [v]));
      return points.every(isCodePoint) ? String.fromCodePoint(...points) : "";
    });
  },
});

defineScalar("has_any_index", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const source = textArg(args, 0, site);
    const values = args[1];
    if (values.type !== "dynamic") {
      fail(site, 1, `argument 2 of has_any_index() must be a dynamic array, not ${values.type}`);
    }
    const js = ([s, list]: JsValue[]) => {
      const items = Array.isArray(list) ? list : [];
      return items.findIndex((item) => matchJs("has", false, str(s), elementText(item)));
    };
    const list = values.constant?.value;
    const patterns = Array.isArray(list)
      ? list.map((item) => termPattern("has", elementText(item), false))
      : [];
    // A needle no Rust regex matches exactly (a non-ASCII cased letter) runs in JavaScript.
    if (!Array.isArray(list) || patterns.some((p) => p === undefined)) {
      return site.env.rowwise([source, values], "long", js);
    }
    return native([source, values], "long", () => {
      if (list.length === 0) return pl.lit(-1).cast(pl.Int64);
      let chain = pl.when(source.expr.str.contains(patterns[0]!)).then(pl.lit(0));
      for (let k = 1; k < list.length; k++) {
        chain = chain.when(source.expr.str.contains(patterns[k]!)).then(pl.lit(k)) as never;
      }
      return chain.otherwise(pl.lit(-1)).cast(pl.Int64);
    }, js);
  },
});
