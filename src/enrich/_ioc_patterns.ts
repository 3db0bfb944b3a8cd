/**
 * The built-in indicator types: one master regex whose alternatives find candidates in one
 * pass, and the checks that turn a candidate into an indicator (or drop it).
 *
 * @module
 */
import { parse as parseDomain } from "tldts";
import { formatIpv6, parseIpv4, parseIpv6 } from "./_ip.ts";
import { AT, DOT, isDefanged, refang } from "./_refang.ts";

/** The built-in indicator types. */
export const BUILTIN_IOC_TYPES = [
  "url",
  "email",
  "registry_key",
  "windows_path",
  "linux_path",
  "ipv6",
  "md5",
  "sha1",
  "sha256",
  "ipv4",
  "domain",
] as const;

/** A built-in indicator type. */
export type BuiltinIocType = typeof BUILTIN_IOC_TYPES[number];

/** Overlaps between indicators are resolved in favour of the higher priority. */
export const BUILTIN_PRIORITY: Readonly<Record<BuiltinIocType, number>> = {
  url: 90,
  email: 80,
  registry_key: 70,
  windows_path: 60,
  linux_path: 50,
  ipv6: 40,
  md5: 30,
  sha1: 30,
  sha256: 30,
  ipv4: 25,
  domain: 20,
};

/**
 * Two-label names whose suffix is also a common file extension ("setup.zip", "run.py")
 * are file names far more often than domains; they count as domains only when defanged
 * or inside a URL or e-mail address.
 */
export const FILE_EXTENSION_TLDS: ReadonlySet<string> = new Set([
  "zip",
  "mov",
  "sh",
  "py",
  "md",
  "pl",
  "rs",
  "ps",
  "so",
  "pm",
  "cs",
  "js",
  "ts",
  "rar",
]);

/** Suffixes outside the public-suffix list still accepted (RFC 2606 / RFC 6761 names). */
export const RESERVED_TLDS: ReadonlySet<string> = new Set(["example", "test"]);

// The kind of each capture group of MASTER, in order.
export const GROUP_KINDS = [
  "url",
  "email",
  "registry_key",
  "windows_path",
  "linux_path",
  "ipv6",
  "hash",
  "dotted",
] as const;
export type GroupKind = typeof GROUP_KINDS[number];

// A folder (or key) name: may hold spaces, but neither starts nor ends with one.
const WSEG = String.raw`[^\\/:*?"'<>|\r\n;&=\s](?:[^\\/:*?"'<>|\r\n;&=]*[^\\/:*?"'<>|\r\n;&=\s])?`;
const RSEG = String.raw`[^\\*?"'<>|\r\n;&=\s](?:[^\\*?"'<>|\r\n;&=]*[^\\*?"'<>|\r\n;&=\s])?`;
const URL = String
  .raw`((?:h[tx]{2}ps?|ftps?|sftp|wss?|f[x]p)(?:\[:\/\/\]|(?:\[:\]|:)\/\/)[^\s"'<>\x60\\|^{}]+)`;
const EMAIL = String.raw`(?<![\w.%+-])([\w.%+-]+${AT}[a-z0-9-]+(?:${DOT}[a-z0-9-]+)+)`;
const REGISTRY = String
  .raw`(?<!\w)((?:HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG)|HK(?:LM|CU|CR|U|CC))(?::\\?|\\)(?:${RSEG}\\)*[^\\*?"'<>|\r\n\s]+)`;
const WINDOWS_PATH = String
  .raw`((?:(?<![\w\\])[a-z]:|\\\\[?]\\[a-z]:|\\\?\?\\[a-z]:|\\\\[\w.$-]+|%\w+%)\\+(?:${WSEG}\\+)*[^\\/:*?"'<>|\r\n\s]*)`;
const LINUX_PATH = String.raw`(?<![\w.:/\\~$-])((?:~|\.{1,2})?\/(?:[\w.+@%-]+\/)+[\w.+@%-]*)`;
const IPV6 = String
  .raw`(?<![\w:.\]\)])((?:[0-9a-f]{1,4}:){1,7}(?::|[0-9a-f]{1,4})[:.0-9a-f]*|::[0-9a-f]{1,4}[:.0-9a-f]*)(?:%[\w.]+)?`;
const HASH = String.raw`\b([0-9a-f]{32}(?:[0-9a-f]{8}(?:[0-9a-f]{24})?)?)\b`;
const DOTTED = String.raw`(?<![\w.$@%-])([a-z0-9][a-z0-9-]{0,62}(?:${DOT}[a-z0-9-]{1,63}){1,126})`;

