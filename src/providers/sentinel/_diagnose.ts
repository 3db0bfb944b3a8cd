/**
 * What lies behind MSAL's `endpoints_resolution_error`: MSAL reports it whenever it cannot
 * read a tenant's OpenID metadata, which is what both a wrong tenant and an unreachable or
 * wrong authority host look like from inside it. One request for that metadata, made only
 * after such a failure, tells them apart, with Microsoft Entra ID's own answer
 * (`AADSTS90002: Tenant '...' not found`).
 *
 * @module
 */
import { Agent, get } from "node:https";
import { rootCertificates } from "node:tls";

/** What was found, for people. */
export interface SignInDiagnosis {
  /** The cause, completing "Cannot get a token for Log Analytics: ". */
  readonly message: string;
  readonly hint: string;
}

/** Where the credential signs in. */
export interface AuthoritySettings {
  /** The authority host (`https://login.microsoftonline.com`, or the configured one). */
  readonly authorityHost: string;
  /** The tenant asked for (undefined: the credential's default, `organizations`). */
  readonly tenantId?: string;
  /** Extra CA certificates (PEM) trusted beside the system's. */
  readonly caCertificates?: readonly string[];
  /** Whether the authority host is not the cloud's own. */
  readonly customAuthorityHost?: boolean;
}

const TIMEOUT_MS = 10_000;

/**
 * Asks the authority for the tenant's OpenID metadata and says why sign-in could not find
 * it; undefined when the metadata is there (the failure lies elsewhere).
 */
export async function diagnoseEndpoints(
  settings: AuthoritySettings,
): Promise<SignInDiagnosis | undefined> {
  const tenant = settings.tenantId ?? "organizations";
  const url = `${settings.authorityHost}/${encodeURIComponent(tenant)}/v2.0/` +
    ".well-known/openid-configuration";
  const hostSetting = settings.customAuthorityHost
    ? "the authority host (CASEFILE_SENTINEL_AUTHORITY_HOST, or authorityHost in the config)"
    : "the cloud (CASEFILE_SENTINEL_CLOUD)";
  const answer = await fetchText(url, settings.caCertificates);
  if ("error" in answer) {
    return {
      message: `Microsoft Entra ID could not be reached at ${settings.authorityHost} ` +
        `(${answer.error})`,
      hint: `Check the network (and HTTPS_PROXY if you use a proxy), and ${hostSetting}.`,
    };
  }
  if (answer.status === 200) return undefined;
  const description = errorDescription(answer.body);
  if (answer.status === 400 && /AADSTS90002|invalid_tenant/.test(answer.body)) {
    return {
      message: `Microsoft Entra ID does not know the tenant '${tenant}'` +
        (description ? ` (${description})` : ""),
      hint: "Check AZURE_TENANT_ID (or tenantId in the config): the Directory (tenant) ID on the " +
        "Microsoft Entra ID overview page, or a verified domain such as " +
        `contoso.onmicrosoft.com; and that it belongs to ${hostSetting}.`,
    };
  }
  return {
    message: `${settings.authorityHost} does not answer as Microsoft Entra ID for the tenant ` +
      `'${tenant}' (${answer.status}${description ? `: ${description}` : ""})`,
    hint: `Check ${hostSetting} and AZURE_TENANT_ID.`,
  };
}

function fetchText(
  url: string,
  ca: readonly string[] | undefined,
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    // An agent of its own, closed after: nothing is left open for one request.
    const agent = new Agent(ca?.length ? { ca: [...rootCertificates, ...ca] } : {});
    const done = (value: { status: number; body: string } | { error: string }) => {
      agent.destroy();
      resolve(value);
    };
    const request = get(url, { agent, timeout: TIMEOUT_MS }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (body.length < 65_536) body += chunk;
      });
      response.on("end", () => done({ status: response.statusCode ?? 0, body }));
      response.on("error", (error) => done({ error: error.message }));
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    request.on("error", (error) => done({ error: firstLine(error.message) }));
  });
}

// Entra ID's error description, without its trace and correlation ids.
function errorDescription(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as { error_description?: unknown };
    if (typeof value.error_description !== "string") return undefined;
    return firstLine(value.error_description.replace(/\s*Trace ID:[\s\S]*$/, ""));
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/)[0];
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
