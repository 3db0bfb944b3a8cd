/**
 * Process trees from process-creation events: Windows 4688 (SecurityEvent), Sysmon event 1
 * (parsed columns or the Event table's `EventData`), Defender's DeviceProcessEvents, Linux
 * auditd execve records, or any table described by a column mapping.
 *
 * Each process gets a key that survives pid reuse (`host|pid|creation time`). A parent is
 * found by GUID (Sysmon), by its exact creation time (Defender), or as the latest process
 * on the same host created no later than the child with the parent's pid and image name
 * (4688, auditd: msticpy's rule). Parents the log never showed are added as rows marked
 * `isInferredParent`; they are the roots of most trees.
 *
 * @module
 */
import { type DataFrame, type Expr, pl } from "../polars.ts";
import { type BuildStats, buildTree, type ParentRule, type TreeArrays } from "./_process_build.ts";
import {
  normaliseProcesses,
  PROCESS_SCHEMA_KINDS,
  type ProcessColumns,
  type ProcessSchemaKind,
} from "./_process_schema.ts";
import { type RenderOptions, renderTree } from "./_process_text.ts";
import { AnalysisError } from "./errors.ts";
import { checkOptions, defineOptions } from "../options.ts";

const PROCESS_TREE_OPTIONS = defineOptions<BuildProcessTreeOptions>("buildProcessTree", {
  schema: { kind: "object", oneOf: PROCESS_SCHEMA_KINDS, aliases: ["source", "kind"] },
  parentRule: { oneOf: ["pidHolder", "sameName"] },
  keepColumns: "boolean",
});
const DESCENDANTS_OPTIONS = defineOptions<DescendantsOptions>("tree.descendants", {
  maxLevels: { kind: "number", aliases: ["levels", "depth", "maxDepth"] },
});
const SIBLINGS_OPTIONS = defineOptions<SiblingsOptions>("tree.siblings", {
  includeSelf: { kind: "boolean", aliases: ["self"] },
});
const AROUND_OPTIONS = defineOptions<AroundOptions>("tree.around", {
  ancestors: "boolean",
  descendantLevels: { kind: "number", aliases: ["levels", "depth", "maxLevels"] },
  siblings: "boolean",
});
const TEXT_OPTIONS = defineOptions<ProcessTreeTextOptionsWithRows>("tree.toText", {
  rows: "object",
  commandLines: { kind: "boolean", aliases: ["commandLine", "cmd"] },
  times: { kind: "boolean", aliases: ["time"] },
  accounts: { kind: "boolean", aliases: ["account", "users"] },
  width: { kind: "number", aliases: ["columns", "maxWidth"] },
  maxChildren: { kind: "number", aliases: ["children"] },
  fullPaths: { kind: "boolean", aliases: ["paths"] },
  maxDepth: { kind: "number", aliases: ["depth", "levels"] },
});

export type { ProcessColumns, ProcessSchemaKind } from "./_process_schema.ts";
export { detectProcessSchema, PROCESS_SCHEMA_KINDS, PROCESS_SCHEMAS } from "./_process_schema.ts";
export type { RenderOptions as ProcessTreeTextOptions } from "./_process_text.ts";
export type { ParentRule } from "./_process_build.ts";

/** Options of {@link buildProcessTree}. */
export interface BuildProcessTreeOptions {
  /**
   * The source (`securityEvent`, `sysmon`, `deviceProcessEvents`, `auditd`) or a column
   * mapping. Default: told from the columns.
   */
  readonly schema?: ProcessSchemaKind | ProcessColumns;
  /**
   * How a child finds its parent when only the parent's pid and name are logged (4688,
   * auditd). `pidHolder` (default): the latest process on the host that held the pid when
   * the child started, if it is the image the child names; otherwise the parent was not
   * logged and is inferred (a later holder of a pid proves the earlier one had exited).
   * `sameName`: msticpy's rule, the latest earlier process with that pid and name.
   */
  readonly parentRule?: ParentRule;
  /** Keep the input's own columns beside the tree's (default true). */
  readonly keepColumns?: boolean;
}

/** Counts over a whole process forest (the figures msticpy's summary gives, and more). */
export interface ProcessTreeSummary {
  /** All rows: observed processes plus inferred parents. */
  readonly processes: number;
  /** Processes seen in the events. */
  readonly observed: number;
  /** Parents added because the events refer to them but never show their creation. */
  readonly inferredParents: number;
  /** Processes without a parent in the tree. */
  readonly roots: number;
  /** Processes with no children. */
  readonly leaves: number;
  /** Processes with a parent and children. */
  readonly branches: number;
  /** Roots without children. */
  readonly isolated: number;
  /** Levels in the deepest tree (a lone root is 1). */
  readonly largestTreeDepth: number;
  /** Distinct hosts. */
  readonly hosts: number;
  /** Input rows left out: no process id or no time. */
  readonly skipped: number;
  /** Input rows that repeated a process already seen. */
  readonly duplicates: number;
}

