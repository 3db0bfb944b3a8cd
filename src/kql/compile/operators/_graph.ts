/**
 * Graphs: `make-graph` builds one from an edge table (and node tables), and the graph
 * operators read it: `graph-match` and `graph-shortest-paths` find patterns of nodes and
 * edges, `graph-mark-components` numbers connected components, `graph-to-table` gives the
 * nodes or edges back as tables.
 *
 * A graph is not a table: it travels between operators as an empty relation registered
 * here ({@link graphOf}), and a table operator after `make-graph` is an error. Nodes are
 * identified by their key; their hash id (`with_node_id=`) is Kusto's `hash()` of the key.
 *
 * Pattern matching enumerates paths in JavaScript. Conditions of `where` that name one
 * element are computed for every node or edge first (with Polars) and prune the search;
 * the others are applied to the matches, like `project`, as ordinary KQL over a table with
 * a column per property read (an array of values for a variable-length edge).
 *
 * @module
 */
import { pl, type Series } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import { type Context, type Relation, rowEnv, Scope } from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { toBool } from "../_conversion.ts";
import { derivedName, uniqueNames } from "../_names.ts";
import { jsToSeries, type JsValue, readableExpr, seriesToJs } from "../../runtime/_values.ts";

/** A graph: nodes and edges, each with property values in the order of their columns. */
interface Graph {
  readonly keyType: KustoType;
  readonly nodeColumns: readonly ColumnSchema[];
  readonly nodes: ReadonlyArray<{ readonly key: JsValue; readonly props: readonly JsValue[] }>;
  readonly edgeColumns: readonly ColumnSchema[];
  readonly edges: ReadonlyArray<
    { readonly source: number; readonly target: number; readonly props: readonly JsValue[] }
  >;
  /** Per node: the edges leaving it and the edges reaching it. */
  readonly outgoing: readonly (readonly number[])[];
  readonly incoming: readonly (readonly number[])[];
}

const graphs = new WeakMap<Relation, Graph>();

/** The graph a relation stands for, if it is one. */
export function graphOf(relation: Relation): Graph | undefined {
  return graphs.get(relation);
}

function graphRelation(graph: Graph): Relation {
  const relation: Relation = { frame: pl.DataFrame({}).lazy(), columns: [] };
  graphs.set(relation, graph);
  return relation;
}

function requireGraph(input: Relation, op: A.Operator, ctx: Context): Graph {
  const graph = graphs.get(input);
  if (!graph) {
    throw ctx.error(`${op.kind} reads a graph: put make-graph before it`, op.span);
  }
  return graph;
}

/** The error of a table operator applied to a graph. */
export function notATable(op: A.Operator, ctx: Context): Error {
  const name = op.kind === "unsupported" ? op.name : op.kind;
  return ctx.error(
    `'${name}' needs a table, and make-graph made a graph`,
    op.span,
    "Follow make-graph with graph-match, graph-shortest-paths, graph-mark-components or graph-to-table.",
  );
}

/** JS values of a relation's columns, read once. */
function readColumns(relation: Relation): JsValue[][] {
  const data = relation.frame.select(
    ...relation.columns.map((c) => readableExpr(pl.col(c.name), c.type).alias(c.name)),
  ).collectSync();
  return relation.columns.map((c) => seriesToJs(data.getColumn(c.name), c.type));
}

const keyOf = (v: JsValue) => JSON.stringify(v);

// ------------------------------------------------------------ make-graph

