/**
 * Masking a frame: which columns hold accounts, hosts, addresses, emails and SIDs (by
 * name), how each value of such a column becomes a token, how free text (command lines,
 * messages, JSON) is searched for the same things, and the check that nothing original
 * is left.
 *
 * @module
 */
import { isIPv4, isIPv6 } from "node:net";
import { type DataFrame, pl } from "../polars.ts";
import { variantOfColumn } from "./_columns.ts";
import { isWellKnown, type MaskKind, type Tokens } from "./_mask_tokens.ts";

/** How a column is masked: as one kind of identifier, or as free text searched for them. */
export type ColumnRule = MaskKind | "text" | "keep";

const RULES: ReadonlyArray<readonly [RegExp, ColumnRule]> = [
  [/sid$/i, "sid"],
  // An Azure resource id is a path that names the resource (`.../machines/<host>`): text.
  [/(^|_)resourceid$/i, "text"],
  [
    /(^|_)(tenantid|correlationid|reportid|id|eventid|appid|resourceidentity|sourcecomputerid)$/i,
    "keep",
  ],
  [/logonid$|processid$|^pid$|^ppid$/i, "keep"],
  [/(userprincipalname|upn|e?mail(address)?|sender|recipient)$/i, "email"],
  [
    /(ip|ipaddress|ipaddresses|sourceip|destinationip|clientip|remoteip|localip|srcip|dstip|hostip|computerip|client_ipaddress|translatedaddress)(_s)?$/i,
    "ip",
  ],
  [/(computer|hostname|devicename|workstationname|machinename|host|computername)(_s)?$/i, "host"],
  [/domain(name)?$/i, "domain"],
  [
    /(account|accountname|username|samaccountname|membername|identity|userid|userdisplayname|accountdisplayname|givenname|surname|manager|sourceusername|user)(_s)?$/i,
    "account",
  ],
];

/** The rule for a column from its name and type (text for other string columns). */
export function ruleFor(frame: DataFrame, column: string): ColumnRule {
  if (variantOfColumn(frame, column) !== "Utf8") return "keep";
  for (const [pattern, rule] of RULES) if (pattern.test(column)) return rule;
  return "text";
}

const EMAIL = "[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}";
const SID = "S-1-5-21-\\d+-\\d+-\\d+(?:-\\d+)?";
const IPV6 = "(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])";
const IPV4 = "(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\w.]*\\d)";

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Masks one value known to be of `kind`. */
export function maskValue(tokens: Tokens, kind: MaskKind, value: string): string {
  const v = value.trim();
  if (v === "" || isWellKnown(kind, v)) return value;
  switch (kind) {
    case "email":
      return v.includes("@") ? tokens.token("email", v) : maskValue(tokens, "account", v);
    case "account": {
      if (v.includes("@")) return tokens.token("email", v);
      const slash = v.indexOf("\\");
      if (slash > 0) {
        return `${maskValue(tokens, "domain", v.slice(0, slash))}\\${
          maskValue(tokens, "account", v.slice(slash + 1))
        }`;
      }
      if (v.endsWith("$")) return `${maskValue(tokens, "host", v.slice(0, -1))}$`;
      return tokens.token("account", v);
    }
    case "domain":
      return v.includes(".")
        ? `${tokens.token("domain", v).toLowerCase()}.invalid`
        : tokens.token("domain", v);
    case "host": {
      if (isIPv4(v) || isIPv6(v)) return tokens.token("ip", v);
      const dot = v.indexOf(".");
      if (dot > 0) {
        return `${tokens.token("host", v.slice(0, dot))}.${
          maskValue(tokens, "domain", v.slice(dot + 1))
        }`;
      }
      return tokens.token("host", v);
    }
    case "ip": {
      if (isIPv4(v) || isIPv6(v)) return tokens.token("ip", v);
      // Address and port ("203.0.113.45:50412", "[2001:db8::1]:443").
      const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(v);
      if (m && (isIPv4(m[1]) || isIPv6(m[1]))) {
        const t = tokens.token("ip", m[1]);
        return isIPv6(m[1]) ? `[${t}]:${m[2]}` : `${t}:${m[2]}`;
      }
      return maskText(tokens, v, undefined);
    }
    case "sid":
      return /^S-1-5-21-/i.test(v) ? tokens.token("sid", v) : value;
  }
}

/** Names seen in identifier columns, searched for in free text. */
export class KnownNames {
  readonly #names = new Map<string, MaskKind>();
  #regex?: RegExp;

