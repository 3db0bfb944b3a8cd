/**
 * Entity pivots: from an account, host, address, URL, domain, hash or mailbox (or a column
 * of them in a frame) to every library query that takes that kind of entity, and every
 * enrichment that does (geo-IP, threat intel, RDAP), listed and runnable.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { type DataFrame, isDataFrame, pl } from "../polars.ts";
import type { Provider } from "../providers/mod.ts";
import { geoLookupFrame } from "../enrich/geoip.ts";
import { loadFeed, lookupIndicatorsFrame, type TiProvider } from "../enrich/threat_intel.ts";
import { rdapLookupFrame } from "../enrich/whois.ts";
import { didYouMean } from "../errors.ts";
import { checkOptions, defineOptions } from "../options.ts";
import { HuntError } from "./errors.ts";
import { builtinHuntFamilies, huntEntityParams, huntEntries } from "./library.ts";
import { bindable, type ScopeContext } from "./hunt.ts";
import { HUNT_RUN_SPECS, type HuntArgs, type HuntRunOptions, runHuntQuery } from "./run.ts";
import { ENTITY_KINDS, LIST_KINDS } from "./_validate.ts";
import type { EntityKind, HuntFamily, HuntQuery } from "./types.ts";

/** Options of a pivot. */
export interface PivotOptions extends HuntRunOptions {
  /** The library's families (default: the built-in ones). */
  readonly families?: readonly HuntFamily[];
  /** At most this many distinct values from a frame's column (default 10, most frequent first). */
  readonly limit?: number;
  /** The queries' window (default: each query's own): `"7d"`. */
  readonly window?: string;
  /** Run enrichments that call online services (RDAP); default false. */
  readonly online?: boolean;
  /** Threat-intel providers (default: the case's feed, when a local case has one). */
  readonly feeds?: readonly TiProvider[];
}

const PIVOT_OPTIONS = defineOptions<PivotOptions>("createPivot", {
  ...HUNT_RUN_SPECS,
  families: "array",
  limit: { kind: "number", aliases: ["top", "max", "n"] },
  window: { kind: "string", aliases: ["lookback", "timespan", "since"] },
  online: "boolean",
  feeds: { kind: "array", aliases: ["providers", "ti", "threatIntel"] },
});

/** One way to pivot from an entity. */
export interface PivotEntry {
  /** A library query's id (`identity.signinsOfAccount`) or an enrichment's (`enrich.geoip`). */
  readonly id: string;
  /** Where it comes from. */
  readonly source: "hunt" | "enrichment";
  /** What it finds. */
  readonly description: string;
  /** For a query: the parameter the entity goes to. */
  readonly param?: string;
  /** For a query: its other required parameters (it cannot run from the entity alone). */
  readonly needs?: readonly string[];
  /** For an enrichment: it calls an online service (run with `online: true`). */
  readonly online?: boolean;
}

/** What running one pivot gave. */
export interface PivotOutcome {
  /** The pivot's id. */
  readonly id: string;
  /** Rows found (0 when it failed or was skipped). */
  readonly rows: number;
  /** The rows. */
  readonly frame?: DataFrame;
  /** Why it did not run, or failed. */
  readonly skipped?: string;
  /** The tables it reads that the data does not have (it was not run). */
  readonly missing?: readonly string[];
}

/** The pivots of one or more entities of a kind: list them, run one or all. */
export class EntityPivot {
  /** The kind of entity. */
  readonly kind: EntityKind;
  /** The values pivoted on. */
  readonly values: readonly string[];
  /** What was left out (values past the limit). */
  readonly notes: readonly string[];
  /** Every pivot for this kind. */
  readonly pivots: readonly PivotEntry[];
  readonly #options: PivotOptions;
  readonly #queries: ReadonlyMap<string, HuntQuery>;

