/**
 * Secrets kept out of what casefile writes down: the values of secret environment
 * variables (`AZURE_CLIENT_SECRET`, `CASEFILE_SENTINEL_TOKEN`, any whose name says SECRET,
 * TOKEN, PASSWORD, KEY, CREDENTIAL or CONNECTION_STRING), keys handed to casefile in code
 * (threat-intel API keys, registered with {@link registerSecret}), and bearer tokens, JWTs,
 * connection-string keys and passwords, SAS signatures and passwords in URLs wherever they
 * appear. A session's journal passes every record through {@link redactValue}.
 *
 * @module
 */

/** Secrets handed to casefile (API keys given as options), by what they are. */
const given = new Map<string, string>();

/** Shorter values are not secrets worth the name (and would redact common words). */
const MIN_SECRET = 8;

const SECRET_NAME =
  /SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|KEY|CONNECTION_?STRING|CONN_?STR|(^|_)PAT$|(^|_)SAS(_|$)/i;
/** Names that hold where a secret is, not the secret. */
const NOT_SECRET_NAME = /_(FILE|PATH|DIR|URL|ENDPOINT|ID|NAME|TYPE)$/i;

/**
 * Remembers `value` as a secret to redact (an API key given in code rather than in the
 * environment); `label` says what it was (`VIRUSTOTAL_API_KEY`).
 */
export function registerSecret(value: string | undefined, label = "key"): void {
  if (value && value.length >= MIN_SECRET) given.set(value, label);
}

/** The secret values to redact now, each with its label, longest first. */
function secrets(): [string, string][] {
  const found = new Map(given);
  let env: Record<string, string> = {};
  try {
    env = Deno.env.toObject();
  } catch {
    // No --allow-env: no environment secret can have been read either.
  }
  for (const [name, value] of Object.entries(env)) {
    if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) continue;
    if (value.length < MIN_SECRET || value.startsWith("/") || /^(true|false|\d+)$/i.test(value)) {
      continue;
    }
    found.set(value, name);
  }
  return [...found].sort(([a], [b]) => b.length - a.length);
}

const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/gi;
/**
 * Secrets by their shape wherever they appear: the key of an Azure storage or Service Bus
 * connection string (`AccountKey=`, `SharedAccessKey=`), a password in a connection
 * string or in text (`Password=`, `Pwd=`; but see {@link isKqlCode}), a SAS signature
 * (see {@link SAS_SIGNATURE}), the password of a URL's `user:password@`, and GitHub /
 * Slack-style tokens.
 */