/** Applies `make-graph Source --> Target [with Nodes on Key, ... | with_node_id=Name]`. */
export function makeGraph(
  input: Relation,
  op: A.MakeGraphOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const column = (ref: A.NameRef, relation: Relation) => {
    const index = relation.columns.findIndex((c) => c.name === ref.name);
    if (index < 0) throw ctx.error(`Unknown column '${ref.name}'`, ref.span);
    return index;
  };
  const sourceAt = column(op.source, input);
  const targetAt = column(op.target, input);
  const keyType = input.columns[sourceAt].type;
  if (input.columns[targetAt].type !== keyType) {
    throw ctx.error("the source and target columns of make-graph must have one type", op.span);
  }
  const nodeColumns: ColumnSchema[] = [];
  const nodes: Array<{ key: JsValue; props: JsValue[] }> = [];
  const index = new Map<string, number>();
  const keyColumns: number[] = [];
  const tables = op.nodes.map(({ table, key }) => {
    const relation = ctx.compiler.tabularOf(table, scope, ctx);
    const at = column(key, relation);
    if (relation.columns[at].type !== keyType) {
      throw ctx.error(`node key '${key.name}' must have the type of the edges' nodes`, key.span);
    }
    for (const c of relation.columns) {
      if (!nodeColumns.some((n) => n.name === c.name)) nodeColumns.push(c);
    }
    keyColumns.push(nodeColumns.findIndex((n) => n.name === key.name));
    return { relation, at, values: readColumns(relation) };
  });
  if (op.nodeId) {
    nodeColumns.push({ name: op.nodeId, type: keyType });
    keyColumns.push(0);
  }
  // Node rows first, merged by key (the first value of a property wins).
  for (const { relation, at, values } of tables) {
    const height = values[0]?.length ?? 0;
    for (let r = 0; r < height; r++) {
      const key = values[at][r];
      let n = index.get(keyOf(key));
      if (n === undefined) {
        n = nodes.push({ key, props: nodeColumns.map(() => null) }) - 1;
        index.set(keyOf(key), n);
      }
      relation.columns.forEach((c, i) => {
        const p = nodeColumns.findIndex((x) => x.name === c.name);
        if (nodes[n!].props[p] === null) nodes[n!].props[p] = values[i][r];
      });
    }
  }
  // Then the nodes only the edges name: their key properties are the key.
  const edgeValues = readColumns(input);
  const height = edgeValues[0]?.length ?? 0;
  const nodeFor = (key: JsValue) => {
    let n = index.get(keyOf(key));
    if (n === undefined) {
      const props = nodeColumns.map((_, i) => (keyColumns.includes(i) ? key : null));
      n = nodes.push({ key, props }) - 1;
      index.set(keyOf(key), n);
    }
    return n;
  };
  const edges: Array<{ source: number; target: number; props: JsValue[] }> = [];
  for (let r = 0; r < height; r++) {
    const source = nodeFor(edgeValues[sourceAt][r]);
    const target = nodeFor(edgeValues[targetAt][r]);
    edges.push({ source, target, props: edgeValues.map((v) => v[r]) });
  }
  return graphRelation(withAdjacency({
    keyType,
    nodeColumns,
    nodes,
    edgeColumns: input.columns,
    edges,
  }));
}

function withAdjacency(graph: Omit<Graph, "outgoing" | "incoming">): Graph {
  const outgoing: number[][] = graph.nodes.map(() => []);
  const incoming: number[][] = graph.nodes.map(() => []);
  graph.edges.forEach((e, i) => {
    outgoing[e.source].push(i);
    incoming[e.target].push(i);
  });
  return { ...graph, outgoing, incoming };
}

// ------------------------------------------------------------ graph-to-table, components

/** Applies `graph-to-table`: the first table is the result; `as` names them for later. */
export function graphToTable(
  input: Relation,
  op: A.GraphToTableOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const graph = requireGraph(input, op, ctx);
  const tables = op.parts.map((part) => {
    const relation = part.what === "nodes"
      ? nodesTable(graph, part, ctx)
      : edgesTable(graph, part, ctx);
    if (part.name) scope.set(part.name, { kind: "tabular", get: () => relation });
    return relation;
  });
  return tables[0];
}

function nodesTable(graph: Graph, part: A.GraphTablePart, ctx: Context): Relation {
  const series = graph.nodeColumns.map((c, i) =>
    jsToSeries(c.name, graph.nodes.map((n) => n.props[i]), c.type)
  );
  const columns: ColumnSchema[] = [...graph.nodeColumns];
  if (part.nodeId) {
    series.unshift(hashes(part.nodeId, graph, graph.nodes.map((n) => n.key), ctx));
    columns.unshift({ name: part.nodeId, type: "long" });
  }
  return tableOf(series, columns, graph.nodes.length);
}