  /** Use `pivot.<kind>(...)`. */
  constructor(
    kind: EntityKind,
    values: readonly string[],
    notes: readonly string[],
    options: PivotOptions,
  ) {
    this.kind = kind;
    this.values = values;
    this.notes = notes;
    this.#options = options;
    const families = options.families ?? builtinHuntFamilies();
    const queries = new Map<string, HuntQuery>();
    const pivots: PivotEntry[] = [];
    for (const { id, query } of huntEntries(families)) {
      const [param] = huntEntityParams(query, kind);
      if (param === undefined) continue;
      queries.set(id, query);
      const needs = Object.entries(query.parameters)
        .filter(([name, p]) => name !== param && p.default === undefined)
        .map(([name]) => name);
      pivots.push({
        id,
        source: "hunt",
        description: query.description,
        param,
        ...(needs.length ? { needs } : {}),
      });
    }
    pivots.push(...ENRICHMENTS.filter((e) => e.kinds.includes(kind)).map((e) => e.entry));
    this.#queries = queries;
    this.pivots = pivots;
  }

  /**
   * Runs one pivot (by id) and returns its rows, or every pivot that can run from the
   * entity alone and returns what each found.
   *
   * @throws {HuntError} for an id that is not one of {@link EntityPivot.pivots}, or a short
   *   name several of them end with.
   */
  run(): Promise<PivotReport>;
  /** Runs the pivot `id` and returns its rows. */
  run(id: string): Promise<DataFrame>;
  async run(id?: string): Promise<PivotReport | DataFrame> {
    if (id !== undefined) {
      const entry = onePivot(this.pivots, id, this.kind);
      if (!entry) {
        throw new HuntError(`No ${this.kind} pivot is called ${id}.`, {
          hint: didYouMean(id, this.pivots.map((p) => p.id)) ??
            `The ${this.kind} pivots: ${this.pivots.map((p) => p.id).join(", ")}.`,
        });
      }
      const outcome = await this.#runOne(entry, true, await this.#tables());
      return outcome.frame ?? pl.DataFrame({});
    }
    const outcomes: PivotOutcome[] = [];
    const present = await this.#tables();
    for (const entry of this.pivots) outcomes.push(await this.#runOne(entry, false, present));
    return new PivotReport(this.kind, this.values, outcomes, this.notes);
  }

  /** The tables of the provider, or undefined when it cannot say (then every query runs). */
  async #tables(): Promise<ReadonlySet<string> | undefined> {
    const provider = this.#options.session?.provider ?? this.#options.provider;
    try {
      return provider ? new Set((await provider.tables()).map((t) => t.name)) : undefined;
    } catch {
      return undefined;
    }
  }