const KEYED =
  /\b((?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=)([^;&\s"'<>]{6,})/gi;
/**
 * KQL functions whose result a query assigns to or compares with a column named Password:
 * conversions, text and JSON functions, the common aggregates. A list, not any lowercase
 * word and a parenthesis, so that a password such as `p4ss(word)` is never taken for code.
 */
const KQL_FUNCTIONS = new Set([
  "tostring",
  "toint",
  "tolong",
  "toreal",
  "todouble",
  "tobool",
  "todatetime",
  "totimespan",
  "todynamic",
  "toguid",
  "parse_json",
  "parse_url",
  "parse_path",
  "iff",
  "iif",
  "case",
  "coalesce",
  "strcat",
  "strcat_delim",
  "extract",
  "extract_all",
  "substring",
  "trim",
  "trim_start",
  "trim_end",
  "tolower",
  "toupper",
  "replace_string",
  "replace_regex",
  "column_ifexists",
  "hash",
  "hash_sha256",
  "hash_md5",
  "base64_decode_tostring",
  "base64_encode_tostring",
  "url_decode",
  "split",
  "strlen",
  "isempty",
  "isnotempty",
  "make_list",
  "make_set",
  "any",
  "take_any",
  "arg_max",
  "arg_min",
  "count",
  "countif",
  "dcount",
  "dcountif",
  "max",
  "min",
  "sum",
]);
/** A call of one of {@link KQL_FUNCTIONS}. */
const KQL_CALL = /^([a-z][a-z0-9_]*)\(/;
/**
 * A column (or a path into one) as Sentinel names them: letters and underscores, no digits
 * (a password has digits or symbols far more often than a column has), then what ends it
 * in a query (`,`, `|`, `)`) or nothing.
 */
const KQL_COLUMN = /^[A-Za-z_]+(?:\.[A-Za-z_]+)*(?:[,|)]|$)/;
/** An operator whose arguments are `Name=expression`, as the pipe's operator. */
const KQL_ASSIGNING = /(?:^|\|)\s*(?:extend|project|project-rename|summarize)\b[^|]*$/;

/**
 * Whether a {@link KEYED} match is KQL that names a column Password (code, not a secret):
 * one of {@link KQL_FUNCTIONS}' results assigned or compared (`extend Password=tostring(x)`,
 * `where Password==tostring(x)`, `Pwd=~extract(…)`), a column compared
 * (`where Password==TargetPassword`), or a column assigned by the pipe's `extend`,
 * `project`, `project-rename` or `summarize` (`| project Password=TargetUserName`).
 * Anything else is redacted: `Password=Winter2024` in text, `Password=~Hunter2024`,
 * `logon by Password=Secret`, `Password=p4ss(word)`. A comparison with a string literal
 * (`Password=="x"`) never matches {@link KEYED}: its value stops at the quote.
 */
function isKqlCode(value: string, before: string): boolean {
  const compared = /^[=~]/.test(value);
  const rest = compared ? value.slice(1) : value;
  const call = KQL_CALL.exec(rest);
  if (call) return KQL_FUNCTIONS.has(call[1]);
  return KQL_COLUMN.test(rest) && (compared || KQL_ASSIGNING.test(before));
}

/** `text` with the {@link KEYED} values redacted, KQL ({@link isKqlCode}) left as written. */
function redactKeyed(text: string): string {
  return text.replace(
    KEYED,
    (match, key: string, value: string, at: number) =>
      isKqlCode(value, text.slice(Math.max(0, at - 200), at)) ? match : `${key}[redacted: key]`,
  );
}

/**
 * A SAS signature: `sig=` as a parameter of a URL's query string (`?sig=`, `&sig=`), of a
 * connection string (`;sig=`) or first in a Service Bus token (`SharedAccessSignature
 * sig=`), its value base64 or percent-encoded, at least 20 characters (an HMAC-SHA256 is
 * 44). KQL such as `extend sig=hash_sha256(x)` is none of these.
 */
const SAS_SIGNATURE = /((?:[?&;]|\bSharedAccessSignature[ =])sig=)([A-Za-z0-9%+/_=-]{20,})/gi;
// `?` and `#` end a URL's authority (RFC 3986): an `@` after them is in the query or fragment.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'<>]+:)([^\s@/?#"'<>]{4,})(@)/gi;
const SERVICE_TOKEN =
  /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abposr]-[A-Za-z0-9-]{10,})/g;

/** Options of {@link redactValue}. */
export interface RedactOptions {
  /**
   * Keys whose strings keep tokens that look like a JWT or a bearer token (code and query
   * text an analyst wrote, which may search for one); known secret values go even there.
   */
  readonly keepPatternsIn?: ReadonlySet<string>;
}

/**
 * `value` with every secret in its strings replaced by `[redacted: NAME]` (plain objects
 * and arrays are copied; anything else is returned as it is).
 *
 * @example An environment with a client secret
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactValue, registerSecret } from "./_secrets.ts";
 *
 * registerSecret("vt-0123456789abcdef", "VIRUSTOTAL_API_KEY");
 * assert.deepEqual(
 *   redactValue({ key: "vt-0123456789abcdef", auth: "Bearer abcdefghijklmnopqrstuvwxyz" }),
 *   { key: "[redacted: VIRUSTOTAL_API_KEY]", auth: "Bearer [redacted: token]" },
 * );
 * ```
 */
export function redactValue<T>(value: T, options: RedactOptions = {}): T {
  const known = secrets();
  const text = (s: string, patterns: boolean): string => {
    let out = s;
    for (const [secret, label] of known) {
      if (out.includes(secret)) out = out.split(secret).join(`[redacted: ${label}]`);
    }
    if (patterns) {
      out = out.replace(JWT, "[redacted: token]").replace(BEARER, "$1[redacted: token]");
      out = redactKeyed(out).replace(SAS_SIGNATURE, "$1[redacted: key]")
        .replace(URL_PASSWORD, "$1[redacted: password]$3")
        .replace(SERVICE_TOKEN, "[redacted: token]");
    }
    return out;
  };
  const walk = (v: unknown, patterns: boolean, depth: number): unknown => {
    if (typeof v === "string") return text(v, patterns);
    if (depth > 100 || typeof v !== "object" || v === null) return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, patterns, depth + 1));
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[text(k, true)] = walk(x, patterns && !options.keepPatternsIn?.has(k), depth + 1);
    }
    return out;
  };
  return walk(value, true, 0) as T;
}
