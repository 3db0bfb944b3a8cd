/** The process tree: a vega tree layout over id / parent / label columns. */
import { emptyChart } from "./_empty.ts";
import { type DataFrame, pl } from "../polars.ts";
import { Chart } from "./chart.ts";
import { columnKind, requireColumn } from "./_columns.ts";
import { formatCount, toValues } from "./_data.ts";
import { type ChartOptions, positiveInt } from "./_options.ts";
import { chartFontMetrics } from "./_fonts.ts";
import { CONFIG, type JsonObject, titleBlock, VEGA_SCHEMA } from "./_spec.ts";

/** Options of {@link processTreeChart}. */
export interface ProcessTreeOptions extends ChartOptions {
  /** The column identifying each process (default `key`). */
  id?: string;
  /** The column holding the parent's id (default `parentKey`). */
  parent?: string;
  /** The text beside each process (default `label`). */
  label?: string;
  /** Colour processes by this column (a host, an account, a verdict). */
  color?: string;
  /** Columns to show when hovering a process (interactive output). */
  tooltip?: readonly string[];
  /** Order siblings by this column (for example the start time; default: frame order). */
  sort?: string;
  /** Processes drawn; beyond that, deeper processes are summarised as "+N more" (default 300). */
  maxNodes?: number;
  /** The label of the node joining several roots (default "(roots)"). */
  rootLabel?: string;
}

interface Node {
  id: string;
  parent: string | null;
  label: string;
  color: string;
  tooltip: Record<string, unknown>;
}

/** The processes and their links, after cycles were cut. */
interface Forest {
  nodes: Map<string, Node>;
  children: Map<string, string[]>;
  roots: string[];
}

const ROOT = "\u0000root";
const ROW_HEIGHT = 20;
const LABEL_SIZE = 11;

/** The process tree chart: columns checked, nodes read, linked, cut to size and laid out. */
export function buildProcessTreeChart(frame: DataFrame, options: ProcessTreeOptions): Chart {
  const id = options.id ?? "key";
  checkColumns(frame, options);
  const maxNodes = positiveInt(options.maxNodes, 300, "maxNodes");
  const title = options.title ?? "Process tree";
  if (frame.height === 0) {
    return emptyChart("process-tree", title, options.width ?? 600);
  }
  const notes: string[] = [];
  const nodes = readNodes(frame, options, id, notes);
  const forest = linkForest(nodes, notes);
  const values = visibleValues(forest, maxNodes, options, notes);
  const spec = treeSpec(values, title, notes, nodes.size, options);
  return new Chart({
    kind: "process-tree",
    grammar: "vega",
    spec,
    title,
    notes,
    sourceRows: frame.height,
  });
}

/** Checks that every column the options name is there, of a type the tree can draw. */
function checkColumns(frame: DataFrame, options: ProcessTreeOptions): void {
  requireColumn(frame, options.id ?? "key", "the process ids", ["text", "numeric"]);
  requireColumn(frame, options.parent ?? "parentKey", "the parent ids", ["text", "numeric"]);
  requireColumn(frame, options.label ?? "label", "the process labels");
  if (options.color) {
    requireColumn(frame, options.color, "the colours", ["text", "numeric", "boolean"]);
  }
  for (const c of options.tooltip ?? []) requireColumn(frame, c, "the tooltip");
  if (options.sort) requireColumn(frame, options.sort, "the sibling order");
}

/**
 * One node per process id, the first row of an id winning; rows without an id, and
 * repeated ids, are noted.
 */
function readNodes(
  frame: DataFrame,
  options: ProcessTreeOptions,
  id: string,
  notes: string[],
): Map<string, Node> {
  const parent = options.parent ?? "parentKey";
  const label = options.label ?? "label";
  const ordered = options.sort ? frame.sort(options.sort) : frame;
  const tooltipColumns = options.tooltip ?? [];
  const rows = toValues(
    ordered.select(
      pl.col(id).cast(pl.Utf8).alias("__id"),
      pl.col(parent).cast(pl.Utf8).alias("__parent"),
      pl.col(label).cast(pl.Utf8).alias("__label"),
      ...(options.color ? [pl.col(options.color).cast(pl.Utf8).alias("__color")] : []),
      ...tooltipColumns.map((c) => pl.col(c)),
    ),
    ["__id", "__parent", "__label", ...(options.color ? ["__color"] : []), ...tooltipColumns],
  );
  const temporalTips = new Set(tooltipColumns.filter((c) => columnKind(frame, c) === "temporal"));

  const nodes = new Map<string, Node>();
  let noId = 0;
  let duplicates = 0;
  for (const row of rows) {
    const key = row.__id as string | null;
    if (key === null || key === "") {
      noId++;
      continue;
    }
    if (nodes.has(key)) {
      duplicates++;
      continue;
    }
    const tip: Record<string, unknown> = {};
    for (const c of tooltipColumns) {
      const value = row[c];
      tip[c] = temporalTips.has(c) && typeof value === "number"
        ? new Date(value).toISOString().replace(".000Z", "Z")
        : value;
    }
    nodes.set(key, {
      id: key,
      parent: (row.__parent as string | null) || null,
      label: (row.__label as string | null) ?? "(no label)",
      color: (row.__color as string | null) ?? "(none)",
      tooltip: tip,
    });
  }
  if (noId > 0) notes.push(`${formatCount(noId)} rows without a ${id} are not drawn.`);
  if (duplicates > 0) {
    notes.push(`${formatCount(duplicates)} rows repeating a ${id} are drawn once.`);
  }
  return nodes;
}

