/**
 * Building process trees: link each process to its parent (by GUID, by the parent's exact
 * creation time, or as the latest earlier process with the parent's pid and name on the
 * same host), add the parents the log never saw as inferred rows, then walk the tree once
 * with typed arrays for depth, order, paths and subtree sizes.
 *
 * @module
 */
import { type DataFrame, DATETIME, type Expr, pl } from "../polars.ts";
import { nameKey, type NormalisedProcesses } from "./_process_schema.ts";

/**
 * How a child finds its parent when only the parent's pid (and name) are logged:
 * - `pidHolder`: the latest process on the host that had the pid when the child started;
 *   if its image is not the one the child names, the parent was never logged (inferred).
 * - `sameName`: the latest earlier process with the pid and the name (msticpy's rule),
 *   which can skip over a later holder of the pid.
 */
export type ParentRule = "pidHolder" | "sameName";

/** The tree in arrays indexed by tree order (row position of the output frame). */
export interface TreeArrays {
  /** Parent row, or -1 for a root. */
  readonly parent: Int32Array;
  /** Children of row i: childList[childStart[i] .. childStart[i+1]), oldest first. */
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
  readonly depth: Int32Array;
  /** Row of each row's root. */
  readonly root: Int32Array;
  /** Number of descendants of each row. */
  readonly descendants: Int32Array;
}

/** What building found besides the tree. */
export interface BuildStats {
  /** Rows dropped because they had no process id or no time. */
  readonly skipped: number;
  /** Rows that repeated a process already seen (same host, pid and time). */
  readonly duplicates: number;
  /** Links dropped to break a cycle (only possible with contradictory data). */
  readonly cyclesBroken: number;
}

/** The built tree: its frame (sorted in tree order) and arrays. */
export interface BuiltTree {
  readonly frame: DataFrame;
  readonly arrays: TreeArrays;
  readonly stats: BuildStats;
}

/** `host|pid|creation time`, or `host|pid|?name` when the creation time is unknown. */
function keyExpr(host: string, pid: string, time: string, name: string): Expr {
  return pl.when(pl.col(time).isNull())
    .then(
      pl.concatString(
        [pl.col(host), pl.col(pid).cast(pl.Utf8), pl.lit("?").add(pl.col(name))],
        "|",
      ),
    )
    .otherwise(
      // A datetime's text is `2024-01-01 10:00:00.050000` (UTC, microseconds): as exact as
      // a formatted string, and cheaper.
      pl.concatString(
        [pl.col(host), pl.col(pid).cast(pl.Utf8), pl.col(time).cast(pl.Utf8)],
        "|",
      ),
    );
}

/** The columns every row of the tree carries (observed and inferred alike). */
const ROW_COLUMNS = [
  "__row",
  "__host",
  "__pid",
  "__ppid",
  "__image",
  "__parentImage",
  "__time",
  "__parentTime",
  "__guid",
  "__pguid",
  "__cmd",
  "__account",
  "__logonId",
  "__gppid",
  "__gpImage",
  "__gpTime",
  "__name",
  "__pname",
  "__inferred",
  "__firstChild",
  "__key",
  "__parentKey",
] as const;

/** Links processes to parents, infers missing parents, and lays the tree out. */
export function buildTree(normal: NormalisedProcesses, rule: ParentRule = "pidHolder"): BuiltTree {
  const all = normal.frame;
  let observed = all.filter(pl.col("__pid").isNotNull().and(pl.col("__time").isNotNull()));
  const skipped = all.height - observed.height;
  observed = withNameKey(withNameKey(observed, "__image", "__name"), "__parentImage", "__pname");
  observed = observed.withColumns(
    pl.lit(false).alias("__inferred"),
    pl.col("__time").alias("__firstChild"),
  ).withColumn(keyExpr("__host", "__pid", "__time", "__name").alias("__key"));
  // Repeated events of one process (same host, pid, time) are one process.
  const beforeDedup = observed.height;
  observed = observed.unique({
    subset: ["__host", "__pid", "__time"],
    keep: "first",
    maintainOrder: true,
  });
  const duplicates = beforeDedup - observed.height;
  // (host, pid, time) is unique now: a total order, so every "first" below is well defined.
  observed = observed.sort(["__time", "__host", "__pid"]);

  const linked = linkObserved(observed, normal, rule);
  let rows = linked.select(...ROW_COLUMNS);
  // Parents the log never showed: one inferred row per missing parent key, then their own
  // parents (Defender logs the grandparent) the same way.
  let pending = rows;
  for (let level = 0; level < 3 && pending.height > 0; level++) {
    const inferred = inferMissingParents(pending, rows);
    if (inferred.height === 0) break;
    rows = pl.concat([rows, inferred], { how: "vertical" });
    pending = inferred;
  }
  return layOut(rows, { skipped, duplicates });
}