/** Options of {@link ProcessTree.around}. */
export interface AroundOptions {
  /** Include the chain of ancestors up to the root (default true). */
  readonly ancestors?: boolean;
  /** Levels of descendants to include (default: all). */
  readonly descendantLevels?: number;
  /** Include the process's siblings (default false). */
  readonly siblings?: boolean;
}

/** Options of {@link ProcessTree.descendants}. */
export interface DescendantsOptions {
  /** Levels below the process to include (default: all). */
  readonly maxLevels?: number;
}

/** Options of {@link ProcessTree.siblings}. */
export interface SiblingsOptions {
  /** Include the process itself, in its place (default false). */
  readonly includeSelf?: boolean;
}

/** Options of {@link ProcessTree.toText}. */
export interface ProcessTreeTextOptionsWithRows extends RenderOptions {
  /** Only these rows of the tree frame (e.g. from `around`); default: the whole forest. */
  readonly rows?: DataFrame;
}

/**
 * Builds the process trees of `events`.
 *
 * The result's `frame` has one row per process, in tree order (each process followed by
 * its subtree, children oldest first): `processKey`, `parentKey`, `host`, `processId`,
 * `parentProcessId`, `processName`, `parentProcessName`, `commandLine`, `time`, `account`,
 * `logonId`, `isInferredParent`, `isRoot`, `isLeaf`, `isBranch`, `depth` (0 at a root),
 * `childCount`, `descendantCount`, `rootKey`, `treeOrder`, `path` (tree orders from the
 * root, `/`-separated), `sourceRow` (the input row; null for inferred parents), then the
 * input's own columns.
 *
 * Rows are in tree order: roots, and the children of each process, are ordered by creation
 * time, oldest first (an inferred parent whose time is unknown takes its first child's);
 * ties by an inferred parent before an observed process, then by `host`, `processId` and
 * `processKey` (ascending), so the tree does not depend on the input's row order or on
 * Polars' thread count. A process logged more than once (same host, pid and time) keeps its
 * first row in the input; an inferred parent is described by its oldest child's event
 * (ties by the child's `processKey`). Contradictory data whose parent links form a cycle is
 * cut at the cycle's oldest member, which becomes a root after all the others (a process
 * logged as its own parent is simply a root).
 *
 * @param events Process-creation events.
 * @param options The source schema or a column mapping; whether to keep input columns.
 * @returns The tree, with navigation, a summary and a text rendering.
 * @throws {AnalysisError} when the source cannot be told or a mapped column is missing.
 *
 * @example The attack's process tree on the victim's workstation in the demo case
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildProcessTree } from "./mod.ts";
 * import { openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query(
 *   "SecurityEvent | where EventID == 4688 and Computer startswith 'LKS-WS-1042'",
 * );
 * const tree = buildProcessTree(frame);
 * const summary = tree.summary();
 * assert.equal(summary.observed, frame.height);
 * assert.equal(summary.hosts, 1);
 * const [dump] = tree.keysWhere(pl.col("commandLine").str.contains("lsass"));
 * const text = tree.toText({ rows: tree.around(dump), width: 120 });
 * // The dump ran from a shell the attacker opened from Explorer.
 * assert.match(text, /explorer\.exe[^\n]*\n\s*└─ cmd\.exe[^\n]*\n\s*└─ procdump64\.exe/);
 * ```
 */
