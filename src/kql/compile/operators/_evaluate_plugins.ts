/**
 * `evaluate plugin(...)`: the plugins the local engine runs (one file per family under
 * compile/plugins/), and the ones it refuses by name, each with the reason: they call an
 * outside service, run code in a cluster's sandbox, or are Kusto's undocumented
 * internals. Between them they name every plugin of Kusto.Language's `GlobalState`.
 *
 * @module
 */
import type * as A from "../../syntax/ast.ts";
import { type Context, type Relation, rowEnv, type Scope } from "../_context.ts";
import { pl } from "../../../polars.ts";
import type { ColumnSchema } from "../../../schema/types.ts";
import { convert } from "../_conversion.ts";
import { selectPerRow } from "./_columns.ts";
import { nullColumn } from "./_union.ts";
import { PluginCall } from "../plugins/_args.ts";
import { bagUnpack, narrow, pivot } from "../plugins/_reshape.ts";
import {
  dcountIntersect,
  preview,
  rollingPercentile,
  rowsNear,
  schemaMerge,
} from "../plugins/_rows.ts";
import { geoLookup, ipLookup } from "../plugins/_lookup.ts";
import {
  activeUsersCount,
  activityCountsMetrics,
  activityEngagement,
  activityMetrics,
  newActivityMetrics,
  sessionCount,
  slidingWindowCounts,
} from "../plugins/_activity.ts";
import { funnelSequence, funnelSequenceCompletion, sequenceDetect } from "../plugins/_sequences.ts";
import { autocluster, basket, diffpatterns } from "../plugins/_patterns.ts";

type Plugin = (p: PluginCall) => Relation;

const PLUGINS: ReadonlyMap<string, Plugin> = new Map<string, Plugin>([
  ["active_users_count", activeUsersCount],
  ["activity_counts_metrics", activityCountsMetrics],
  ["activity_engagement", activityEngagement],
  ["activity_metrics", activityMetrics],
  ["autocluster", autocluster],
  ["bag_unpack", bagUnpack],
  ["basket", basket],
  ["dcount_intersect", dcountIntersect],
  ["diffpatterns", diffpatterns],
  ["funnel_sequence", funnelSequence],
  ["funnel_sequence_completion", funnelSequenceCompletion],
  ["geo_line_lookup", (p) => geoLookup(p, "line")],
  ["geo_polygon_lookup", (p) => geoLookup(p, "polygon")],
  ["ipv4_lookup", (p) => ipLookup(p, false)],
  ["ipv6_lookup", (p) => ipLookup(p, true)],
  ["narrow", narrow],
  ["new_activity_metrics", newActivityMetrics],
  ["pivot", pivot],
  ["preview", preview],
  ["rolling_percentile", rollingPercentile],
  ["rows_near", rowsNear],
  ["schema_merge", schemaMerge],
  ["session_count", sessionCount],
  ["sequence_detect", sequenceDetect],
  ["sliding_window_counts", slidingWindowCounts],
]);

/** The `evaluate` plugins the engine runs. */
export const SUPPORTED_PLUGINS: ReadonlySet<string> = new Set(PLUGINS.keys());

const OUTSIDE = "it sends a request to an outside service";
const SANDBOX = "it runs code in a Kusto cluster's sandbox";
const INTERNAL = "it is an undocumented internal plugin of the Kusto service";