/**
 * Links each node to its parent; parents that are not in the frame make roots, and
 * processes in a parent cycle (which reach no root) are cut at the cycle's first member.
 */
function linkForest(nodes: Map<string, Node>, notes: string[]): Forest {
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const node of nodes.values()) {
    if (node.parent === null || node.parent === node.id || !nodes.has(node.parent)) {
      node.parent = null;
      roots.push(node.id);
    } else {
      const list = children.get(node.parent) ?? [];
      list.push(node.id);
      children.set(node.parent, list);
    }
  }
  const reached = new Set<string>();
  const walk = (start: string) => {
    const stack = [start];
    while (stack.length > 0) {
      const key = stack.pop()!;
      if (reached.has(key)) continue;
      reached.add(key);
      for (const child of children.get(key) ?? []) stack.push(child);
    }
  };
  for (const root of roots) walk(root);
  let cycles = 0;
  for (const node of nodes.values()) {
    if (reached.has(node.id)) continue;
    cycles++;
    const siblings = children.get(node.parent!)!;
    siblings.splice(siblings.indexOf(node.id), 1);
    node.parent = null;
    roots.push(node.id);
    walk(node.id);
  }
  if (cycles > 0) notes.push(`${cycles} parent cycles cut (a process cannot be its own ancestor).`);
  return { nodes, children, roots };
}

/**
 * The tree's data: processes breadth first up to `maxNodes`, the hidden children of each
 * parent summed into one "+N more" node, and a joining node above several roots.
 */
function visibleValues(
  forest: Forest,
  maxNodes: number,
  options: ProcessTreeOptions,
  notes: string[],
): JsonObject[] {
  const { nodes, children, roots } = forest;
  const descendants = new Map<string, number>();
  const countBelow = (key: string): number => {
    const known = descendants.get(key);
    if (known !== undefined) return known;
    let total = 0;
    const stack = [...(children.get(key) ?? [])];
    while (stack.length > 0) {
      const child = stack.pop()!;
      total++;
      stack.push(...(children.get(child) ?? []));
    }
    descendants.set(key, total);
    return total;
  };
  const shown = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0 && shown.size < maxNodes) {
    const key = queue.shift()!;
    shown.add(key);
    queue.push(...(children.get(key) ?? []));
  }
  const values: JsonObject[] = [];
  const multiRoot = roots.filter((r) => shown.has(r)).length > 1 || roots.length > shown.size;
  if (multiRoot) {
    values.push({
      id: ROOT,
      parent: null,
      label: options.rootLabel ?? `(${formatCount(roots.length)} roots)`,
      color: "(root)",
      tooltip: {},
      more: false,
      root: true,
    });
  }
  let hidden = 0;
  for (const key of shown) {
    const node = nodes.get(key)!;
    values.push({
      id: node.id,
      parent: node.parent ?? (multiRoot ? ROOT : null),
      label: node.label,
      color: node.color,
      tooltip: node.tooltip,
      more: false,
      root: false,
    });
  }
  const moreUnder = (parentKey: string, missing: string[]) => {
    const count = missing.reduce((sum, k) => sum + 1 + countBelow(k), 0);
    hidden += count;
    values.push({
      id: `${parentKey}\u0000more`,
      parent: parentKey,
      label: `+${formatCount(count)} more`,
      color: "(more)",
      tooltip: { hidden: count },
      more: true,
      root: false,
    });
  };
  for (const key of shown) {
    const missing = (children.get(key) ?? []).filter((c) => !shown.has(c));
    if (missing.length > 0) moreUnder(key, missing);
  }
  const missingRoots = roots.filter((r) => !shown.has(r));
  if (missingRoots.length > 0) moreUnder(ROOT, missingRoots);
  if (hidden > 0) {
    notes.push(
      `${formatCount(shown.size)} of ${formatCount(nodes.size)} processes drawn; ` +
        `${
          formatCount(hidden)
        } deeper ones are summarised as "+N more" (filter to a host or a subtree to see them).`,
    );
  }
  return values;
}

