/**
 * Which operation a request path names. The API lives under `/v1`; the paths are also
 * answered without it, because `@azure/monitor-query-logs` drops the version when it is
 * given an `endpoint` (it uses the endpoint as the base URL as is).
 *
 * @module
 */

/** An operation of the query API. */
export type Route =
  | { readonly kind: "workspace"; readonly workspace: string }
  | { readonly kind: "resource"; readonly resourceId: string }
  | { readonly kind: "batch" }
  | { readonly kind: "unknown" };

/** The route of `pathname` (URL-decoded per segment, repeated slashes collapsed). */
export function routeOf(pathname: string): Route {
  let path = pathname.replace(/\/{2,}/g, "/").replace(/\/$/, "");
  if (/^\/v1(\/|$)/i.test(path)) path = path.slice(3);
  if (path.toLowerCase() === "/$batch" || path.toLowerCase() === "/%24batch") {
    return { kind: "batch" };
  }
  const segments = path.split("/").slice(1).map(decodeSegment);
  if (segments.length < 2 || segments.at(-1)?.toLowerCase() !== "query") {
    return { kind: "unknown" };
  }
  const head = segments[0].toLowerCase();
  if (head === "workspaces" && segments.length === 3) {
    return { kind: "workspace", workspace: segments[1] };
  }
  if (head === "subscriptions") {
    return { kind: "resource", resourceId: "/" + segments.slice(0, -1).join("/") };
  }
  return { kind: "unknown" };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