  async #runOne(
    entry: PivotEntry,
    chosen: boolean,
    present: ReadonlySet<string> | undefined,
  ): Promise<PivotOutcome> {
    const missing = entry.source === "hunt" && present
      ? this.#queries.get(entry.id)!.tables.filter((t) => !present.has(t))
      : [];
    if (missing.length) {
      const why = `this data has no ${missing.join(", ")}`;
      if (chosen) {
        throw new HuntError(`${entry.id} cannot run: ${why}.`, {
          hint: `It reads ${this.#queries.get(entry.id)!.tables.join(", ")}; ` +
            "run it on a provider that has them, or pick another pivot.",
        });
      }
      return { id: entry.id, rows: 0, skipped: `not run: ${why}`, missing };
    }
    if (entry.needs?.length) {
      if (chosen) {
        throw new HuntError(`${entry.id} also needs ${entry.needs.join(", ")}.`, {
          hint: `Run it as hunt.${entry.id}({ ${entry.param}: ..., ${entry.needs[0]}: ... }).`,
        });
      }
      return { id: entry.id, rows: 0, skipped: `needs ${entry.needs.join(", ")}` };
    }
    if (entry.online && !this.#options.online && !chosen) {
      return { id: entry.id, rows: 0, skipped: "online (pass online: true)" };
    }
    try {
      const frame = entry.source === "hunt"
        ? await this.#runQuery(entry)
        : await ENRICHMENTS.find((e) => e.entry.id === entry.id)!.run(this.values, this.#options);
      if (typeof frame === "string") return { id: entry.id, rows: 0, skipped: frame };
      return { id: entry.id, rows: frame.height, frame };
    } catch (error) {
      if (chosen) throw error;
      return {
        id: entry.id,
        rows: 0,
        skipped: `failed: ${(error as Error).message.split("\n")[0]}`,
      };
    }
  }

  async #runQuery(entry: PivotEntry): Promise<DataFrame> {
    const query = this.#queries.get(entry.id)!;
    const param = entry.param!;
    const list = LIST_KINDS[query.parameters[param].type] !== undefined;
    const base: HuntArgs = this.#options.window ? { window: this.#options.window } : {};
    const { families: _f, limit: _l, window: _w, online: _o, feeds: _t, ...run } = this.#options;
    const argsList = list
      ? [{ ...base, [param]: [...this.values] }]
      : this.values.map((v) => ({ ...base, [param]: v }));
    const frames: DataFrame[] = [];
    for (const args of argsList) {
      frames.push(await runHuntQuery(query, args, { ...run, id: entry.id }));
    }
    return frames.length === 1 ? frames[0] : pl.concat(frames, { how: "diagonal" });
  }

  /** The pivots as a table, one a line. */
  toString(): string {
    const head = `${this.pivots.length} ${this.kind} pivots for ${shortList(this.values)}`;
    const lines = this.pivots.map((p) =>
      `  ${p.id.padEnd(40)} ${p.source === "hunt" ? `{${p.param}}` : "enrichment"}${
        p.needs ? ` (needs ${p.needs.join(", ")})` : p.online ? " (online)" : ""
      }`
    );
    return [head, ...lines, ...this.notes.map((n) => `note: ${n}`)].join("\n");
  }

  /** Shown by `console.log` and the REPL. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/** What running every pivot of an entity found. */
export class PivotReport {
  /** The kind of entity. */
  readonly kind: EntityKind;
  /** The values pivoted on. */
  readonly values: readonly string[];
  /** One outcome per pivot, in the order listed. */
  readonly outcomes: readonly PivotOutcome[];
  /** What was left out. */
  readonly notes: readonly string[];

  /** Use {@link EntityPivot.run}. */
  constructor(
    kind: EntityKind,
    values: readonly string[],
    outcomes: readonly PivotOutcome[],
    notes: readonly string[],
  ) {
    this.kind = kind;
    this.values = values;
    this.outcomes = outcomes;
    this.notes = notes;
  }

  /** The pivots that found rows. */
  get hits(): PivotOutcome[] {
    return this.outcomes.filter((o) => o.rows > 0);
  }

  /**
   * The rows of pivot `id` (undefined when it found none or did not run).
   *
   * @throws {HuntError} for a short name several pivots end with (give the full id).
   */
  frame(id: string): DataFrame | undefined {
    return onePivot(this.outcomes, id, this.kind)?.frame;
  }

  /** The pivots not run because the data lacks a table they read. */
  get notRun(): PivotOutcome[] {
    return this.outcomes.filter((o) => o.missing !== undefined);
  }

  /** Hits per pivot, one a line. */
  toString(): string {
    const notRun = this.notRun.length;
    const head = `${this.kind} ${
      shortList(this.values)
    }: ${this.hits.length} of ${this.outcomes.length} pivots found rows${
      notRun ? `; ${notRun} not run (this data lacks their tables)` : ""
    }`;
    const lines = this.outcomes.map((o) =>
      `  ${o.id.padEnd(40)} ${o.skipped ? `- ${o.skipped}` : `${o.rows} rows`}`
    );
    return [head, ...lines, ...this.notes.map((n) => `note: ${n}`)].join("\n");
  }