function edgesTable(graph: Graph, part: A.GraphTablePart, ctx: Context): Relation {
  const series = graph.edgeColumns.map((c, i) =>
    jsToSeries(c.name, graph.edges.map((e) => e.props[i]), c.type)
  );
  const columns: ColumnSchema[] = [...graph.edgeColumns];
  const ids: Array<[string | undefined, "source" | "target"]> = [
    [part.targetId, "target"],
    [part.sourceId, "source"],
  ];
  for (const [name, end] of ids) {
    if (!name) continue;
    const keys = graph.edges.map((e) => graph.nodes[e[end]].key);
    series.unshift(hashes(name, graph, keys, ctx));
    columns.unshift({ name, type: "long" });
  }
  return tableOf(series, columns, graph.edges.length);
}

function tableOf(
  series: ReturnType<typeof jsToSeries>[],
  columns: ColumnSchema[],
  height: number,
): Relation {
  const frame = series.length > 0
    ? pl.DataFrame(series)
    : pl.DataFrame({ __n: new Array(height).fill(0) }).select();
  return { frame: frame.lazy(), columns };
}

/** Kusto's `hash()` of node keys, the node hash ids, as a long column (kept in Polars). */
function hashes(name: string, graph: Graph, keys: readonly JsValue[], ctx: Context): Series {
  const frame = pl.DataFrame([jsToSeries("k", keys, graph.keyType)]).lazy();
  const relation: Relation = { frame, columns: [{ name: "k", type: graph.keyType }] };
  const env = rowEnv(relation, new Scope(), ctx);
  const call: A.Call = {
    kind: "call",
    name: "hash",
    args: [{ kind: "name", name: "k", span: { start: 0, end: 0 } }],
    span: { start: 0, end: 0 },
  };
  const hash = compileExpr(call, env);
  const data = env.materialise(frame).select(hash.expr.cast(pl.Int64).alias(name)).collectSync();
  return data.getColumn(name);
}

/** Applies `graph-mark-components`: a component number on every node. */
export function graphMarkComponents(
  input: Relation,
  op: A.GraphMarkComponentsOperator,
  _scope: Scope,
  ctx: Context,
): Relation {
  const graph = requireGraph(input, op, ctx);
  const component = op.strong ? strongComponents(graph) : weakComponents(graph);
  // Numbered 0, 1, ... in the order their first node comes.
  const numbers = new Map<number, number>();
  const ids = component.map((c) => {
    if (!numbers.has(c)) numbers.set(c, numbers.size);
    return numbers.get(c)!;
  });
  const existing = graph.nodeColumns.findIndex((c) => c.name === op.componentId);
  const nodeColumns = existing >= 0
    ? graph.nodeColumns.map((
      c,
      i,
    ) => (i === existing ? { name: c.name, type: "long" as KustoType } : c))
    : [...graph.nodeColumns, { name: op.componentId, type: "long" as KustoType }];
  const nodes = graph.nodes.map((n, i) => ({
    key: n.key,
    props: existing >= 0
      ? n.props.map((p, j) => (j === existing ? ids[i] : p))
      : [...n.props, ids[i]],
  }));
  return graphRelation({ ...graph, nodeColumns, nodes });
}

function weakComponents(graph: Graph): number[] {
  const parent = graph.nodes.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const e of graph.edges) {
    const [a, b] = [find(e.source), find(e.target)];
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  return graph.nodes.map((_, i) => find(i));
}

// Tarjan's strongly connected components, iteratively.
function strongComponents(graph: Graph): number[] {
  const n = graph.nodes.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const component = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    const work: Array<[number, number]> = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      if (i === 0) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = true;
      }
      const out = graph.outgoing[v];
      if (i < out.length) {
        frame[1]++;
        const w = graph.edges[out[i]].target;
        if (index[w] < 0) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component[w] = v;
        } while (w !== v);
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
    }
  }
  // The smallest node index of each component names it, so numbering follows node order.
  const first = new Map<number, number>();
  component.forEach((c, i) => {
    if (!first.has(c)) first.set(c, i);
  });
  return component.map((c) => first.get(c)!);
}

// ------------------------------------------------------------ graph-match

/** An element variable of a pattern: a node, an edge, or a variable-length edge. */
interface Variable {
  readonly name: string;
  readonly kind: "node" | "edge" | "path";
}

/** Where a match put each variable: a node, an edge, or a list of edges. */
type Binding = Map<string, number | number[]>;

