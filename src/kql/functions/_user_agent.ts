/**
 * `parse_user_agent()`: a user-agent string's browser, operating system and device, by the
 * ua-parser project's patterns (uap-core's regexes.yaml, Apache-2.0, pinned in deno.json),
 * which is what Kusto's function follows: `Browser` has Family, MajorVersion, MinorVersion
 * and Patch; `OperatingSystem` adds PatchMinor; `Device` has Family, Brand and Model.
 *
 * The patterns load with the first query that names `parse_user_agent` (`executeOn` awaits
 * {@link loadUserAgentParsers} when {@link needsUserAgentParsers} says so).
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { constant, type Typed } from "../compile/_context.ts";
import { toStringTyped } from "../compile/_conversion.ts";
import type { JsValue } from "../runtime/_values.ts";
import { type CallSite, defineScalar } from "./_registry.ts";

interface Rule {
  readonly regex: RegExp;
  readonly replacements: Readonly<Record<string, string>>;
}

interface Parsers {
  readonly browser: readonly Rule[];
  readonly os: readonly Rule[];
  readonly device: readonly Rule[];
}

let parsers: Parsers | undefined;
let loadError: unknown;
let loading: Promise<void> | undefined;

/** Whether a query names parse_user_agent (so its patterns must be loaded first). */
export function needsUserAgentParsers(query: string): boolean {
  return /\bparse_user_agent\s*\(/i.test(query);
}

function rules(list: unknown): Rule[] {
  const out: Rule[] = [];
  for (const item of (list ?? []) as Array<Record<string, string>>) {
    const { regex, regex_flag: flag, ...replacements } = item;
    try {
      out.push({ regex: new RegExp(regex, flag === "i" ? "i" : ""), replacements });
    } catch {
      // A pattern JavaScript cannot compile is left out; later patterns still apply.
    }
  }
  return out;
}

/** Loads uap-core's patterns once (later calls return at once). */
export function loadUserAgentParsers(): Promise<void> {
  loading ??= (async () => {
    const { parse } = await import("yaml");
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve("uap-core/package.json"));
    const text = await Deno.readTextFile(join(dir, "regexes.yaml"));
    const doc = parse(text) as Record<string, unknown>;
    parsers = {
      browser: rules(doc.user_agent_parsers),
      os: rules(doc.os_parsers),
      device: rules(doc.device_parsers),
    };
  })().catch((e) => {
    loadError = e;
  });
  return loading;
}

/** A replacement with `$1`…`$9` filled from the match (missing groups are empty). */
function fill(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? "").trim();
}

/** A field: its replacement if the rule has one, else capture group `group`. */
function field(
  rule: Rule,
  match: RegExpExecArray,
  replacement: string,
  group: number | undefined,
): string {
  const template = rule.replacements[replacement];
  if (template !== undefined) return fill(template, match);
  return group === undefined ? "" : (match[group] ?? "").trim();
}

function first(list: readonly Rule[], ua: string): [Rule, RegExpExecArray] | undefined {
  for (const rule of list) {
    const match = rule.regex.exec(ua);
    if (match) return [rule, match];
  }
  return undefined;
}

function browser(p: Parsers, ua: string): Record<string, string> {
  const hit = first(p.browser, ua);
  if (!hit) return { Family: "Other", MajorVersion: "", MinorVersion: "", Patch: "" };
  const [r, m] = hit;
  return {
    Family: field(r, m, "family_replacement", 1) || "Other",
    MajorVersion: field(r, m, "v1_replacement", 2),
    MinorVersion: field(r, m, "v2_replacement", 3),
    Patch: field(r, m, "v3_replacement", 4),
  };
}

function os(p: Parsers, ua: string): Record<string, string> {
  const hit = first(p.os, ua);
  if (!hit) {
    return { Family: "Other", MajorVersion: "", MinorVersion: "", Patch: "", PatchMinor: "" };
  }
  const [r, m] = hit;
  return {
    Family: field(r, m, "os_replacement", 1) || "Other",
    MajorVersion: field(r, m, "os_v1_replacement", 2),
    MinorVersion: field(r, m, "os_v2_replacement", 3),
    Patch: field(r, m, "os_v3_replacement", 4),
    PatchMinor: field(r, m, "os_v4_replacement", 5),
  };
}

function device(p: Parsers, ua: string): Record<string, string> {
  const hit = first(p.device, ua);
  if (!hit) return { Family: "Other", Brand: "", Model: "" };
  const [r, m] = hit;
  return {
    Family: field(r, m, "device_replacement", 1) || "Other",
    Brand: field(r, m, "brand_replacement", undefined),
    Model: field(r, m, "model_replacement", 1),
  };
}

const TARGETS = {
  browser: ["Browser", browser],
  os: ["OperatingSystem", os],
  device: ["Device", device],
} as const;

/** Kusto's parse_user_agent() of one string for the targets asked. */
export function parseUserAgent(p: Parsers, ua: string, lookFor: JsValue): JsValue {
  const wanted = (Array.isArray(lookFor) ? lookFor : [lookFor])
    .map((t) => String(t ?? "").toLowerCase());
  const out: Record<string, JsValue> = {};
  for (const target of wanted) {
    const entry = TARGETS[target as keyof typeof TARGETS];
    if (entry) out[entry[0]] = entry[1](p, ua);
  }
  return out;
}

function lookForArg(args: Typed[], site: CallSite): Typed {
  const arg = args[1];
  if (!arg) return constant(["browser", "os", "device"], "dynamic");
  if (arg.type === "string" || arg.type === "dynamic") return arg;
  throw site.env.ctx.error(
    `argument 2 of parse_user_agent() must be "browser", "os", "device" or an array of them`,
    site.call.args[1].span,
  );
}

defineScalar("parse_user_agent", {
  minArgs: 1,
  maxArgs: 2,
  compile(args, site) {
    const p = parsers;
    if (!p) {
      const reason = loadError instanceof Error ? loadError.message : "they were not loaded";
      throw site.env.ctx.unsupported(
        "parse_user_agent() without its patterns",
        site.call.span,
        `uap-core's patterns could not be read (${reason}). Run \`deno install\`.`,
      );
    }
    const ua = toStringTyped(args[0], site.env);
    return site.env.rowwise(
      [ua, lookForArg(args, site)],
      "dynamic",
      ([u, look]) => parseUserAgent(p, String(u ?? ""), look),
    );
  },
});
