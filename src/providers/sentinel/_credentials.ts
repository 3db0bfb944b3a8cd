/**
 * Credentials: the @azure/identity credential for a kind, pointed at the configured cloud's
 * authority, and what to tell a person when it fails. Secrets are read from the
 * environment here, when the credential is made, and kept nowhere else.
 *
 * @module
 */
import type { TokenCredential } from "@azure/identity";
import { Agent } from "node:https";
import { rootCertificates } from "node:tls";
import type { CredentialKind, ResolvedConfig } from "./_config.ts";
import { SentinelConfigError } from "./_errors.ts";
import { clientAssertion, readClientCertificate } from "./_assertion.ts";
import { azureSdk } from "./_sdk.ts";

export type { TokenCredential };

/**
 * How a provider signs in: a credential kind of the config, `token` for the bearer token
 * in `CASEFILE_SENTINEL_TOKEN` (see `envTokenCredential`), `custom` for a credential
 * object given in code.
 */
export type SignInKind = CredentialKind | "token" | "custom";

/** Options of {@link createCredential}. */
export interface CredentialOptions {
  /** Shows sign-in instructions (device code); default: standard error. */
  prompt?: (message: string) => void;
  /**
   * Extra CA certificates (PEM) the credential's own HTTPS calls (token, metadata, managed
   * identity endpoints) trust beside the system's.
   */
  caCertificates?: readonly string[];
}

/**
 * The credential of `config.credential`, for `config.cloud`.
 *
 * @throws {SentinelConfigError} when the kind needs a setting that is missing (a tenant, a
 *   client id, a secret or certificate in the environment), before any network call.
 * The Azure SDK must be loaded (`loadAzureSdk()` of `_sdk.ts`; `openSentinelProvider` does).
 */
export function createCredential(
  config: ResolvedConfig,
  options: CredentialOptions = {},
): TokenCredential {
  const {
    AzureCliCredential,
    ClientSecretCredential,
    DefaultAzureCredential,
    DeviceCodeCredential,
    EnvironmentCredential,
    InteractiveBrowserCredential,
    ManagedIdentityCredential,
  } = azureSdk().identity;
  const { tenantId, clientId, env } = config;
  const prompt = options.prompt ?? ((message: string) => console.error(message));
  // Without keep-alive: token calls are rare, and nothing is left open to close.
  const agent = options.caCertificates?.length
    ? new Agent({ ca: [...rootCertificates, ...options.caCertificates] })
    : undefined;
  const http = agent ? { agent } : {};
  // MSAL asks login.microsoftonline.com whether an authority is known ("instance
  // discovery") unless told not to: with a host of one's own, that call is skipped.
  const authority = {
    ...http,
    authorityHost: config.authorityHost,
    ...(config.customAuthorityHost ? { disableInstanceDiscovery: true } : {}),
  };
  const kind = config.credential;
  switch (kind) {
    case "default":
      return new DefaultAzureCredential({
        ...authority,
        tenantId,
        ...(clientId ? { managedIdentityClientId: clientId } : {}),
      });
    case "environment": {
      const missing = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID"].filter((v) => !env(v));
      if (!env("AZURE_CLIENT_SECRET") && !env("AZURE_CLIENT_CERTIFICATE_PATH")) {
        missing.push("AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)");
      }
      if (missing.length > 0) throw missingSetting(kind, missing);
      // EnvironmentCredential's certificate path cannot sign under Deno (see _assertion.ts).
      if (!env("AZURE_CLIENT_SECRET")) return certificateCredential(config, authority);
      return new EnvironmentCredential(authority);
    }
    case "azure-cli":
      return new AzureCliCredential({ tenantId });
    case "managed-identity":
      return clientId
        ? new ManagedIdentityCredential({ ...http, clientId })
        : new ManagedIdentityCredential(http);
    case "device-code":
      return new DeviceCodeCredential({
        ...authority,
        tenantId,
        clientId,
        userPromptCallback: (info) => prompt(info.message),
      });
    case "interactive-browser":
      return new InteractiveBrowserCredential({ ...authority, tenantId, clientId });
    case "client-secret": {
      const secret = env("AZURE_CLIENT_SECRET");
      const missing = [
        ...(tenantId ? [] : ["AZURE_TENANT_ID"]),
        ...(clientId ? [] : ["AZURE_CLIENT_ID"]),
        ...(secret ? [] : ["AZURE_CLIENT_SECRET"]),
      ];
      if (missing.length > 0) throw missingSetting(kind, missing);
      return new ClientSecretCredential(tenantId!, clientId!, secret!, authority);
    }
    case "client-certificate": {
      const missing = [
        ...(tenantId ? [] : ["AZURE_TENANT_ID"]),
        ...(clientId ? [] : ["AZURE_CLIENT_ID"]),
        ...(env("AZURE_CLIENT_CERTIFICATE_PATH") ? [] : ["AZURE_CLIENT_CERTIFICATE_PATH"]),
      ];
      if (missing.length > 0) throw missingSetting(kind, missing);
      return certificateCredential(config, authority);
    }
  }
}