/** Applies `graph-match`. */
export function graphMatch(
  input: Relation,
  op: A.GraphMatchOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const graph = requireGraph(input, op, ctx);
  return matchPatterns(graph, op, op.cycles, scope, ctx);
}

/** Applies `graph-shortest-paths`: per pair of end nodes, the matches with fewest edges. */
export function graphShortestPaths(
  input: Relation,
  op: A.GraphShortestPathsOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const graph = requireGraph(input, op, ctx);
  return matchPatterns(graph, op, "none", scope, ctx, op.all ? "all" : "any");
}

function matchPatterns(
  graph: Graph,
  op: A.GraphMatchOperator | A.GraphShortestPathsOperator,
  cycles: A.GraphMatchOperator["cycles"],
  scope: Scope,
  ctx: Context,
  shortest?: "any" | "all",
): Relation {
  // Name the anonymous elements; check that a name keeps one kind.
  const variables = new Map<string, Variable>();
  let anonymous = 0;
  const patterns = op.patterns.map((pattern) =>
    pattern.map((element) => {
      const name = element.name ?? `__anon${anonymous++}`;
      const kind = element.kind === "node" ? "node" : element.hops ? "path" : "edge";
      const known = variables.get(name);
      if (known && (known.kind !== kind || kind !== "node")) {
        throw ctx.error(`'${name}' names two elements of the pattern`, op.span);
      }
      variables.set(name, { name, kind });
      return { ...element, name };
    })
  );
  // Conditions on one element filter its candidates; the rest apply to whole matches.
  const conjuncts = op.where ? splitAnd(op.where) : [];
  const allowedNodes = new Map<string, boolean[]>();
  const allowedEdges = new Map<string, boolean[]>();
  const later: A.Expression[] = [];
  for (const conjunct of conjuncts) {
    const used = elementsRead(conjunct, variables);
    if (used.size !== 1) {
      later.push(conjunct);
      continue;
    }
    const variable = variables.get([...used][0])!;
    const onNodes = variable.kind === "node";
    const tests = elementTest(graph, conjunct, variable, onNodes, scope, ctx);
    const into = onNodes ? allowedNodes : allowedEdges;
    const before = into.get(variable.name);
    into.set(variable.name, before ? before.map((b, i) => b && tests[i]) : tests);
  }

  const matches = enumerate(graph, patterns, allowedNodes, allowedEdges, cycles);
  const kept = shortest ? shortestOnly(matches, patterns, shortest) : matches;
  return matchTable(graph, kept, variables, later, op, scope, ctx);
}

function splitAnd(e: A.Expression): A.Expression[] {
  if (e.kind === "binary" && e.op === "and") return [...splitAnd(e.left), ...splitAnd(e.right)];
  if (e.kind === "paren") return splitAnd(e.expression);
  return [e];
}

/** The pattern variables an expression reads (as `v.prop`, or as the element of map/any/all). */
function elementsRead(e: A.Expression, variables: ReadonlyMap<string, Variable>): Set<string> {
  const found = new Set<string>();
  const visit = (x: A.Expression): void => {
    switch (x.kind) {
      case "member":
        if (x.object.kind === "name" && variables.has(x.object.name)) found.add(x.object.name);
        else visit(x.object);
        return;
      case "name":
        if (variables.has(x.name)) found.add(x.name);
        return;
      case "binary":
        visit(x.left);
        visit(x.right);
        return;
      case "unary":
        visit(x.operand);
        return;
      case "paren":
        visit(x.expression);
        return;
      case "call":
        x.args.forEach(visit);
        return;
      case "in":
        visit(x.left);
        x.values.forEach(visit);
        return;
      case "between":
        visit(x.left);
        visit(x.low);
        visit(x.high);
        return;
      case "index":
        visit(x.object);
        visit(x.index);
        return;
      default:
        return;
    }
  };
  visit(e);
  return found;
}