/** The one regex that finds every built-in candidate in one pass over the text. */
export function masterRegex(): RegExp {
  return new RegExp(
    [URL, EMAIL, REGISTRY, WINDOWS_PATH, LINUX_PATH, IPV6, HASH, DOTTED].join("|"),
    "gi",
  );
}

/**
 * COM ProgIDs and .NET names that read as domains under a real suffix (`.shell`,
 * `.network`, `.application`); never reported as domains.
 */
export const NOT_DOMAINS: ReadonlySet<string> = new Set([
  "wscript.shell",
  "wscript.network",
  "shell.application",
  "scripting.filesystemobject",
  "system.net",
  "net.webclient",
]);

/** How domains are accepted. */
export interface DomainRules {
  /** Suffixes accepted beyond the public-suffix list (default: example, test). */
  readonly extraSuffixes: ReadonlySet<string>;
  /** Two-label names with these suffixes need a defanged form, a URL or an e-mail. */
  readonly fileExtensionTlds: ReadonlySet<string>;
  /** Names never taken for domains (COM ProgIDs and the like). */
  readonly notDomains: ReadonlySet<string>;
}

const domainCache = new Map<string, boolean>();

/** Whether a (live, lower-case) host name is a registrable domain under a known suffix. */
export function isDomain(host: string, rules: DomainRules, strict: boolean): boolean {
  const dot = host.lastIndexOf(".");
  if (dot <= 0 || dot === host.length - 1) return false;
  const tld = host.slice(dot + 1);
  if (/^\d+$/.test(tld) || rules.notDomains.has(host)) return false;
  if (strict && rules.fileExtensionTlds.has(tld) && host.indexOf(".") === dot) return false;
  if (rules.extraSuffixes.has(tld)) return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host);
  let known = domainCache.get(host);
  if (known === undefined) {
    const parsed = parseDomain(host, { allowPrivateDomains: true, validateHostname: true });
    known = parsed.domain !== null && parsed.isIp === false &&
      (parsed.isIcann === true || parsed.isPrivate === true);
    if (domainCache.size > 200_000) domainCache.clear();
    domainCache.set(host, known);
  }
  return known;
}

/** A candidate turned into an indicator: its type and normalised value, or undefined. */
export interface Classified {
  readonly type: BuiltinIocType;
  readonly value: string;
  /** How many characters of the raw match belong to the indicator. */
  readonly length: number;
  /** Offset of the value inside the raw match (quoted forms). */
  readonly offset?: number;
}

const TRAILING = `.,;:!?'")]}>`;

/**
 * `text` without the run of `chars` at its end (an end-anchored regex would be tried at
 * every position of the text: this runs per indicator, millions of times on a column).
 */
function trimEndOf(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1])) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Trims trailing punctuation off a URL, keeping parentheses and brackets that balance. */
export function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const kept = trimEndOf(url, TRAILING);
    if (kept === url) return url;
    let cut = kept.length;
    // Keep a closing bracket that closes one opened inside the URL ("...wiki/Foo_(bar)").
    for (let i = cut; i < url.length; i++) {
      const c = url[i];
      const open = c === ")" ? "(" : c === "]" ? "[" : c === "}" ? "{" : undefined;
      if (open === undefined) break;
      const opens = url.slice(0, i).split(open).length - 1;
      const closes = url.slice(0, i).split(c).length - 1;
      if (opens > closes) cut = i + 1;
      else break;
    }
    if (cut === url.length) return url;
    url = url.slice(0, cut);
  }
}

