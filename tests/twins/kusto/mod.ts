/**
 * A loopback Azure Data Explorer (Kusto) cluster for tests and demos: HTTPS on 127.0.0.1
 * with a throwaway CA and certificate made at start-up (the Log Analytics twin's), speaking
 * the real REST protocol that `azure-kusto-data` speaks. Queries run on the local KQL
 * engine over the bundled demo case (database `demo`) or any folders.
 *
 * - `GET /v1/rest/auth/metadata`: the cluster's sign-in metadata (`AzureAD`), with the
 *   loopback Entra tenant as `LoginEndpoint` when `entra` is on, and
 *   `KustoServiceResourceId` `https://kusto.kusto.windows.net`.
 * - `POST /v2/rest/query` with `{db, csl, properties}`: a JSON array of frames
 *   (`DataSetHeader`, `DataTable`s of kinds `QueryProperties`, `PrimaryResult`,
 *   `QueryCompletionInformation`, then `DataSetCompletion` with `HasErrors` and
 *   `OneApiErrors`). Values as the service writes them: `dynamic` as JSON values, `decimal`
 *   as text, `datetime` as ISO 8601 UTC, `timespan` as `[d.]hh:mm:ss[.fffffff]`, `long`
 *   as exact JSON numbers.
 * - Request properties honoured: `query_now`, `truncationmaxrecords` (default 500 000: a
 *   longer result is cut, with `E_QUERY_RESULT_SET_TOO_LARGE` in the completion frames),
 *   `query_datetimescope_column` = `TimeGenerated` with `query_datetimescope_from`/`_to`
 *   (start inclusive, end exclusive, as the local provider's `timespan`), and `Parameters`
 *   for `declare query_parameters(...)`.
 * - `POST /v1/rest/mgmt`: `.show database ['db'] schema as json`, `.show tables`, and
 *   `.cancel query "ID"` (stops a held query by its `x-ms-client-request-id`; 400 when
 *   none runs).
 * - Errors in the service's shape (`{"error": {code, message, "@type", "@message", ...}}`):
 *   a missing or wrong bearer token → 401; an unknown database → 400
 *   `EntityNotFoundException`; a syntax error → 400 `SyntaxException` with
 *   `[line:position=L:P]` (P 0-based); a semantic error or unknown table → 400
 *   `SemanticException` (`Failed to resolve table or column expression named 'X'`).
 * - Faults per query (`inject`): `throttle` (429 with `Retry-After`), `partial` (half the
 *   rows, then an error in the completion frames), `drop` (the connection drops halfway
 *   through the frames), `unauthorized` (401), `forbidden` (403, the real body), `hang`
 *   (no answer until the client goes away; the query stays running until `.cancel query`).
 *
 * With `entra`, the same port answers as a Microsoft Entra ID tenant (the Log Analytics
 * twin's `_entra.ts`), issuing tokens for `https://kusto.kusto.windows.net` that the
 * cluster accepts until they expire.
 *
 * TLS trust: `caCertificates: [service.caCertificate]` of the provider, or
 * `NODE_EXTRA_CA_CERTS=service.caCertificatePath` in a child process's environment.
 *
 * @example Query the demo case over HTTPS
 * ```ts
 * import assert from "node:assert/strict";
 * import { startKustoService } from "./mod.ts";
 *
 * const service = await startKustoService();
 * const client = Deno.createHttpClient({ caCerts: [service.caCertificate] });
 * try {
 *   const response = await fetch(`${service.endpoint}/v2/rest/query`, {
 *     method: "POST",
 *     headers: { authorization: `Bearer ${service.token}`, "content-type": "application/json" },
 *     body: JSON.stringify({ db: "demo", csl: "print n = 6 * 7" }),
 *     client,
 *   });
 *   const frames = await response.json();
 *   const primary = frames.find((f: { TableKind?: string }) => f.TableKind === "PrimaryResult");
 *   assert.deepEqual(primary.Rows, [[42]]);
 * } finally {
 *   client.close();
 *   await service.close();
 * }
 * ```
 *
 * @module
 */
import { startService } from "./_server.ts";
import type { KustoService, KustoServiceOptions } from "./_types.ts";

export type {
  KustoFault,
  KustoRecordedRequest,
  KustoService,
  KustoServiceOptions,
} from "./_types.ts";

export { KUSTO_RESOURCE, MAX_RECORDS } from "./_server.ts";

/**
 * Starts the loopback Kusto cluster.
 *
 * @param options Data, port, token, now and the Entra tenant.
 * @returns The running service; call `close()` when done.
 */
export function startKustoService(options: KustoServiceOptions = {}): Promise<KustoService> {
  return startService(options);
}