/** A one-element condition for every node (or edge): `v.prop` read as the column `prop`. */
function elementTest(
  graph: Graph,
  condition: A.Expression,
  variable: Variable,
  onNodes: boolean,
  scope: Scope,
  ctx: Context,
): boolean[] {
  const columns = onNodes ? graph.nodeColumns : graph.edgeColumns;
  const rows = onNodes ? graph.nodes : graph.edges;
  const rewritten = mapMembers(condition, (object, name, span) => {
    if (object !== variable.name) return undefined;
    if (!columns.some((c) => c.name === name)) {
      throw ctx.error(`the ${onNodes ? "nodes" : "edges"} have no property '${name}'`, span);
    }
    return { kind: "name", name, span };
  });
  const relation = tableOf(
    columns.map((c, i) => jsToSeries(c.name, rows.map((r) => r.props[i]), c.type)),
    [...columns],
    rows.length,
  );
  const env = rowEnv(relation, scope, ctx);
  const test = toBool(compileExpr(rewritten, env), rewritten, env);
  if (rows.length === 0) return [];
  const data = env.materialise(relation.frame).select(test.expr.fillNull(false).alias("ok"))
    .collectSync();
  const values = data.getColumn("ok").toArray() as boolean[];
  return values.length === rows.length ? values : rows.map(() => values[0] === true);
}

/** `e` with every `object.name` replaced where `replace` gives a node. */
function mapMembers(
  e: A.Expression,
  replace: (object: string, name: string, span: A.Span) => A.Expression | undefined,
): A.Expression {
  const again = (x: A.Expression) => mapMembers(x, replace);
  switch (e.kind) {
    case "member":
      if (e.object.kind === "name") {
        const replaced = replace(e.object.name, e.name, e.span);
        if (replaced) return replaced;
      }
      return { ...e, object: again(e.object) };
    case "binary":
      return { ...e, left: again(e.left), right: again(e.right) };
    case "unary":
      return { ...e, operand: again(e.operand) };
    case "paren":
      return { ...e, expression: again(e.expression) };
    case "call":
      return { ...e, args: e.args.map(again) };
    case "in":
      return { ...e, left: again(e.left), values: e.values.map(again) };
    case "between":
      return { ...e, left: again(e.left), low: again(e.low), high: again(e.high) };
    case "index":
      return { ...e, object: again(e.object), index: again(e.index) };
    default:
      return e;
  }
}

type PatternElement = A.GraphPatternElement & { readonly name: string };

/** Every match of the patterns, by backtracking along their paths. */
function enumerate(
  graph: Graph,
  patterns: ReadonlyArray<readonly PatternElement[]>,
  allowedNodes: ReadonlyMap<string, readonly boolean[]>,
  allowedEdges: ReadonlyMap<string, readonly boolean[]>,
  cycles: A.GraphMatchOperator["cycles"],
): Binding[] {
  const matches: Binding[] = [];
  const binding: Binding = new Map();
  const usedEdges = new Set<number>();
  const pathNodes = new Set<number>();
  const usedNodes = new Map<number, number>();
  const nodeOk = (name: string, n: number) => {
    const bound = binding.get(name);
    if (bound !== undefined) return bound === n;
    if (allowedNodes.get(name)?.[n] === false) return false;
    return cycles !== "none" || !usedNodes.has(n);
  };
  const enterNode = (name: string, n: number) => {
    const fresh = !binding.has(name);
    if (fresh) binding.set(name, n);
    usedNodes.set(n, (usedNodes.get(n) ?? 0) + 1);
    return () => {
      if (fresh) binding.delete(name);
      const count = usedNodes.get(n)! - 1;
      if (count === 0) usedNodes.delete(n);
      else usedNodes.set(n, count);
    };
  };
  // Edges from node n in a direction: [edge, the node at its other end].
  const steps = (n: number, direction: "right" | "left" | "any"): Array<[number, number]> => {
    const out = graph.outgoing[n].map((e): [number, number] => [e, graph.edges[e].target]);
    const into = graph.incoming[n].map((e): [number, number] => [e, graph.edges[e].source]);
    return direction === "right" ? out : direction === "left" ? into : [...out, ...into];
  };

  const walk = (p: number, i: number, node: number): void => {
    const pattern = patterns[p];
    if (i === pattern.length - 1) {
      if (p + 1 === patterns.length) matches.push(new Map(binding));
      else startPattern(p + 1);
      return;
    }
    const edge = pattern[i + 1] as PatternElement & { kind: "edge" };
    const next = pattern[i + 2];
    const allowed = allowedEdges.get(edge.name);
    const edgeOk = (e: number) => allowed?.[e] !== false && (cycles === "all" || !usedEdges.has(e));
    const min = edge.hops?.min ?? 1;
    const max = edge.hops?.max ?? 1;
    const path: number[] = [];
    const extend = (at: number): void => {
      if (path.length >= min && nodeOk(next.name, at)) {
        const leave = enterNode(next.name, at);
        binding.set(edge.name, edge.hops ? [...path] : path[0]);
        walk(p, i + 2, at);
        binding.delete(edge.name);
        leave();
      }
      if (path.length === max) return;
      for (const [e, other] of steps(at, edge.direction)) {
        if (!edgeOk(e)) continue;
        // With cycles=none no node comes twice, but where a named node closes the path.
        const closes = binding.get(next.name) === other && path.length + 1 >= min;
        if (cycles === "none" && (usedNodes.has(other) || pathNodes.has(other)) && !closes) {
          continue;
        }
        usedEdges.add(e);
        path.push(e);
        pathNodes.add(other);
        extend(other);
        pathNodes.delete(other);
        path.pop();
        usedEdges.delete(e);
      }
    };
    extend(node);
  };
  const startPattern = (p: number): void => {
    const first = patterns[p][0];
    const bound = binding.get(first.name);
    const candidates = typeof bound === "number" ? [bound] : graph.nodes.map((_, n) => n);
    for (const n of candidates) {
      if (!nodeOk(first.name, n)) continue;
      const leave = enterNode(first.name, n);
      walk(p, 0, n);
      leave();
    }
  };
  startPattern(0);
  return matches;
}