export function buildProcessTree(
  events: DataFrame,
  options: BuildProcessTreeOptions = {},
): ProcessTree {
  checkOptions("buildProcessTree", options, PROCESS_TREE_OPTIONS);
  const normal = normaliseProcesses(events, options.schema);
  const built = buildTree(normal, options.parentRule ?? "pidHolder");
  const f = built.frame;
  let frame = f.select(
    pl.col("__key").alias("processKey"),
    pl.col("__parentKey").alias("parentKey"),
    pl.col("__host").alias("host"),
    pl.col("__pid").alias("processId"),
    pl.col("__ppid").alias("parentProcessId"),
    pl.col("__image").alias("processName"),
    pl.col("__parentImage").alias("parentProcessName"),
    pl.col("__cmd").alias("commandLine"),
    pl.col("__time").alias("time"),
    pl.col("__account").alias("account"),
    pl.col("__logonId").alias("logonId"),
    pl.col("__inferred").alias("isInferredParent"),
    pl.col("__isRoot").alias("isRoot"),
    pl.col("__children").eq(0).alias("isLeaf"),
    pl.col("__isRoot").not().and(pl.col("__children").gt(0)).alias("isBranch"),
    pl.col("__depth").alias("depth"),
    pl.col("__children").alias("childCount"),
    pl.col("__descendants").alias("descendantCount"),
    pl.col("__rootKey").alias("rootKey"),
    pl.col("__order").alias("treeOrder"),
    pl.col("__path").alias("path"),
    pl.col("__row").alias("sourceRow"),
  );
  if (options.keepColumns !== false) {
    const own = new Set(frame.columns);
    const extra = events.columns.filter((c) => !own.has(c));
    if (extra.length > 0) {
      const source = events.select(...extra).withRowIndex("sourceRow").withColumn(
        pl.col("sourceRow").cast(pl.Int64),
      );
      frame = frame.join(source, { on: "sourceRow", how: "left" }).sort("treeOrder");
    }
  }
  return new ProcessTree(frame, built.arrays, built.stats, normal.hexIds);
}

/** A built process forest. Create one with {@link buildProcessTree}. */
export class ProcessTree {
  /** One row per process, in tree order ({@link buildProcessTree} gives columns and order). */
  readonly frame: DataFrame;
  /** Whether process ids are shown in hex (Windows sources). */
  readonly hexIds: boolean;
  readonly #arrays: TreeArrays;
  readonly #stats: BuildStats;
  #index?: Map<string, number>;

  /** Use {@link buildProcessTree}. */
  constructor(frame: DataFrame, arrays: TreeArrays, stats: BuildStats, hexIds: boolean) {
    this.frame = frame;
    this.#arrays = arrays;
    this.#stats = stats;
    this.hexIds = hexIds;
  }

  /** Counts: processes, roots, leaves, branches, depth, inferred parents. */
  summary(): ProcessTreeSummary {
    const counts = this.frame.select(
      pl.col("isInferredParent").sum().alias("inferred"),
      pl.col("isRoot").sum().alias("roots"),
      pl.col("isLeaf").sum().alias("leaves"),
      pl.col("isBranch").sum().alias("branches"),
      pl.col("isRoot").and(pl.col("isLeaf")).sum().alias("isolated"),
      pl.col("depth").max().alias("depth"),
      pl.col("host").nUnique().alias("hosts"),
    ).toRecords()[0] as Record<string, number | null>;
    const n = this.frame.height;
    return {
      processes: n,
      observed: n - Number(counts.inferred ?? 0),
      inferredParents: Number(counts.inferred ?? 0),
      roots: Number(counts.roots ?? 0),
      leaves: Number(counts.leaves ?? 0),
      branches: Number(counts.branches ?? 0),
      isolated: Number(counts.isolated ?? 0),
      largestTreeDepth: n === 0 ? 0 : Number(counts.depth ?? 0) + 1,
      hosts: n === 0 ? 0 : Number(counts.hosts ?? 0),
      skipped: this.#stats.skipped,
      duplicates: this.#stats.duplicates,
    };
  }

  /** The keys of processes matching `predicate` (an expression over the tree frame). */
  keysWhere(predicate: Expr): string[] {
    return this.frame.filter(predicate).getColumn("processKey").toArray() as string[];
  }

  /** The process with `key`, as a one-row frame. */
  process(key: string): DataFrame {
    return this.#rows([this.#row(key)]);
  }

  /** The root processes, in tree order (oldest first). */
  roots(): DataFrame {
    return this.frame.filter(pl.col("isRoot"));
  }

  /** The parent of `key` (an empty frame for a root). */
  parent(key: string): DataFrame {
    const p = this.#arrays.parent[this.#row(key)];
    return this.#rows(p < 0 ? [] : [p]);
  }

  /** The children of `key`, in tree order (oldest first). */
  children(key: string): DataFrame {
    return this.#rows(this.#children(this.#row(key)));
  }

  /** All processes below `key` (to `maxLevels` levels), in tree order. */
  descendants(key: string, options: DescendantsOptions = {}): DataFrame {
    checkOptions("tree.descendants", options, DESCENDANTS_OPTIONS);
    const row = this.#row(key);
    return this.#rows(this.#descendants(row, options.maxLevels ?? Infinity));
  }

  /** The chain from the root down to the parent of `key` (root first). */
  ancestors(key: string): DataFrame {
    return this.#rows(this.#ancestors(this.#row(key)));
  }

