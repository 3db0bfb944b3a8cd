/**
 * The extraction pass: the master regex over a text, each candidate classified, custom
 * types merged in by priority, URL hosts added when asked.
 *
 * @module
 */
import {
  BUILTIN_IOC_TYPES,
  BUILTIN_PRIORITY,
  classify,
  type DomainRules,
  FILE_EXTENSION_TLDS,
  GROUP_KINDS,
  isDomain,
  masterRegex,
  NOT_DOMAINS,
  RESERVED_TLDS,
} from "./_ioc_patterns.ts";
import { formatIpv6, parseIpv4, parseIpv6 } from "./_ip.ts";
import { refang } from "./_refang.ts";
import { EnrichmentError } from "./errors.ts";

/** One indicator found in a text. */
export interface IocMatch {
  /** The indicator type ("ipv4", "url", ... or a custom type's name). */
  readonly type: string;
  /** The indicator, refanged and normalised (lower-case domains, canonical IPv6). */
  readonly value: string;
  /** Where the indicator starts in the text (UTF-16 offset). */
  readonly start: number;
  /** Where it ends (exclusive). */
  readonly end: number;
}

/** An indicator type of your own, found with a regex. */
export interface CustomIocType {
  /** The type name reported in the `type` column. */
  readonly name: string;
  /** What to find; the first capture group is the value when there is one. */
  readonly pattern: RegExp;
  /** Overlaps go to the higher priority; built-ins range from 20 (domain) to 90 (url). */
  readonly priority?: number;
  /** The value to report for a match, or undefined to drop it. */
  readonly normalise?: (match: string) => string | undefined;
}

/** What to extract and how. */
export interface ExtractIocsOptions {
  /** Report only these types (built-in or custom names); default: all. */
  readonly types?: readonly string[];
  /** Extra indicator types. */
  readonly custom?: readonly CustomIocType[];
  /** Also report each URL's host as a domain or IP (default false). */
  readonly urlParts?: boolean;
  /** Suffixes accepted as domains beyond the public-suffix list (default: example, test). */
  readonly extraSuffixes?: Iterable<string>;
  /**
   * Suffixes that are also file extensions; a plain two-label name with one ("setup.zip")
   * is taken for a file, unless defanged or inside a URL or e-mail address.
   */
  readonly fileExtensionTlds?: Iterable<string>;
  /** Names never reported as domains, added to the built-in COM ProgIDs (`wscript.shell`...). */
  readonly notDomains?: Iterable<string>;
}

/** Receives one indicator: type, value, offsets and overlap priority. */
export type Emit = (
  type: string,
  value: string,
  start: number,
  end: number,
  priority: number,
) => void;

/** A compiled extractor. */
export interface Extractor {
  /** The indicators of `text` in order. */
  extract(text: string): IocMatch[];
  /** The same, handed to `emit` one by one (no objects built without custom types). */
  each(text: string, emit: Emit): void;
}

interface Candidate extends IocMatch {
  readonly priority: number;
}

