/**
 * Simple command-line obfuscation indicators: caret and backtick insertion, string
 * concatenation and format-operator reordering, char codes, random case, encoded-command
 * flags, high entropy, very long tokens.
 *
 * @module
 */

/** One obfuscation indicator. */
export type ObfuscationIndicator =
  | "caret-insertion"
  | "tick-insertion"
  | "string-concatenation"
  | "format-reordering"
  | "char-codes"
  | "random-case"
  | "encoded-command"
  | "high-entropy"
  | "long-token";

/** The indicators a command line shows, with the measures behind them. */
export interface ObfuscationReport {
  /** The indicators found, in a fixed order. */
  readonly indicators: ObfuscationIndicator[];
  /** Shannon entropy of the whole text, bits per character. */
  readonly entropy: number;
  /** The longest whitespace-separated token's length. */
  readonly longestToken: number;
  /** Entropy of that token, bits per character. */
  readonly longestTokenEntropy: number;
}

/** Thresholds of {@link obfuscationReport}. */
export interface ObfuscationOptions {
  /** A token at least this long is "long-token" (default 200). */
  readonly longToken?: number;
  /** A token of 40+ characters (not a path) with at least this entropy is "high-entropy" (default 5.0). */
  readonly highEntropy?: number;
}

/** Shannon entropy of `text` in bits per character. */
export function entropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The indicators of `text`. */
export function obfuscationReport(
  text: string,
  options: ObfuscationOptions = {},
): ObfuscationReport {
  const found = new Set<ObfuscationIndicator>();
  if ((text.match(/[A-Za-z]\^+[A-Za-z]/g)?.length ?? 0) >= 2) found.add("caret-insertion");
  if ((text.match(/[A-Za-z]`[A-Za-z]/g)?.length ?? 0) >= 2) found.add("tick-insertion");
  if ((text.match(/["']\s*\+\s*\(?\s*["']/g)?.length ?? 0) >= 2) {
    found.add("string-concatenation");
  }
  if (/["'](?:\{\d+\}){2,}["']\s*-f\s*/i.test(text)) found.add("format-reordering");
  if (/\[char\]\s*\(?\s*\d|String\.fromCharCode|chrw?\s*\(\s*\d+\s*\)\s*[&+]/i.test(text)) {
    found.add("char-codes");
  }
  if (randomCase(text)) found.add("random-case");
  if (
    /(?:^|\s)[-/](?:e|ec|enc|encodedcommand|en|enco|encod|encode|encoded)\s+[A-Za-z0-9+/]{16,}/i
      .test(text)
  ) {
    found.add("encoded-command");
  }
  const tokens = text.split(/\s+/);
  let longest = "";
  for (const t of tokens) if (t.length > longest.length) longest = t;
  const longestEntropy = entropy(longest);
  const highEntropy = options.highEntropy ?? 5.0;
  // Paths are long and varied by nature; a high-entropy token is a blob, not a path.
  if (tokens.some((t) => t.length >= 40 && !/[\\/]/.test(t) && entropy(t) >= highEntropy)) {
    found.add("high-entropy");
  }
  if (longest.length >= (options.longToken ?? 200)) found.add("long-token");
  const order: ObfuscationIndicator[] = [
    "caret-insertion",
    "tick-insertion",
    "string-concatenation",
    "format-reordering",
    "char-codes",
    "random-case",
    "encoded-command",
    "high-entropy",
    "long-token",
  ];
  return {
    indicators: order.filter((i) => found.has(i)),
    entropy: entropy(text),
    longestToken: longest.length,
    longestTokenEntropy: longestEntropy,
  };
}

// Keywords of attack tooling, in the cases people write them.
const KEYWORDS = [
  "PowerShell",
  "Invoke-Expression",
  "Invoke-WebRequest",
  "ExecutionPolicy",
  "Bypass",
  "Hidden",
  "NoProfile",
  "EncodedCommand",
  "DownloadString",
  "DownloadFile",
  "WebClient",
  "New-Object",
  "Start-Process",
  "Import-Module",
  "BitsTransfer",
  "FromBase64String",
  "rundll32",
  "regsvr32",
  "certutil",
  "bitsadmin",
  "mshta",
];
const KEYWORD_RE = new RegExp(KEYWORDS.join("|"), "gi");
const CANONICAL = new Set(KEYWORDS);

/**
 * Whether a known keyword is written in random case ("pOWErSHElL", "ExEcUtIoNpOliCy"):
 * lower, upper, Capitalised and the usual CamelCase are fine.
 */
function randomCase(text: string): boolean {
  const plain = text.replace(/[\^`]/g, "");
  for (const m of plain.matchAll(KEYWORD_RE)) {
    const w = m[0];
    const lower = w.toLowerCase();
    if (w === lower || w === w.toUpperCase() || CANONICAL.has(w)) continue;
    if (w === lower[0].toUpperCase() + lower.slice(1)) continue;
    return true;
  }
  return false;
}