/** The lower-case file name of `column` in `target`, worked out once per distinct image. */
function withNameKey(frame: DataFrame, column: string, target: string): DataFrame {
  const names = frame.select(pl.col(column)).unique().withColumn(nameKey(column).alias(target));
  // Input order is kept: deduplication keeps each process's first row.
  return frame.join(names, { on: column, how: "left", maintainOrder: "left" }).withColumn(
    pl.col(target).fillNull(pl.lit("")),
  );
}

/** Adds `__parentKey` to observed processes. */
function linkObserved(
  observed: DataFrame,
  normal: NormalisedProcesses,
  rule: ParentRule,
): DataFrame {
  const fallback = keyExpr("__host", "__ppid", "__parentTime", "__pname").alias("__fallbackKey");
  let frame = observed.withColumn(fallback);
  if (normal.hasGuid) {
    const byGuid = observed.filter(pl.col("__guid").isNotNull())
      .select(pl.col("__guid").alias("__pguid"), pl.col("__key").alias("__guidParent"))
      .unique({ subset: ["__pguid"], keep: "first" });
    // The as-of join below needs the rows still in time order.
    frame = frame.join(byGuid, { on: "__pguid", how: "left", maintainOrder: "left" });
  } else {
    frame = frame.withColumn(pl.lit(null).cast(pl.Utf8).alias("__guidParent"));
  }
  // Rows whose parent's creation time or GUID is known link by key; the others by time.
  const certain = pl.col("__parentTime").isNotNull().or(pl.col("__pguid").isNotNull());
  const exact = frame.filter(certain).withColumn(pl.lit(null).cast(pl.Utf8).alias("__asofParent"));
  const byTime = frame.filter(certain.not());
  // The latest process on the host that had the parent's pid at the child's creation is
  // the only one that can have been its parent: pids are unique among live processes, so a
  // later holder of the pid proves an earlier one had exited. If that process's image is
  // not the parent image the child names, the real parent was never logged.
  const candidates = observed.select(
    "__host",
    pl.col("__pid").alias("__ppid"),
    pl.col("__name").alias("__candidateName"),
    pl.col("__time").alias("__candidateTime"),
    pl.col("__key").alias("__candidateKey"),
  ).sort("__candidateTime");
  const asof = (left: DataFrame, by: string[], right: DataFrame) =>
    left.height === 0
      ? left.withColumns(
        pl.lit(null).cast(pl.Utf8).alias("__candidateName"),
        pl.lit(null).cast(pl.Utf8).alias("__candidateKey"),
      )
      : left.joinAsof(right, {
        leftOn: "__time",
        rightOn: "__candidateTime",
        by,
        strategy: "backward",
        checkSortedness: false,
      }).drop("__candidateTime");
  let timed: DataFrame;
  switch (rule) {
    case "pidHolder":
      timed = asof(byTime, ["__host", "__ppid"], candidates);
      break;
    case "sameName": {
      // msticpy's rule: the latest earlier process with the parent's pid and name.
      const named = byTime.filter(pl.col("__pname").neq(pl.lit("")));
      const unnamed = byTime.filter(pl.col("__pname").eq(pl.lit("")));
      const byName = candidates.withColumn(pl.col("__candidateName").alias("__pname"));
      timed = pl.concat([
        asof(named, ["__host", "__ppid", "__pname"], byName).select(
          ...byTime.columns,
          "__candidateName",
          "__candidateKey",
        ),
        asof(unnamed, ["__host", "__ppid"], candidates).select(
          ...byTime.columns,
          "__candidateName",
          "__candidateKey",
        ),
      ], { how: "vertical" });
      break;
    }
  }
  timed = timed.withColumn(
    pl.when(pl.col("__pname").eq(pl.lit("")).or(pl.col("__pname").eq(pl.col("__candidateName"))))
      .then(pl.col("__candidateKey")).otherwise(pl.lit(null).cast(pl.Utf8)).alias("__asofParent"),
  ).drop("__candidateName", "__candidateKey");
  return pl.concat([exact, timed.select(...exact.columns)], { how: "vertical" })
    .withColumn(
      pl.when(pl.col("__ppid").isNull().and(pl.col("__guidParent").isNull())).then(
        pl.lit(null).cast(pl.Utf8),
      )
        .when(pl.col("__guidParent").isNotNull()).then(pl.col("__guidParent"))
        .when(pl.col("__asofParent").isNotNull().and(pl.col("__asofParent").neq(pl.col("__key"))))
        .then(pl.col("__asofParent"))
        .otherwise(pl.col("__fallbackKey"))
        .alias("__parentKey"),
    ).sort("__time");
}