/** Plugin name → why the local engine refuses it. */
export const EXCLUDED_PLUGINS: ReadonlyMap<string, string> = new Map([
  [
    "azure_digital_twins_query_request",
    `${OUTSIDE}: a query to an Azure Digital Twins instance`,
  ],
  ["cosmosdb_sql_request", `${OUTSIDE}: a SQL query to an Azure Cosmos DB database`],
  ["sql_request", `${OUTSIDE}: a query to a SQL Server or Azure SQL database`],
  ["mysql_request", `${OUTSIDE}: a query to a MySQL database`],
  ["postgresql_request", `${OUTSIDE}: a query to a PostgreSQL database`],
  ["dax_request", `${OUTSIDE}: a DAX query to Power BI or Analysis Services`],
  ["http_request", `${OUTSIDE}: an HTTP GET to a web endpoint`],
  ["http_request_post", `${OUTSIDE}: an HTTP POST to a web endpoint`],
  ["ai_embed_text", `${OUTSIDE}: an Azure OpenAI embedding model`],
  ["ai_embeddings", `${OUTSIDE}: an Azure OpenAI embedding model`],
  ["ai_chat_completion", `${OUTSIDE}: an Azure OpenAI chat model`],
  ["ai_chat_completion_prompt", `${OUTSIDE}: an Azure OpenAI chat model`],
  ["execute_query", `${OUTSIDE}: a query run on another Kusto cluster`],
  ["execute_show_command", `${OUTSIDE}: a management command run on a Kusto cluster`],
  ["infer_storage_schema", `${OUTSIDE}: the files of a cloud storage container`],
  [
    "infer_storage_schema_with_suggestions",
    `${OUTSIDE}: the files of a cloud storage container`,
  ],
  ["python", `${SANDBOX} (a Python script)`],
  ["r", `${SANDBOX} (an R script)`],
  ["csharp", `${SANDBOX} (C# code)`],
  ["estimate_rows_count", INTERNAL],
  ["external_datatable", INTERNAL],
  ["identity", INTERNAL],
  ["identity_v3", INTERNAL],
]);

/** Applies `evaluate plugin(...)`. */
export function evaluate(
  input: Relation,
  op: A.EvaluateOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const name = op.plugin.name;
  const plugin = PLUGINS.get(name);
  if (plugin) {
    const output = plugin(new PluginCall(op.plugin, input, scope, ctx));
    return op.outputSchema ? withSchema(output, op.outputSchema, input, scope, ctx) : output;
  }
  const reason = EXCLUDED_PLUGINS.get(name);
  if (reason !== undefined) {
    throw ctx.unsupported(
      `The plugin '${name}'`,
      op.plugin.span,
      `casefile does not run ${name}() locally: ${reason}. Run the query against Sentinel ` +
        "or Azure Data Explorer.",
    );
  }
  throw ctx.error(
    `Unknown plugin '${name}'`,
    op.plugin.span,
    `Plugins: ${[...SUPPORTED_PLUGINS].join(", ")}.`,
  );
}

/**
 * A plugin's output shaped by the schema written after it (bag-unpack-plugin.md, "Output
 * schema syntax"): the declared columns with their types (null where the plugin made no such
 * column), after the source's columns the output kept when the schema starts with `*`.
 */
function withSchema(
  output: Relation,
  schema: NonNullable<A.EvaluateOperator["outputSchema"]>,
  input: Relation,
  scope: Scope,
  ctx: Context,
): Relation {
  const declared = new Set(schema.columns.map((c) => c.name));
  const fromSource = new Set(input.columns.map((c) => c.name));
  const kept = schema.star
    ? output.columns.filter((c) => fromSource.has(c.name) && !declared.has(c.name))
    : [];
  const env = rowEnv(output, scope, ctx);
  const have = new Map(output.columns.map((c) => [c.name, c.type]));
  const outputs = [
    ...kept.map((c) => ({ name: c.name, expr: pl.col(c.name) })),
    ...schema.columns.map((c) => {
      const type = have.get(c.name);
      const expr = type === undefined
        ? nullColumn(c.type)
        : convert({ expr: pl.col(c.name), type }, c.type, env).expr;
      return { name: c.name, expr };
    }),
  ];
  const frame = selectPerRow(env.materialise(output.frame), outputs);
  const columns: ColumnSchema[] = [...kept, ...schema.columns.map((c) => ({ ...c }))];
  return { frame, columns };
}