  add(kind: MaskKind, value: string): void {
    const v = value.trim();
    if (v.length < 3 || isWellKnown(kind, v)) return;
    if (kind === "account" && v.includes("\\")) {
      const [domain, user] = v.split("\\", 2);
      this.add("domain", domain);
      this.add(user.endsWith("$") ? "host" : "account", user.replace(/\$$/, ""));
      return;
    }
    if ((kind === "account" || kind === "email") && v.includes("@")) {
      const at = v.lastIndexOf("@");
      this.add("account", v.slice(0, at));
      return;
    }
    if (kind === "host" && !isIPv4(v) && !isIPv6(v) && v.includes(".")) {
      const dot = v.indexOf(".");
      this.add("host", v.slice(0, dot));
      this.add("domain", v.slice(dot + 1));
    }
    if (kind === "ip" || kind === "sid" || kind === "email") return;
    if (this.#names.has(v.toLowerCase())) return;
    this.#names.set(v.toLowerCase(), kind);
    this.#regex = undefined;
  }

  /** The free-text pattern: emails, SIDs, addresses, then these names; rebuilt after adds. */
  get regex(): RegExp {
    if (!this.#regex) this.#regex = textRegex(this.pattern);
    return this.#regex;
  }

  /** How many names are known. */
  get size(): number {
    return this.#names.size;
  }

  kindOf(name: string): MaskKind | undefined {
    return this.#names.get(name.toLowerCase());
  }

  /** One pattern for all names, longest first, bounded so "bob" does not hit "bobby". */
  get pattern(): string | undefined {
    if (this.#names.size === 0) return undefined;
    const names = [...this.#names.keys()].sort((a, b) => b.length - a.length).map(escape);
    return `(?<![\\w-])(?:${names.join("|")})(?![\\w-])`;
  }
}

function textRegex(known: string | undefined): RegExp {
  const parts = [`(${EMAIL})`, `(${SID})`, `(${IPV6})`, `(${IPV4})`];
  if (known) parts.push(`(${known})`);
  return new RegExp(parts.join("|"), "gi");
}

const SHAPES_ONLY = textRegex(undefined);

/** Replaces emails, SIDs, addresses and known names inside free text. */
export function maskText(tokens: Tokens, text: string, names: KnownNames | undefined): string {
  const regex = names ? names.regex : SHAPES_ONLY;
  return text.replace(regex, (match, email, sid, v6, v4, name) => {
    if (email) return tokens.token("email", match);
    if (sid) return tokens.token("sid", match);
    if (v6) {
      return isIPv6(match) && match.includes("::") || match.split(":").length === 8
        ? tokens.token("ip", match)
        : match;
    }
    if (v4) return isIPv4(match) ? tokens.token("ip", match) : match;
    if (name) {
      const kind = names?.kindOf(match) ?? "account";
      return kind === "domain" ? maskValue(tokens, "domain", match) : tokens.token(kind, match);
    }
    return match;
  });
}

/** The distinct non-null values of a string column, sorted (by UTF-16 code units). */
export function distinctSorted(frame: DataFrame, column: string): string[] {
  const distinct = frame.select(pl.col(column)).unique().getColumn(column)
    .toArray() as (string | null)[];
  return distinct.filter((d): d is string => d !== null).sort(compareText);
}

/** Code-unit order: the same on every host and in every locale (unlike `localeCompare`). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Applies `fn` once per distinct value of `column` and maps the results back; rows keep
 * their order. Values are visited sorted, so tokens that collide are settled the same way
 * whatever the rows' order.
 */
export function mapColumn(
  frame: DataFrame,
  column: string,
  fn: (value: string) => string,
): DataFrame {
  const present = distinctSorted(frame, column);
  const lookup = pl.DataFrame([
    pl.Series("__from", present, pl.Utf8),
    pl.Series("__to", present.map(fn), pl.Utf8),
  ]);
  const order = frame.columns;
  return frame.join(lookup, {
    leftOn: column,
    rightOn: "__from",
    how: "left",
    maintainOrder: "left",
  }).withColumn(pl.col("__to").alias(column)).drop("__to").select(...order);
}

/** Where an original value was found in a masked frame. */
export interface Leak {
  readonly column: string;
  readonly value: string;
  readonly found: string;
}

/**
 * Every string cell of `frame` that still holds a value this session replaced (at least 3
 * characters, case-insensitive, whole words), or an email, domain SID or IP address that
 * is not one of the session's tokens: one leak per distinct value, by column (in the
 * frame's order), then by value (sorted by UTF-16 code units).
 */
export function findLeaks(tokens: Tokens, frame: DataFrame): Leak[] {
  const originals = new Set<string>();
  for (const [kind, values] of tokens.originals) {
    for (const v of values) if (v.length >= 3 && !isWellKnown(kind, v)) originals.add(v);
  }
  const names = [...originals].sort((a, b) => b.length - a.length).map(escape);
  const known = names.length > 0
    ? new RegExp(`(?<![\\w-])(?:${names.join("|")})(?![\\w-])`, "i")
    : undefined;
  const shapes = new RegExp(`(${EMAIL})|(${SID})|(${IPV6})|(${IPV4})`, "gi");
  const leaks: Leak[] = [];
  for (const column of frame.columns) {
    if (variantOfColumn(frame, column) !== "Utf8") continue;
    for (const value of distinctSorted(frame, column)) {
      if (value === "") continue;
      const hit = known?.exec(value);
      if (hit) {
        leaks.push({ column, value, found: hit[0] });
        continue;
      }
      for (const m of value.matchAll(shapes)) {
        const [text, email, sid, v6, v4] = m;
        const real = (email !== undefined) || (sid !== undefined) ||
          (v6 !== undefined && isIPv6(text) && !isWellKnown("ip", text)) ||
          (v4 !== undefined && isIPv4(text) && !isWellKnown("ip", text));
        if (!real) continue;
        const local = email ? text.slice(0, text.lastIndexOf("@")) : text;
        if (tokens.issued(text) || (email && tokens.issued(local.replace(/-\d+$/, "")))) continue;
        leaks.push({ column, value, found: text });
        break;
      }
    }
  }
  return leaks;
}