/** One inferred row for each parent key of `children` that `known` lacks. */
function inferMissingParents(children: DataFrame, known: DataFrame): DataFrame {
  const missing = children.filter(pl.col("__parentKey").isNotNull())
    .join(known.select(pl.col("__key").alias("__parentKey")), { on: "__parentKey", how: "anti" });
  if (missing.height === 0) return missing.select(...ROW_COLUMNS);
  // The oldest child describes the parent (ties by the child's key, which is unique).
  const parents = missing.sort(["__time", "__key"]).groupBy("__parentKey").agg(
    pl.col("__host").first(),
    pl.col("__ppid").first().alias("__pid"),
    pl.col("__gppid").first().alias("__ppid"),
    pl.col("__parentImage").first().alias("__image"),
    pl.col("__gpImage").first().alias("__parentImage"),
    pl.col("__parentTime").first().alias("__time"),
    pl.col("__gpTime").first().alias("__parentTime"),
    pl.col("__pguid").first().alias("__guid"),
    pl.col("__pname").first().alias("__name"),
    pl.col("__time").min().alias("__firstChild"),
  );
  return parents.select(
    pl.lit(null).cast(pl.Int64).alias("__row"),
    "__host",
    "__pid",
    "__ppid",
    "__image",
    "__parentImage",
    "__time",
    "__parentTime",
    "__guid",
    pl.lit(null).cast(pl.Utf8).alias("__pguid"),
    pl.lit(null).cast(pl.Utf8).alias("__cmd"),
    pl.lit(null).cast(pl.Utf8).alias("__account"),
    pl.lit(null).cast(pl.Utf8).alias("__logonId"),
    pl.lit(null).cast(pl.Int64).alias("__gppid"),
    pl.lit(null).cast(pl.Utf8).alias("__gpImage"),
    pl.lit(null).cast(DATETIME).alias("__gpTime"),
    "__name",
    nameKey("__parentImage").alias("__pname"),
    pl.lit(true).alias("__inferred"),
    "__firstChild",
    pl.col("__parentKey").alias("__key"),
  ).withColumn(
    pl.when(pl.col("__ppid").isNull()).then(pl.lit(null).cast(pl.Utf8))
      .otherwise(keyExpr("__host", "__ppid", "__parentTime", "__pname"))
      .alias("__parentKey"),
  ).select(...ROW_COLUMNS);
}

/**
 * Sorts rows by time (an inferred parent before an observed process of the same time; then
 * by host, pid and key, which is unique), maps parent keys to rows, and walks the tree. The
 * sort is total, so siblings and roots come out in one order whatever the input's.
 */
function layOut(
  rows: DataFrame,
  stats: { skipped: number; duplicates: number },
): BuiltTree {
  const sorted = rows.withColumn(
    pl.when(pl.col("__time").isNull()).then(pl.col("__firstChild")).otherwise(pl.col("__time"))
      .alias("__sortTime"),
  ).sort(
    ["__sortTime", "__inferred", "__host", "__pid", "__key"],
    [false, true, false, false, false],
  ).withRowIndex("__idx");
  const index = sorted.select(pl.col("__key").alias("__parentKey"), pl.col("__idx").alias("__pidx"))
    .unique({ subset: ["__parentKey"], keep: "first" });
  const withParent = sorted.join(index, { on: "__parentKey", how: "left" });
  const n = withParent.height;
  const parentRaw = withParent.select(pl.col("__pidx").cast(pl.Int32).fillNull(-1))
    .getColumn("__pidx").toTypedArray() as Int32Array;
  const idxRaw = withParent.getColumn("__idx").cast(pl.Int32).toTypedArray() as Int32Array;
  // The join may reorder rows; put parents back in __idx order. A process logged as its own
  // parent (same pid and creation time, as Defender reports some session processes) has
  // none: it is a root in time order, not a cycle to cut.
  const parentByIdx = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    parentByIdx[idxRaw[r]] = parentRaw[r] === idxRaw[r] ? -1 : parentRaw[r];
  }
  const walk = walkTree(parentByIdx);
  const frame = sorted.withColumns(
    pl.Series("__order", walk.order, pl.Int32),
    pl.Series("__depth", walk.depthByIdx, pl.Int32),
    pl.Series("__children", walk.childCountByIdx, pl.Int32),
    pl.Series("__descendants", walk.descendantsByIdx, pl.Int32),
    pl.Series("__path", walk.pathByIdx, pl.Utf8),
    pl.Series("__rootOrder", rootOrderByIdx(walk), pl.Int32),
    pl.Series("__isRoot", walk.isRootByIdx, pl.Bool),
  ).sort("__order");
  const out = frame.withColumns(
    pl.col("__key").gather(pl.col("__rootOrder")).alias("__rootKey"),
    pl.when(pl.col("__isRoot")).then(pl.lit(null).cast(pl.Utf8)).otherwise(pl.col("__parentKey"))
      .alias("__parentKey"),
  ).drop("__rootOrder");
  return {
    frame: out,
    arrays: walk.arraysInOrder,
    stats: { ...stats, cyclesBroken: walk.cyclesBroken },
  };
}