/**
 * What to do when a credential of `kind` cannot produce a token (or its token is
 * refused); `audience` is the resource tokens are for.
 */
export function credentialHint(
  kind: SignInKind,
  tenantId?: string,
  audience = "https://api.loganalytics.io",
): string {
  const tenant = tenantId ? ` --tenant ${tenantId}` : "";
  switch (kind) {
    case "token":
      return "The token in CASEFILE_SENTINEL_TOKEN was refused: it may have expired (access " +
        "tokens last about an hour) or be for another resource or tenant. Get a new one " +
        `(\`az account get-access-token --resource ${audience} --query accessToken -o tsv\`), ` +
        "or unset CASEFILE_SENTINEL_TOKEN to sign in with the configured credential.";
    case "azure-cli":
      return `Run \`az login${tenant}\` (install the Azure CLI first if \`az\` is missing), ` +
        "then try again.";
    case "environment":
      return "Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or " +
        "AZURE_CLIENT_CERTIFICATE_PATH) for the app registration that may read the workspace.";
    case "client-secret":
      return "Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; an expired " +
        "secret needs a new one from the app registration.";
    case "client-certificate":
      return "Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_CERTIFICATE_PATH (and " +
        "AZURE_CLIENT_CERTIFICATE_PASSWORD for an encrypted key).";
    case "managed-identity":
      return "Managed identity only works on an Azure resource that has one (set AZURE_CLIENT_ID " +
        "for a user-assigned identity); elsewhere choose another credential, e.g. azure-cli.";
    case "device-code":
    case "interactive-browser":
      return "Sign in again; set AZURE_TENANT_ID if your account lives in another tenant.";
    case "default":
      return `Run \`az login${tenant}\`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and ` +
        "AZURE_CLIENT_SECRET, or choose a credential kind (CASEFILE_SENTINEL_CREDENTIAL).";
    case "custom":
      return "Check the credential passed to openSentinelProvider().";
  }
}

/** One line for people: how the provider signs in. */
export function describeCredential(kind: SignInKind): string {
  switch (kind) {
    case "token":
      return "the token in CASEFILE_SENTINEL_TOKEN";
    case "default":
      return "the default Azure credential chain";
    case "environment":
      return "credentials from the environment";
    case "azure-cli":
      return "the Azure CLI sign-in";
    case "managed-identity":
      return "a managed identity";
    case "device-code":
      return "device-code sign-in";
    case "interactive-browser":
      return "browser sign-in";
    case "client-secret":
      return "an app registration's client secret";
    case "client-certificate":
      return "an app registration's certificate";
    case "custom":
      return "a credential given in code";
  }
}

/**
 * An app's certificate sign-in: the assertion is made here (`_assertion.ts`) and sent by
 * `ClientAssertionCredential`, the same request `ClientCertificateCredential` would send.
 * The file is read now, so a missing file or wrong password fails before any network call.
 */
function certificateCredential(
  config: ResolvedConfig,
  authority: { authorityHost: string; disableInstanceDiscovery?: boolean },
): TokenCredential {
  const { env } = config;
  const tenantId = config.tenantId!, clientId = config.clientId!;
  const certificate = readClientCertificate(
    env("AZURE_CLIENT_CERTIFICATE_PATH")!,
    env("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
  );
  const sendChain = /^(true|1)$/i.test(env("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN") ?? "");
  const audience = `${config.authorityHost}/${tenantId}/oauth2/v2.0/token`;
  const { ClientAssertionCredential } = azureSdk().identity;
  return new ClientAssertionCredential(
    tenantId,
    clientId,
    () => Promise.resolve(clientAssertion(certificate, clientId, audience, { sendChain })),
    authority,
  );
}

function missingSetting(kind: CredentialKind, names: string[]): SentinelConfigError {
  return new SentinelConfigError(
    `The ${kind} credential needs ${names.join(", ")}, which ${
      names.length === 1 ? "is" : "are"
    } not set`,
    {
      hint: `Set ${names.join(" and ")} in the environment (never in a file), or choose ` +
        "another credential kind, e.g. azure-cli after `az login`.",
    },
  );
}