/** Per pair of first and last nodes, the matches with the fewest edges (one, or all). */
function shortestOnly(
  matches: readonly Binding[],
  patterns: ReadonlyArray<readonly PatternElement[]>,
  output: "any" | "all",
): Binding[] {
  const first = patterns[0][0].name;
  const last = patterns[0][patterns[0].length - 1].name;
  const length = (m: Binding) =>
    [...m.values()].reduce<number>((sum, v) => sum + (Array.isArray(v) ? v.length : 0), 0) +
    patterns.flat().filter((e) => e.kind === "edge" && !e.hops).length;
  const best = new Map<string, Binding[]>();
  for (const m of matches) {
    const key = `${m.get(first)}\u0000${m.get(last)}`;
    const kept = best.get(key);
    if (!kept || length(m) < length(kept[0])) best.set(key, [m]);
    else if (length(m) === length(kept[0]) && output === "all") kept.push(m);
  }
  return [...best.values()].flat();
}

/** The matches as a table: the columns project asks for, after the remaining conditions. */
function matchTable(
  graph: Graph,
  matches: readonly Binding[],
  variables: ReadonlyMap<string, Variable>,
  conditions: readonly A.Expression[],
  op: A.GraphMatchOperator | A.GraphShortestPathsOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  // Each `v.prop` read becomes a column of the matches.
  const read = new Map<string, { name: string; type: KustoType; values: JsValue[] }>();
  const property = (variable: Variable, prop: string, span: A.Span): A.Expression => {
    const onNodes = variable.kind === "node";
    const columns = onNodes ? graph.nodeColumns : graph.edgeColumns;
    const at = columns.findIndex((c) => c.name === prop);
    if (at < 0) {
      throw ctx.error(`the ${onNodes ? "nodes" : "edges"} have no property '${prop}'`, span);
    }
    const name = `__g_${variable.name}_${prop}`;
    if (!read.has(name)) {
      const values = matches.map((m) => {
        const bound = m.get(variable.name)!;
        if (onNodes) return graph.nodes[bound as number].props[at];
        if (Array.isArray(bound)) return bound.map((e) => graph.edges[e].props[at]);
        return graph.edges[bound].props[at];
      });
      const type = variable.kind === "path" ? "dynamic" : columns[at].type;
      read.set(name, { name, type, values });
    }
    return { kind: "name", name, span };
  };
  const rewrite = (e: A.Expression): A.Expression =>
    mapMembers(rewriteCalls(e), (object, prop, span) => {
      const variable = variables.get(object);
      return variable ? property(variable, prop, span) : undefined;
    });
  // map(e, expr), any(e, cond), all(e, cond) over a variable-length edge.
  const rewriteCalls = (e: A.Expression): A.Expression => {
    if (e.kind === "call" && ["map", "any", "all"].includes(e.name) && e.args[0]?.kind === "name") {
      const variable = variables.get(e.args[0].name);
      if (variable?.kind === "path" && e.args.length === 2) {
        return pathFunction(graph, matches, variable, e, read, scope, ctx);
      }
    }
    if (e.kind === "call") return { ...e, args: e.args.map(rewriteCalls) };
    if (e.kind === "binary") {
      return { ...e, left: rewriteCalls(e.left), right: rewriteCalls(e.right) };
    }
    if (e.kind === "paren") return { ...e, expression: rewriteCalls(e.expression) };
    return e;
  };
  const where = conditions.map(rewrite);
  const items: readonly A.NamedExpression[] = op.project ?? [...variables.values()]
    .filter((v) => !v.name.startsWith("__anon"))
    .map((v) => ({
      names: [v.name],
      expression: { kind: "call", name: "bag_pack", args: [], span: op.span } as A.Call,
      span: op.span,
    }));
  const named = items.map((item, i) =>
    item.names?.[0] ?? derivedName(item.expression, `Column${i + 1}`)
  );
  const projected = op.project
    ? items.map((item) => rewrite(item.expression))
    : items.map((_, i) => {
      const variable = variables.get(named[i])!;
      const columns = variable.kind === "node" ? graph.nodeColumns : graph.edgeColumns;
      return {
        kind: "call",
        name: "bag_pack",
        args: columns.flatMap((c): A.Expression[] => [
          { kind: "literal", type: "string", value: c.name, span: op.span },
          property(variable, c.name, op.span),
        ]),
        span: op.span,
      } as A.Call;
    });
  const table = tableOf(
    [...read.values()].map((c) => jsToSeries(c.name, c.values, c.type)),
    [...read.values()].map((c) => ({ name: c.name, type: c.type })),
    matches.length,
  );
  let relation: Relation = read.size > 0 ? table : {
    frame: pl.DataFrame({ __match: matches.map(() => 0) }).lazy(),
    columns: [{ name: "__match", type: "long" }],
  };
  for (const predicate of where) {
    relation = ctx.compiler.applyOperator(
      relation,
      { kind: "where", predicate, span: op.span },
      scope,
      ctx,
    );
  }
  const names = uniqueNames(named);
  return ctx.compiler.applyOperator(
    relation,
    {
      kind: "project",
      columns: projected.map((expression, i) => ({ names: [names[i]], expression, span: op.span })),
      span: op.span,
    },
    scope,
    ctx,
  );
}