  /** Shown by `console.log` and the REPL. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/** A pivot function: from one value, several, or a frame's column. */
export interface PivotFunction {
  /** The pivots of one value (or several). */
  (value: string | readonly string[], options?: PivotOptions): EntityPivot;
  /** The pivots of the distinct values of a frame's column (the most frequent first, capped). */
  (frame: DataFrame, column: string, options?: PivotOptions): EntityPivot;
}

/** `pivot.<kind>(...)` for every entity kind. */
export type Pivot = Readonly<Record<EntityKind, PivotFunction>>;

/**
 * Pivots with defaults (a provider, a session, the library's families).
 *
 * @param defaults Options every pivot starts from.
 *
 * @example An address of the demo case: its pivots, and one run
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPivot } from "./pivot.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const pivot = createPivot({ provider: await openLocalProvider() });
 * const ip = pivot.ip("203.0.113.45");
 * assert.ok(ip.pivots.some((p) => p.id === "enrich.geoip"));
 * const geo = await ip.run("enrich.geoip");
 * assert.equal(geo.getColumn("ip_ip_kind").get(0), "documentation"); // TEST-NET-3
 * ```
 */
export function createPivot(defaults: PivotOptions | (() => PivotOptions) = {}): Pivot {
  if (typeof defaults !== "function") {
    checkOptions("createPivot", defaults, PIVOT_OPTIONS);
    checkLimit("createPivot", defaults.limit);
  }
  const base = typeof defaults === "function" ? defaults : () => defaults;
  const out = {} as Record<EntityKind, PivotFunction>;
  for (const kind of ENTITY_KINDS) {
    out[kind] = ((input: unknown, second?: unknown, third?: unknown) => {
      if (isDataFrame(input)) {
        checkOptions(`pivot.${kind}`, third, PIVOT_OPTIONS);
        const options = { ...base(), ...(third as PivotOptions | undefined) };
        checkLimit(`pivot.${kind}`, options.limit);
        const { values, notes } = columnValues(input, second, options.limit ?? 10);
        return new EntityPivot(kind, values, notes, options);
      }
      const values = typeof input === "string" ? [input] : Array.isArray(input) ? input : undefined;
      if (!values || values.length === 0 || values.some((v) => typeof v !== "string" || v === "")) {
        throw new HuntError(
          `pivot.${kind} takes a value, a list of values, or a frame and a column.`,
          {
            hint: `pivot.${kind}("...") or pivot.${kind}(frame, "Column").`,
          },
        );
      }
      checkOptions(`pivot.${kind}`, second, PIVOT_OPTIONS);
      checkLimit(`pivot.${kind}`, (second as PivotOptions | undefined)?.limit);
      return new EntityPivot(kind, values, [], {
        ...base(),
        ...(second as PivotOptions | undefined),
      });
    }) as PivotFunction;
  }
  return out;
}

/**
 * Entity pivots: `pivot.ip("203.0.113.45")` lists every library query and enrichment that
 * takes an address; `.run()` runs them all, `.run(id)` one. In a session's scope (the
 * REPL, a step's code) they run on the session's provider.
 */
export const pivot: Pivot = bindable(
  createPivot(),
  (context: () => ScopeContext) =>
    createPivot(() => ({ provider: context().provider as Provider })),
);

/**
 * The one pivot (or outcome) `id` names: its full id, or a short name only one ends with
 * (as `findHunt` takes a bare query name).
 */
function onePivot<T extends { readonly id: string }>(
  list: readonly T[],
  id: string,
  kind: EntityKind,
): T | undefined {
  const exact = list.find((p) => p.id === id);
  if (exact) return exact;
  const ending = list.filter((p) => p.id.endsWith(`.${id}`));
  if (ending.length > 1) {
    throw new HuntError(
      `${ending.length} ${kind} pivots are called ${id}: ${ending.map((p) => p.id).join(", ")}.`,
      { hint: `Give the full id, e.g. ${JSON.stringify(ending[0].id)}.` },
    );
  }
  return ending[0];
}

/** `limit` is a count of values: a whole number, at least 1. */
function checkLimit(where: string, limit: unknown): void {
  if (limit === undefined || (Number.isInteger(limit) && (limit as number) >= 1)) return;
  throw new HuntError(`${where}: limit must be a whole number of at least 1, not ${limit}.`, {
    hint: "limit is how many distinct values of the column to pivot on: { limit: 10 }.",
  });
}

function columnValues(
  frame: DataFrame,
  column: unknown,
  limit: number,
): { values: string[]; notes: string[] } {
  checkLimit("pivot", limit);
  if (typeof column !== "string" || !frame.columns.includes(column)) {
    throw new HuntError(`The frame has no column ${JSON.stringify(column)} to pivot from.`, {
      hint: didYouMean(String(column), frame.columns) ??
        `Its columns: ${frame.columns.join(", ")}.`,
    });
  }
  const counts = new Map<string, number>();
  for (const v of frame.getColumn(column).toArray()) {
    if (v === null || v === undefined || v === "") continue;
    counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (sorted.length === 0) {
    throw new HuntError(`The column ${column} has no values to pivot from.`, {
      hint: "Check the frame is not empty.",
    });
  }
  const notes = sorted.length > limit
    ? [
      `${column} has ${sorted.length} distinct values; pivoting on the ${limit} most frequent (pass { limit } for more)`,
    ]
    : [];
  return { values: sorted.slice(0, limit).map(([v]) => v), notes };
}

interface Enrichment {
  readonly kinds: readonly EntityKind[];
  readonly entry: PivotEntry;
  run(values: readonly string[], options: PivotOptions): Promise<DataFrame | string>;
}

const ENRICHMENTS: readonly Enrichment[] = [
  {
    kinds: ["ip"],
    entry: {
      id: "enrich.geoip",
      source: "enrichment",
      description: "Country, city and ASN of the address, from the bundled geo-IP data.",
    },
    run: (values) => geoLookupFrame(pl.DataFrame({ ip: [...values] }), { column: "ip" }),
  },
  {
    kinds: ["ip", "domain", "url", "hash"],
    entry: {
      id: "enrich.threatIntel",
      source: "enrichment",
      description:
        "The indicator checked against threat-intel feeds (the case's own feed by default).",
    },
    run: async (values, options) => {
      const feeds = options.feeds ?? await caseFeeds(options.session?.provider ?? options.provider);
      if (feeds.length === 0) return "no threat-intel feed (pass { feeds })";
      return await lookupIndicatorsFrame(pl.DataFrame({ indicator: [...values] }), {
        column: "indicator",
        providers: [...feeds],
      });
    },
  },
  {
    kinds: ["ip", "domain"],
    entry: {
      id: "enrich.whois",
      source: "enrichment",
      description: "Registration data (RDAP): the network's or domain's owner and dates.",
      online: true,
    },
    run: (values) => rdapLookupFrame(pl.DataFrame({ query: [...values] }), { column: "query" }),
  },
];

/** The threat-intel feeds a local case lists among its outside data. */
async function caseFeeds(provider: Provider | undefined): Promise<TiProvider[]> {
  const local = provider as { folder?: string; externalData?: { name: string; source: string }[] };
  if (!local?.folder || !local.externalData) return [];
  const feeds: TiProvider[] = [];
  for (const { source } of local.externalData) {
    if (!/threat|intel|ioc|indicator/i.test(source)) continue;
    const path = isAbsolute(source) ? source : resolve(local.folder, source);
    feeds.push(await loadFeed(path));
  }
  return feeds;
}

function shortList(values: readonly string[]): string {
  return values.length <= 3
    ? values.join(", ")
    : `${values.slice(0, 3).join(", ")} and ${values.length - 3} more`;
}
