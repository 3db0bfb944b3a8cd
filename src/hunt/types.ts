/**
 * The shapes of the hunting library: a family of queries, a query with its typed
 * parameters, default window, MITRE ATT&CK mapping and output columns.
 *
 * @module
 */

/** Kinds of entity a parameter can take; pivots match on these. */
export type EntityKind =
  | "account"
  | "host"
  | "ip"
  | "url"
  | "domain"
  | "hash"
  | "process"
  | "mailbox"
  | "app"
  | "file";

/** A parameter's type: an entity kind, or a plain value type. */
export type HuntParamType =
  | EntityKind
  | "string"
  | "strings"
  | "ips"
  | "accounts"
  | "hosts"
  | "long"
  | "real"
  | "bool"
  | "datetime"
  | "timespan";

/** A value a parameter can hold, as written in a library file. */
export type HuntParamValue = string | number | boolean | readonly string[];

/** One parameter of a {@link HuntQuery}, used in its text as `{name}`. */
export interface HuntParameter {
  /** Its type: an entity kind or a plain value type. */
  readonly type: HuntParamType;
  /** What it is, in a sentence. */
  readonly description: string;
  /** Used when the caller gives none; absent means the parameter is required. */
  readonly default?: HuntParamValue;
  /** A value from the bundled demo case that makes the query return its finding. */
  readonly example?: HuntParamValue;
}

/** A query of the hunting library. */
export interface HuntQuery {
  /** camelCase, unique within its family, saying what it finds ("spraySourcesByIp"). */
  readonly name: string;
  /** What it finds, why it matters, what a hit means, and known benign causes. */
  readonly description: string;
  /** The tables the query reads (exact Sentinel names). */
  readonly tables: readonly string[];
  /** Parameters by name; the text uses each as `{name}`. */
  readonly parameters: Readonly<Record<string, HuntParameter>>;
  /** Default lookback as a KQL timespan literal ("1d", "7d"); the window ends at the provider's now. */
  readonly window: string;
  /** MITRE ATT&CK tactics, as ATT&CK names them ("Credential Access"). */
  readonly tactics: readonly string[];
  /** MITRE ATT&CK technique ids ("T1110.003"); empty for context queries. */
  readonly techniques: readonly string[];
  /** The output columns, in order, exactly as the query returns them. */
  readonly columns: readonly string[];
  /** The KQL text: `{start}` and `{end}` are the window, `{param}` a parameter's literal. */
  readonly query: string;
}

/** A family of queries (one file of the library). */
export interface HuntFamily {
  /** The family's name, a JavaScript identifier ("identity", "mail"). */
  readonly name: string;
  /** What the family covers, in a sentence. */
  readonly description: string;
  /** Its queries. */
  readonly queries: readonly HuntQuery[];
}
