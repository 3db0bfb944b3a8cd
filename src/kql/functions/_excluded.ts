/**
 * The functions of Kusto's language (Kusto.Language's `GlobalState.Default`) that the local
 * engine refuses by name, each with the reason: they need a cluster, a database's stored
 * objects or an outside service, or they are Kusto's undocumented internals. A query that
 * calls one fails with a {@link KqlUnsupportedError} that says why, never with a wrong
 * answer. tests/kql/official_names_test.ts checks that every function Kusto.Language knows
 * is either registered or listed here.
 *
 * Plugins (`evaluate`) keep their own list with the plugin code.
 *
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Context } from "../compile/_context.ts";
import type { KqlUnsupportedError } from "../errors.ts";

const CLUSTER = "it reads what a Kusto cluster keeps";
const INTERNAL = "it is an undocumented internal function of the Kusto service";
const GRAPH = "it is a graph-pattern function (graph-match, graph-shortest-paths), and the " +
  "local engine does not run graph queries";

/** Function name → why the local engine refuses it. */
export const EXCLUDED_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  // Entities of a cluster: the local engine has only the provider's tables.
  ["cluster", `${CLUSTER}: another cluster's databases`],
  ["database", `${CLUSTER}: a database of the cluster`],
  ["entity_group", `${CLUSTER}: a group of cluster and database entities`],
  ["external_table", `${CLUSTER}: an external table defined in a cluster database`],
  ["materialized_view", `${CLUSTER}: a materialized view defined in a cluster database`],
  ["stored_query_result", `${CLUSTER}: a query result stored with .set stored_query_result`],
  ["graph", `${CLUSTER}: a persistent graph model stored in a database`],
  // Facts about the cluster and the caller.
  ["current_cluster_endpoint", `${CLUSTER}: the cluster's network endpoint`],
  ["current_database", `${CLUSTER}: the name of the database a query runs in`],
  ["current_node_id", `${CLUSTER}: the cluster node running the query`],
  ["current_principal", `${CLUSTER}: the Entra ID identity the cluster authenticated`],
  [
    "current_principal_details",
    `${CLUSTER}: the Entra ID identity the cluster authenticated`,
  ],
  [
    "current_principal_is_member_of",
    `${CLUSTER}: the caller's Entra ID group memberships, checked by the cluster`,
  ],
  // Storage of rows in a cluster's extents, and ingestion cursors.
  ["extent_id", `${CLUSTER}: the storage shard (extent) each row is in`],
  ["extentid", `${CLUSTER}: the storage shard (extent) each row is in`],
  ["extent_tags", `${CLUSTER}: the tags of the extent each row is in`],
  ["row_id", `${CLUSTER}: a row's place in the cluster's storage`],
  ["rowstore_ordinal_range", `${CLUSTER}: a row store's ordinals`],
  ["cursor_after", `${CLUSTER}: the database cursor of ingestion`],
  ["cursor_before_or_at", `${CLUSTER}: the database cursor of ingestion`],
  ["cursor_current", `${CLUSTER}: the database cursor of ingestion`],
  ["current_cursor", `${CLUSTER}: the database cursor of ingestion`],
  // Graph patterns.
  ["all", GRAPH],
  ["map", GRAPH],
  ["inner_nodes", GRAPH],
  ["node_id", GRAPH],
  ["node_degree_in", GRAPH],
  ["node_degree_out", GRAPH],
  ["labels", GRAPH],
  // Internals (hidden in Kusto.Language, not documented).
  ["__invoke", INTERNAL],
  ["__cast", INTERNAL],
  ["__hash_crc32", INTERNAL],
  ["__hash_djb2", INTERNAL],
  ["__hash_xxh64", INTERNAL],
  ["__hash_many_crc32", INTERNAL],
  ["__hll_normalize", INTERNAL],
  ["__lz4_compress_dynamic_array_to_base64_string", INTERNAL],
  ["__geo_polygon_s2cell_covering_level", INTERNAL],
  ["__geo_polygon_validate", INTERNAL],
  ["__geo_line_s2cell_covering_level", INTERNAL],
  ["__geo_line_validate", INTERNAL],
  ["__geo_length_to_s2cell_level", INTERNAL],
  ["__ipv6_lookup_ranges", INTERNAL],
  ["passthrough", INTERNAL],
  ["tdigest_isvalid", INTERNAL],
  ["hll_isvalid", INTERNAL],
]);

/** The error refusing `name` when it is an excluded function, else undefined. */
export function excludedFunctionError(
  name: string,
  span: A.Span,
  ctx: Context,
): KqlUnsupportedError | undefined {
  const reason = EXCLUDED_FUNCTIONS.get(name);
  if (reason === undefined) return undefined;
  return ctx.unsupported(
    `The function '${name}()'`,
    span,
    `casefile does not run ${name}() locally: ${reason}. Run the query against Sentinel ` +
      `or Azure Data Explorer.`,
  );
}