const HOST_IN_URL =
  /^[^:\[]*(?:\[:\/\/\]|(?:\[:\]|:)\/\/)(?:[^@\/?#\s]*(?:@|\[at\]))?(\[[0-9a-f:.]+\]|(?:[^\/?#:\[\s]|\[\.\]|\(\.\)|\[dot\])+)/i;

/** Compiles the options into an extractor (validates custom types). */
export function compileExtractor(options: ExtractIocsOptions = {}): Extractor {
  const custom = (options.custom ?? []).map((c) => {
    if (!c.name || typeof c.name !== "string") {
      throw new EnrichmentError("A custom IoC type needs a name", {
        capability: "ioc",
        hint: "Give each custom type a `name`, e.g. { name: 'cve', pattern: /CVE-\\d{4}-\\d+/i }.",
      });
    }
    if (!(c.pattern instanceof RegExp)) {
      throw new EnrichmentError(`Custom IoC type ${c.name} has no regex pattern`, {
        capability: "ioc",
        hint: "Set `pattern` to a RegExp.",
      });
    }
    const flags = c.pattern.flags.includes("g") ? c.pattern.flags : c.pattern.flags + "g";
    return { ...c, regex: new RegExp(c.pattern.source, flags), priority: c.priority ?? 100 };
  });
  const known = new Set<string>([...BUILTIN_IOC_TYPES, ...custom.map((c) => c.name)]);
  for (const t of options.types ?? []) {
    if (!known.has(t)) {
      throw new EnrichmentError(`Unknown IoC type ${t}`, {
        capability: "ioc",
        hint: `Use one of: ${[...known].join(", ")}.`,
      });
    }
  }
  const wanted = options.types ? new Set(options.types) : undefined;
  const rules: DomainRules = {
    extraSuffixes: new Set(options.extraSuffixes ?? RESERVED_TLDS),
    fileExtensionTlds: new Set(options.fileExtensionTlds ?? FILE_EXTENSION_TLDS),
    notDomains: new Set(
      [...NOT_DOMAINS, ...(options.notDomains ?? [])].map((d) => d.toLowerCase()),
    ),
  };
  const master = masterRegex();
  const urlParts = options.urlParts === true;
  const keep = (type: string) => wanted === undefined || wanted.has(type);

  // Built-ins go straight to `emit` (no object per indicator: a column of a million rows
  // holds millions of them).
  function builtins(text: string, emit: Emit): void {
    master.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = master.exec(text)) !== null) {
      let g = 1;
      while (m[g] === undefined) g++;
      const raw = m[g];
      const start = m.index;
      const c = classify(GROUP_KINDS[g - 1], raw, text, start, rules);
      if (c === undefined) continue;
      const s = start + (c.offset ?? 0);
      const end = s + c.length;
      if (keep(c.type)) emit(c.type, c.value, s, end, BUILTIN_PRIORITY[c.type]);
      if (urlParts && c.type === "url") host(text.slice(s, end), s, emit);
      // A value extended to its closing quote moves the scan past it.
      if (end > master.lastIndex) master.lastIndex = end;
    }
  }

  function host(rawUrl: string, urlStart: number, emit: Emit): void {
    const m = HOST_IN_URL.exec(rawUrl);
    if (!m) return;
    const rawHost = m[1];
    const start = urlStart + m[0].length - rawHost.length;
    const live = refang(rawHost).toLowerCase();
    const end = start + rawHost.length;
    if (live.startsWith("[")) {
      const groups = parseIpv6(live.slice(1, -1));
      if (groups && keep("ipv6")) emit("ipv6", formatIpv6(groups), start + 1, end - 1, 0);
    } else if (parseIpv4(live) !== undefined) {
      if (keep("ipv4")) emit("ipv4", live, start, end, 0);
    } else if (isDomain(live, rules, false) && keep("domain")) {
      emit("domain", live, start, end, 0);
    }
  }

  function customs(text: string, out: Candidate[]): void {
    for (const c of custom) {
      c.regex.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = c.regex.exec(text)) !== null) {
        if (m[0].length === 0) {
          c.regex.lastIndex++;
          continue;
        }
        const raw = m[1] ?? m[0];
        const start = m.index + (m[1] === undefined ? 0 : m[0].indexOf(m[1]));
        const value = c.normalise ? c.normalise(raw) : raw;
        if (value === undefined) continue;
        out.push({ type: c.name, value, start, end: start + raw.length, priority: c.priority });
      }
    }
  }

  const extract = (text: string): Candidate[] => {
    const found: Candidate[] = [];
    const collect: Emit = (type, value, start, end, priority) =>
      found.push({ type, value, start, end, priority });
    builtins(text, collect);
    if (custom.length === 0) return found;
    const extra: Candidate[] = [];
    customs(text, extra);
    return resolve([...found, ...extra.filter((c) => keep(c.type))]);
  };

  return {
    extract: (text) => extract(text).map(strip),
    each(text, emit) {
      if (custom.length === 0) return builtins(text, emit);
      for (const c of extract(text)) emit(c.type, c.value, c.start, c.end, c.priority);
    },
  };
}

function strip(c: Candidate): IocMatch {
  return { type: c.type, value: c.value, start: c.start, end: c.end };
}

/**
 * Keeps the higher-priority (then longer) indicator where two overlap; URL parts
 * (priority 0, nested inside their URL) are kept alongside their URL.
 */
function resolve(all: Candidate[]): Candidate[] {
  const ranked = [...all].sort((a, b) =>
    b.priority - a.priority || (b.end - b.start) - (a.end - a.start) || a.start - b.start
  );
  const accepted: Candidate[] = [];
  for (const c of ranked) {
    const clash = c.priority > 0 &&
      accepted.some((a) => a.priority > 0 && a.start < c.end && c.start < a.end);
    if (!clash) accepted.push(c);
  }
  return accepted.sort((a, b) => a.start - b.start || b.priority - a.priority);
}