/** The host of a (live) URL, with where it starts in the URL. */
export function urlHost(url: string): { host: string; start: number } | undefined {
  const scheme = url.indexOf("://");
  if (scheme < 0) return undefined;
  let start = scheme + 3;
  const end0 = url.slice(start).search(/[\/?#]/);
  const authorityEnd = end0 < 0 ? url.length : start + end0;
  const at = url.lastIndexOf("@", authorityEnd);
  if (at >= start) start = at + 1;
  let end = authorityEnd;
  if (url[start] === "[") {
    const close = url.indexOf("]", start);
    if (close < 0 || close > authorityEnd) return undefined;
    return { host: url.slice(start + 1, close), start: start + 1 };
  }
  const colon = url.indexOf(":", start);
  if (colon >= 0 && colon < end) end = colon;
  if (end <= start) return undefined;
  return { host: url.slice(start, end), start };
}

/**
 * Classifies one candidate of capture group `kind`. `text` and `end` let a check look at
 * what follows ("Shell.Run(" is a method call, not a domain).
 */
export function classify(
  kind: GroupKind,
  raw: string,
  text: string,
  start: number,
  rules: DomainRules,
): Classified | undefined {
  switch (kind) {
    case "url": {
      const trimmed = trimUrl(raw);
      const live = refang(trimmed);
      const host = urlHost(live);
      if (!host || host.host.length === 0) return undefined;
      return { type: "url", value: live, length: trimmed.length };
    }
    case "email": {
      const live = refang(raw);
      const at = live.lastIndexOf("@");
      const domain = live.slice(at + 1).toLowerCase();
      const local = live.slice(0, at);
      if (local.length === 0 || local.startsWith(".") || local.endsWith(".")) return undefined;
      if (!isDomain(domain, rules, false)) return undefined;
      return { type: "email", value: `${local}@${domain}`, length: raw.length };
    }
    case "registry_key": {
      const q = quoted("registry_key", raw, text, start);
      if (q.value !== raw) return q;
      const value = trimEndOf(raw, ".,;)");
      return { type: "registry_key", value, length: value.length };
    }
    case "windows_path": {
      const q = quoted("windows_path", raw, text, start);
      // Doubled backslashes (escaped in a string literal) collapse; a UNC prefix stays.
      const unc = q.value.startsWith("\\\\");
      const value = q.value.indexOf("\\\\", unc ? 2 : 0) < 0
        ? q.value
        : unc
        ? "\\\\" + q.value.slice(2).replace(/\\{2,}/g, "\\")
        : q.value.replace(/\\{2,}/g, "\\");
      if (q.length <= 3 && /^[a-z]:\\$/i.test(value)) return undefined;
      const trimmed = q.value === raw ? trimEndOf(value, ".,;") : value;
      return {
        type: "windows_path",
        value: trimmed,
        length: q.length - (value.length - trimmed.length),
      };
    }
    case "linux_path": {
      const value = trimEndOf(raw, ".,;");
      return { type: "linux_path", value, length: value.length };
    }
    case "ipv6": {
      let candidate = raw;
      let groups = parseIpv6(candidate);
      while (!groups && /[:.]$/.test(candidate) && !candidate.endsWith("::")) {
        candidate = candidate.slice(0, -1);
        groups = parseIpv6(candidate);
      }
      if (!groups) return undefined;
      const next = text.charCodeAt(start + candidate.length);
      if (isWordChar(next)) return undefined;
      // "a::b"-style short forms also read as C++/PowerShell scope operators: need 3+ groups
      // written out, or a "::" with a hex group of two or more characters on either side.
      const written = candidate.split(/:+/).filter((s) => s.length > 0);
      if (written.length < 2 && !/^::1$|^::ffff:/i.test(candidate)) return undefined;
      return { type: "ipv6", value: formatIpv6(groups), length: candidate.length };
    }
    case "hash": {
      if (!/[0-9]/.test(raw) || !/[a-f]/i.test(raw)) return undefined;
      const type = raw.length === 32 ? "md5" : raw.length === 40 ? "sha1" : "sha256";
      return { type, value: raw.toLowerCase(), length: raw.length };
    }
    case "dotted": {
      const defanged = isDefanged(raw);
      const live = defanged ? refang(raw) : raw;
      const v4 = parseIpv4(live);
      if (v4 !== undefined) {
        // A quad glued to more dotted numbers or letters ("1.2.3.4.5", "1.2.3.4a") is not
        // an address; the regex already refused a preceding word character.
        const next = text.charCodeAt(start + raw.length);
        if (isWordChar(next)) return undefined;
        return { type: "ipv4", value: live, length: raw.length };
      }
      const host = live.toLowerCase();
      if (text.charCodeAt(start + raw.length) === 40 /* ( */) return undefined;
      if (!isDomain(host, rules, !defanged)) return undefined;
      return { type: "domain", value: host, length: raw.length };
    }
  }
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Extends a path or key that opens a quoted string to the closing quote (spaces allowed). */
function quoted(
  type: "registry_key" | "windows_path",
  raw: string,
  text: string,
  start: number,
): Classified {
  const quote = text.charCodeAt(start - 1);
  if (quote === 34 /* " */ || quote === 39 /* ' */) {
    const close = text.indexOf(quote === 34 ? '"' : "'", start + raw.length);
    if (close > 0) {
      const inner = text.slice(start, close);
      // Only up to the end of the line, and nothing that cannot be in a path or key.
      if (inner.indexOf("\n") < 0 && !/[*?"<>|]/.test(inner.slice(raw.length))) {
        const value = inner.trimEnd();
        return { type, value, length: value.length };
      }
    }
  }
  return { type, value: raw, length: raw.length };
}