  /** The other children of the parent of `key`, in tree order (oldest first). */
  siblings(key: string, options: SiblingsOptions = {}): DataFrame {
    checkOptions("tree.siblings", options, SIBLINGS_OPTIONS);
    const row = this.#row(key);
    const p = this.#arrays.parent[row];
    if (p < 0) return this.#rows(options.includeSelf ? [row] : []);
    return this.#rows(this.#children(p).filter((c) => options.includeSelf || c !== row));
  }

  /**
   * The tree around a suspicious process: its ancestors, itself, its descendants and
   * optionally its siblings, in tree order; pass it to {@link ProcessTree.toText} as `rows`.
   */
  around(key: string, options: AroundOptions = {}): DataFrame {
    checkOptions("tree.around", options, AROUND_OPTIONS);
    const row = this.#row(key);
    const rows = new Set<number>([row]);
    if (options.ancestors !== false) { for (const a of this.#ancestors(row)) rows.add(a); }
    for (const d of this.#descendants(row, options.descendantLevels ?? Infinity)) rows.add(d);
    if (options.siblings) {
      const p = this.#arrays.parent[row];
      if (p >= 0) { for (const s of this.#children(p)) rows.add(s); }
    }
    return this.#rows([...rows].sort((a, b) => a - b));
  }

  /** The forest (or `rows` of it) as text for a terminal. */
  toText(options: ProcessTreeTextOptionsWithRows = {}): string {
    checkOptions("tree.toText", options, TEXT_OPTIONS);
    const selected = options.rows
      ? Int32Array.from(
        (options.rows.getColumn("treeOrder").toArray() as number[]).sort((a, b) => a - b),
      )
      : Int32Array.from({ length: this.frame.height }, (_, i) => i);
    const take = (column: string) => this.frame.getColumn(column).toArray() as unknown[];
    const names = take("processName") as (string | null)[];
    const pids = take("processId") as (number | bigint | null)[];
    const times = take("time") as (Date | null)[];
    const cmds = take("commandLine") as (string | null)[];
    const accounts = take("account") as (string | null)[];
    const inferred = take("isInferredParent") as boolean[];
    const hosts = take("host") as string[];
    const hex = this.hexIds;
    return renderTree(
      this.#arrays,
      selected,
      (row) => {
        const pid = pids[row];
        return {
          name: names[row] ?? "(unknown)",
          pid: pid === null ? "?" : hex ? `0x${Number(pid).toString(16)}` : String(pid),
          time: times[row]
            ? times[row]!.toISOString().replace("T", " ").replace("Z", "")
            : undefined,
          commandLine: cmds[row] ?? undefined,
          account: accounts[row] ?? undefined,
          inferred: inferred[row],
        };
      },
      (row) => hosts[row],
      options,
    );
  }

  /**
   * How the REPL and `console.log` print a tree: a line of counts, then the forest as text
   * ({@link ProcessTree.toText}, lines cut to the output's width).
   */
  [Symbol.for("Deno.customInspect")](
    _inspect?: unknown,
    options?: { breakLength?: number },
  ): string {
    const s = this.summary();
    const width = options?.breakLength;
    const head =
      `process tree: ${s.processes} processes (${s.inferredParents} inferred parents), ` +
      `${s.roots} roots, depth ${s.largestTreeDepth}, ${s.hosts} hosts`;
    return `${head}\n${
      this.toText(width && Number.isFinite(width) ? { width: Math.max(40, width) } : {})
    }`;
  }

  #row(key: string): number {
    if (!this.#index) {
      const keys = this.frame.getColumn("processKey").toArray() as string[];
      this.#index = new Map(keys.map((k, i) => [k, i]));
    }
    const row = this.#index.get(key);
    if (row === undefined) {
      throw new AnalysisError(`ProcessTree: no process has the key \`${key}\``, {
        analysis: "ProcessTree",
        hint: "Take keys from the tree's processKey column, e.g. tree.keysWhere(pl.col(" +
          '"processName").str.contains("cmd.exe")).',
      });
    }
    return row;
  }

  #rows(rows: readonly number[]): DataFrame {
    return this.frame.select(pl.all().gather(rows as number[]));
  }

  #children(row: number): number[] {
    const { childStart, childList } = this.#arrays;
    return Array.from(childList.subarray(childStart[row], childStart[row + 1]));
  }

  #descendants(row: number, maxLevels: number): number[] {
    // Tree order puts a subtree right after its root.
    const { depth, descendants } = this.#arrays;
    const out: number[] = [];
    for (let r = row + 1; r <= row + descendants[row]; r++) {
      if (depth[r] - depth[row] <= maxLevels) out.push(r);
    }
    return out;
  }

  #ancestors(row: number): number[] {
    const out: number[] = [];
    for (let p = this.#arrays.parent[row]; p >= 0; p = this.#arrays.parent[p]) out.push(p);
    return out.reverse();
  }
}