/** Each row's root, as a position in tree order (the frame's order once sorted). */
function rootOrderByIdx(walk: Walk): Int32Array {
  const out = new Int32Array(walk.rootByIdx.length);
  for (let i = 0; i < out.length; i++) out[i] = walk.order[walk.rootByIdx[i]];
  return out;
}

interface Walk {
  order: Int32Array;
  depthByIdx: Int32Array;
  childCountByIdx: Int32Array;
  descendantsByIdx: Int32Array;
  rootByIdx: Int32Array;
  isRootByIdx: boolean[];
  pathByIdx: string[];
  cyclesBroken: number;
  arraysInOrder: TreeArrays;
}

/** Depth-first pre-order over rows whose parents are `parent` (rows already in time order). */
function walkTree(parentIn: Int32Array): Walk {
  const n = parentIn.length;
  const parent = Int32Array.from(parentIn);
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i] >= 0) counts[parent[i] + 1]++;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + counts[i + 1];
  const fill = start.slice(0, n);
  const list = new Int32Array(start[n]);
  for (let i = 0; i < n; i++) if (parent[i] >= 0) list[fill[parent[i]]++] = i;

  const order = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  const root = new Int32Array(n);
  const stack = new Int32Array(n);
  let next = 0;
  let cyclesBroken = 0;
  const visit = (r: number) => {
    let top = 0;
    stack[top++] = r;
    depth[r] = 0;
    root[r] = r;
    while (top > 0) {
      const v = stack[--top];
      if (order[v] !== -1) continue;
      order[v] = next++;
      // Push children in reverse so the oldest is visited first.
      for (let k = start[v + 1] - 1; k >= start[v]; k--) {
        const c = list[k];
        if (order[c] !== -1) continue;
        depth[c] = depth[v] + 1;
        root[c] = root[r];
        stack[top++] = c;
      }
    }
  };
  for (let i = 0; i < n; i++) if (parent[i] < 0) visit(i);
  // Whatever is left hangs in a cycle: cut it at its oldest member.
  for (let i = 0; i < n; i++) {
    if (order[i] !== -1) continue;
    parent[i] = -1;
    cyclesBroken++;
    visit(i);
  }
  const byOrder = new Int32Array(n);
  for (let i = 0; i < n; i++) byOrder[order[i]] = i;
  const descendants = new Int32Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const i = byOrder[k];
    const p = parent[i];
    if (p >= 0 && order[p] < order[i]) descendants[p] += descendants[i] + 1;
  }
  const childCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    if (p >= 0) childCount[p]++;
  }
  const path: string[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const i = byOrder[k];
    const p = parent[i];
    path[i] = p < 0 ? String(k) : `${path[p]}/${k}`;
  }
  const isRoot: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) isRoot[i] = parent[i] < 0;

  // The same tree indexed by order (the output frame's row positions).
  const oParent = new Int32Array(n);
  const oDepth = new Int32Array(n);
  const oRoot = new Int32Array(n);
  const oDesc = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const o = order[i];
    oParent[o] = parent[i] < 0 ? -1 : order[parent[i]];
    oDepth[o] = depth[i];
    oRoot[o] = order[root[i]];
    oDesc[o] = descendants[i];
  }
  const oCounts = new Int32Array(n + 1);
  for (let o = 0; o < n; o++) if (oParent[o] >= 0) oCounts[oParent[o] + 1]++;
  const oStart = new Int32Array(n + 1);
  for (let o = 0; o < n; o++) oStart[o + 1] = oStart[o] + oCounts[o + 1];
  const oFill = oStart.slice(0, n);
  const oList = new Int32Array(oStart[n]);
  for (let o = 0; o < n; o++) if (oParent[o] >= 0) oList[oFill[oParent[o]]++] = o;
  return {
    order,
    depthByIdx: depth,
    childCountByIdx: childCount,
    descendantsByIdx: descendants,
    rootByIdx: root,
    isRootByIdx: isRoot,
    pathByIdx: path,
    cyclesBroken,
    arraysInOrder: {
      parent: oParent,
      childStart: oStart,
      childList: oList,
      depth: oDepth,
      root: oRoot,
      descendants: oDesc,
    },
  };
}