/** `map(e, expr)`, `any(e, cond)` or `all(e, cond)` of a variable-length edge, per match. */
function pathFunction(
  graph: Graph,
  matches: readonly Binding[],
  variable: Variable,
  call: A.Call,
  read: Map<string, { name: string; type: KustoType; values: JsValue[] }>,
  scope: Scope,
  ctx: Context,
): A.Expression {
  // The expression over every edge (its properties by bare name, or as e.prop).
  const body = mapMembers(
    call.args[1],
    (object, prop, span) =>
      object === variable.name ? { kind: "name", name: prop, span } : undefined,
  );
  const relation = tableOf(
    graph.edgeColumns.map((c, i) => jsToSeries(c.name, graph.edges.map((e) => e.props[i]), c.type)),
    [...graph.edgeColumns],
    graph.edges.length,
  );
  const env = rowEnv(relation, scope, ctx);
  let value = compileExpr(body, env);
  if (call.name !== "map") value = toBool(value, body, env);
  const data = env.materialise(relation.frame)
    .select(readableExpr(value.expr, value.type).alias("v")).collectSync();
  const perEdge = graph.edges.length > 0 ? seriesToJs(data.getColumn("v"), value.type) : [];
  const at = (e: number) => perEdge.length === graph.edges.length ? perEdge[e] : perEdge[0];
  const name = `__g_${call.name}${read.size}`;
  const values = matches.map((m) => {
    const path = m.get(variable.name) as number[];
    if (call.name === "map") return path.map(at);
    if (call.name === "any") return path.some((e) => at(e) === true);
    return path.every((e) => at(e) === true);
  });
  read.set(name, { name, type: call.name === "map" ? "dynamic" : "bool", values });
  return { kind: "name", name, span: call.span };
}