/** The chart's size: one row per leaf, one column per level, wide enough for the labels. */
function treeSize(
  values: readonly JsonObject[],
  options: ProcessTreeOptions,
): { width: number; height: number; treeWidth: number } {
  const byId = new Map(values.map((v) => [v.id as string, v]));
  const depth = (v: JsonObject): number => {
    let d = 0;
    let p = v.parent as string | null;
    while (p !== null) {
      d++;
      p = (byId.get(p)?.parent as string | null) ?? null;
    }
    return d;
  };
  let maxDepth = 0;
  const parents = new Set(values.map((v) => v.parent as string | null));
  let leaves = 0;
  for (const v of values) {
    maxDepth = Math.max(maxDepth, depth(v));
    if (!parents.has(v.id as string)) leaves++;
  }
  const font = chartFontMetrics().regular;
  const longest = Math.max(...values.map((v) => font.width(String(v.label), LABEL_SIZE)));
  const levelWidth = Math.min(Math.max(longest + 28, 120), 320);
  const width = options.width ?? Math.max(300, maxDepth * levelWidth + Math.min(longest, 320) + 24);
  const height = options.height ?? Math.max(80, leaves * ROW_HEIGHT);
  const treeWidth = Math.max(40, width - Math.min(longest, 320) - 16);
  return { width, height, treeWidth };
}

/** The vega specification: a tidy tree of symbols and labels joined by orthogonal links. */
function treeSpec(
  values: JsonObject[],
  title: string,
  notes: readonly string[],
  processes: number,
  options: ProcessTreeOptions,
): JsonObject {
  const { width, height, treeWidth } = treeSize(values, options);
  return {
    $schema: VEGA_SCHEMA,
    title: { ...titleBlock(title, notes), ...(CONFIG.title as JsonObject) },
    width,
    height,
    padding: 8,
    background: "white",
    data: [
      {
        name: "tree",
        values,
        transform: [
          { type: "stratify", key: "id", parentKey: "parent" },
          {
            type: "tree",
            method: "tidy",
            size: [height, treeWidth],
            separation: false,
            as: ["y", "x", "depth", "children"],
          },
        ],
      },
      {
        name: "processes",
        source: "tree",
        transform: [{ type: "filter", expr: "!datum.root && !datum.more" }],
      },
      {
        name: "links",
        source: "tree",
        transform: [
          { type: "treelinks" },
          { type: "linkpath", orient: "horizontal", shape: "orthogonal" },
        ],
      },
    ],
    scales: [
      {
        name: "color",
        type: "ordinal",
        domain: { data: "processes", field: "color" },
        range: { scheme: processes > 10 && options.color ? "tableau20" : "category10" },
      },
    ],
    marks: treeMarks(options),
    ...(options.color
      ? {
        legends: [{
          fill: "color",
          title: options.color,
          orient: "right",
          labelFontSize: 11,
          titleFontSize: 12,
        }],
      }
      : {}),
  };
}

/** The marks: link paths, a symbol per node, a label beside it. */
function treeMarks(options: ProcessTreeOptions): JsonObject[] {
  return [
    {
      type: "path",
      from: { data: "links" },
      encode: { update: { path: { field: "path" }, stroke: { value: "#b5b5b5" } } },
    },
    {
      type: "symbol",
      from: { data: "tree" },
      encode: {
        enter: { size: { value: 64 }, stroke: { value: "white" } },
        update: {
          x: { field: "x" },
          y: { field: "y" },
          fill: [
            { test: "datum.more", value: "#bbbbbb" },
            { test: "datum.root", value: "#555555" },
            options.color ? { scale: "color", field: "color" } : { value: "#1f77b4" },
          ],
          tooltip: { signal: "datum.tooltip" },
        },
      },
    },
    {
      type: "text",
      from: { data: "tree" },
      encode: {
        enter: {
          text: { field: "label" },
          fontSize: { value: LABEL_SIZE },
          baseline: { value: "bottom" },
          limit: { value: 320 },
        },
        update: {
          x: { field: "x" },
          y: { field: "y" },
          dx: { value: 6 },
          dy: { value: -3 },
          fill: [{ test: "datum.more", value: "#777777" }, { value: "#222222" }],
          fontStyle: [{ test: "datum.more", value: "italic" }, { value: "normal" }],
        },
      },
    },
  ];
}
