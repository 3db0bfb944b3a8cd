/**
 * The loopback Microsoft Entra ID (Azure AD) token service: the OAuth 2.0 / OpenID Connect
 * wire format that MSAL node (under @azure/identity) speaks, answered for one tenant, served
 * on the loopback Log Analytics service's own TLS port (so its authority host is the
 * service's endpoint, trusted through the same throwaway CA).
 *
 * - `GET /{tenant}/v2.0/.well-known/openid-configuration` (and `/{tenant}/.well-known/...`):
 *   the tenant's metadata (`issuer` `https://host/{tenantId}/v2.0`, `token_endpoint`,
 *   `device_authorization_endpoint`, `jwks_uri`, ...). `{tenant}` is the tenant id, one of
 *   its domains, or `organizations` / `common`.
 * - `GET /{tenant}/discovery/v2.0/keys`: the token signing key (RS256, made at start-up).
 * - `POST /{tenant}/oauth2/v2.0/token`: `client_credentials` with `client_secret` or a
 *   `client_assertion` (a JWT signed with a registered certificate's key, PS256 or RS256,
 *   checked against the certificate, the token endpoint audience and its time range),
 *   `urn:ietf:params:oauth:grant-type:device_code` (`authorization_pending` until the user
 *   code is approved, then an access token, refresh token, `id_token` and `client_info`),
 *   and `refresh_token`.
 * - `POST /{tenant}/oauth2/v2.0/devicecode`: a device code and user code for a public client.
 * - `GET /msi/token?api-version=2019-08-01&resource=...` with `X-IDENTITY-HEADER`: the App
 *   Service managed identity endpoint (when `managedIdentity` is set), answering
 *   `{access_token, expires_on, resource, token_type, client_id}`.
 * - `POST /devicelogin` (form `otc`, `action=approve|decline`): what a person does on the
 *   verification page, for people trying the service with curl.
 *
 * Errors have the real shape: `{"error":"invalid_client","error_description":"AADSTS7000215:
 * Invalid client secret provided. ...\r\nTrace ID: ...\r\nCorrelation ID: ...\r\nTimestamp:
 * ...","error_codes":[7000215],"timestamp":...,"trace_id":...,"correlation_id":...,
 * "error_uri":...}`. Access tokens are v1-style JWTs (`aud`, `iss` `https://host/{tid}/`,
 * `appid`, `tid`, `oid`, `exp`...) signed with the service's key; the query API accepts them
 * until they expire ({@link EntraService.checkAccessToken}).
 *
 * Secrets and tokens never reach the request records: token and device-code request bodies
 * are recorded with `client_secret`, `client_assertion`, `refresh_token`, `device_code`
 * and `code` redacted.
 *
 * @module
 */
import type { EntraApp, EntraOptions, EntraUser, IssuedToken } from "./_types.ts";
import {
  assertionSignedBy,
  base64url,
  decodeJwt,
  registerCertificate,
  type RegisteredCertificate,
  SigningKey,
} from "./_jwt.ts";

/** The demo case's tenant (Larkspur Logistics): the `AADTenantId` of its rows. */
export const DEMO_TENANT_ID = "5b8f2d71-4c3e-4a9b-9e61-2f0c7d3a8b14";
/** The demo tenant's domains. */
export const DEMO_TENANT_DOMAINS = [
  "larkspurlogistics.onmicrosoft.com",
  "larkspurlogistics.example",
] as const;
/** The default signed-in person of device-code sign-ins. */
export const DEMO_USER: EntraUser = {
  name: "Casefile Investigator",
  username: "investigator@larkspurlogistics.example",
  objectId: "9a3c5e71-2b4d-4f68-8a1c-3e5f7b9d1c20",
};

const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);
const REDACTED_FIELDS = [
  "client_secret",
  "client_assertion",
  "refresh_token",
  "device_code",
  "code",
];
const JSON_TYPE = "application/json; charset=utf-8";
const ROUTE =
  /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|oauth2\/v2\.0\/token|oauth2\/v2\.0\/devicecode|discovery\/v2\.0\/keys)$/;

interface App {
  readonly clientId: string;
  readonly displayName: string;
  readonly secrets: readonly string[];
  readonly certificates: readonly RegisteredCertificate[];
  readonly publicClient: boolean;
}

interface DeviceCode {
  readonly userCode: string;
  readonly clientId: string;
  readonly resource: string;
  readonly expiresAt: number;
  state: "pending" | "approved" | "declined" | "redeemed";
  user?: EntraUser;
}

interface RefreshGrant {
  readonly clientId: string;
  readonly user: EntraUser;
}

/** What a token request proved about its caller. */
type Caller =
  | { readonly kind: "app"; readonly app: App; readonly via: "secret" | "certificate" }
  | { readonly kind: "public"; readonly app: App };

/** The outcome of checking a bearer token. */
export type TokenCheck = "valid" | "expired" | "invalid";

/** The Entra ID twin; requests reach it through {@link EntraService.handle}. */
export class EntraService {
  readonly tenantId: string;
  readonly domains: readonly string[];
  readonly resources: readonly string[];
  readonly issued: IssuedToken[] = [];
  readonly #apps = new Map<string, App>();
  readonly #deviceCodes = new Map<string, DeviceCode>();
  readonly #refreshTokens = new Map<string, RefreshGrant>();
  readonly #key: SigningKey;
  readonly #options: EntraOptions;
  #host = "";

  private constructor(key: SigningKey, options: EntraOptions) {
    this.#key = key;
    this.#options = options;
    this.tenantId = (options.tenantId ?? DEMO_TENANT_ID).toLowerCase();
    this.domains = (options.domains ?? DEMO_TENANT_DOMAINS).map((d) => d.toLowerCase());
    this.resources = (options.resources ?? ["https://api.loganalytics.io"]).map(trimResource);
  }

  /** A service with a fresh signing key and `options.apps` registered. */
  static async create(options: EntraOptions = {}): Promise<EntraService> {
    const service = new EntraService(await SigningKey.create(), options);
    for (const app of options.apps ?? []) await service.registerApp(app);
    return service;
  }

  /** The authority host (`https://127.0.0.1:PORT`), known once the server listens. */
  get authorityHost(): string {
    return this.#host;
  }

  set authorityHost(host: string) {
    this.#host = host.replace(/\/+$/, "");
  }

  /** Registers (or replaces) an app registration. */
  async registerApp(app: EntraApp): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(app.clientId)) {
      throw new RangeError(`An app's clientId must be a GUID, got '${app.clientId}'`);
    }
    this.#apps.set(app.clientId.toLowerCase(), {
      clientId: app.clientId.toLowerCase(),
      displayName: app.displayName ?? "casefile test app",
      secrets: [...(app.secrets ?? [])],
      certificates: await Promise.all((app.certificates ?? []).map(registerCertificate)),
      publicClient: app.publicClient ?? false,
    });
  }

  /** The user codes of device codes waiting for a person. */
  pendingUserCodes(): string[] {
    return [...this.#deviceCodes.values()]
      .filter((d) => d.state === "pending" && d.expiresAt > Date.now())
      .map((d) => d.userCode);
  }

  /** Signs `user` in for `userCode` (what a person does on the verification page). */
  approve(userCode: string, user: EntraUser = DEMO_USER): void {
    const code = this.#pending(userCode);
    code.state = "approved";
    code.user = user;
  }

  /** Declines the sign-in of `userCode`. */
  decline(userCode: string): void {
    this.#pending(userCode).state = "declined";
  }

  #pending(userCode: string): DeviceCode {
    const wanted = userCode.trim().toUpperCase();
    const code = [...this.#deviceCodes.values()].find((d) => d.userCode === wanted);
    if (!code || code.state !== "pending") {
      throw new RangeError(`No device code with user code '${userCode}' is waiting`);
    }
    return code;
  }

  /** Whether `pathname` is one of the service's paths. */
  owns(pathname: string): boolean {
    return ROUTE.test(pathname) || pathname === "/devicelogin" ||
      (pathname === "/msi/token" && this.#options.managedIdentity !== undefined);
  }

  /** The request body as recorded: form fields with secrets redacted. */
  recordedBody(text: string): Record<string, string> | undefined {
    if (text === "") return undefined;
    const fields = Object.fromEntries(new URLSearchParams(text));
    for (const name of REDACTED_FIELDS) {
      if (name in fields) fields[name] = "<redacted>";
    }
    return fields;
  }

  /** Checks a bearer token sent to the query API: signed here, for a known audience, unexpired. */
  async checkAccessToken(token: string): Promise<TokenCheck> {
    const jwt = decodeJwt(token);
    if (!jwt || !(await this.#key.verifies(jwt))) return "invalid";
    const { aud, iss, exp, nbf } = jwt.payload;
    if (iss !== `${this.#host}/${this.tenantId}/`) return "invalid";
    if (typeof aud !== "string" || !this.resources.includes(trimResource(aud))) return "invalid";
    const now = Date.now() / 1000;
    if (typeof nbf === "number" && nbf > now + 300) return "invalid";
    if (typeof exp !== "number" || exp <= now) return "expired";
    return "valid";
  }

  /** Answers a request to one of the service's paths. */
  async handle(request: Request, url: URL, text: string): Promise<Response> {
    const correlationId = request.headers.get("client-request-id") ?? crypto.randomUUID();
    if (url.pathname === "/devicelogin") return this.#deviceLogin(request, text);
    if (url.pathname === "/msi/token") return await this.#managedIdentity(request, url);
    const [, tenantSegment, operation] = ROUTE.exec(url.pathname)!;
    const tenant = this.#tenantOf(tenantSegment);
    if (!tenant) {
      return this.#error(400, "invalid_tenant", 90002, correlationId, {
        message: `Tenant '${tenantSegment}' not found. Check to make sure you have the correct ` +
          "tenant ID and are signing into the correct cloud. Check with your subscription " +
          "administrator, this may happen if there are no active subscriptions for the tenant.",
      });
    }
    if (operation.endsWith("openid-configuration")) {
      if (request.method !== "GET") return methodNotAllowed("GET");
      return json(200, this.#metadata(tenantSegment));
    }
    if (operation === "discovery/v2.0/keys") {
      if (request.method !== "GET") return methodNotAllowed("GET");
      const { kty, n, e } = this.#key.jwk;
      return json(200, { keys: [{ kty, use: "sig", kid: this.#key.kid, n, e, alg: "RS256" }] });
    }
    if (request.method !== "POST") return methodNotAllowed("POST");
    const form = new URLSearchParams(text);
    if (operation === "oauth2/v2.0/devicecode") return this.#deviceCode(form, correlationId);
    return await this.#token(form, tenantSegment, correlationId);
  }

  #tenantOf(segment: string): string | undefined {
    const lower = segment.toLowerCase();
    if (lower === this.tenantId || this.domains.includes(lower)) return this.tenantId;
    if (lower === "organizations" || lower === "common") return this.tenantId;
    return undefined;
  }

  #metadata(segment: string): Record<string, unknown> {
    const lower = segment.toLowerCase();
    const alias = lower === "organizations" || lower === "common";
    const tenant = alias ? lower : this.tenantId;
    const base = `${this.#host}/${tenant}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        "client_secret_post",
        "private_key_jwt",
        "client_secret_basic",
      ],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${this.#host}/${alias ? "{tenantid}" : this.tenantId}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "acr",
        "nonce",
        "preferred_username",
        "name",
        "tid",
        "ver",
        "email",
      ],
      tenant_region_scope: "EU",
      cloud_instance_name: "loopback",
    };
  }

  #deviceCode(form: URLSearchParams, correlationId: string): Response {
    const clientId = (form.get("client_id") ?? "").toLowerCase();
    const app = this.#apps.get(clientId);
    if (!app) return this.#unknownApp(clientId, correlationId);
    if (!app.publicClient) return this.#needsClientSecret(correlationId);
    const resource = this.#resourceOf(form.get("scope") ?? "", false, correlationId);
    if (resource instanceof Response) return resource;
    const lifetime = this.#options.deviceCodeLifetimeSeconds ?? 900;
    const interval = this.#options.pollingIntervalSeconds ?? 5;
    const userCode = randomUserCode();
    const deviceCode = base64url(crypto.getRandomValues(new Uint8Array(48)));
    this.#deviceCodes.set(deviceCode, {
      userCode,
      clientId,
      resource,
      expiresAt: Date.now() + lifetime * 1000,
      state: "pending",
    });
    const verificationUri = `${this.#host}/devicelogin`;
    return json(200, {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: verificationUri,
      expires_in: lifetime,
      interval,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter ` +
        `the code ${userCode} to authenticate.`,
    });
  }

  async #token(form: URLSearchParams, tenantSegment: string, correlationId: string) {
    const grant = form.get("grant_type") ?? "";
    const clientId = (form.get("client_id") ?? "").toLowerCase();
    const app = this.#apps.get(clientId);
    if (!app) return this.#unknownApp(clientId, correlationId);
    switch (grant) {
      case "client_credentials": {
        const caller = await this.#authenticateApp(app, form, tenantSegment, correlationId);
        if (caller instanceof Response) return caller;
        const resource = this.#resourceOf(form.get("scope") ?? "", true, correlationId);
        if (resource instanceof Response) return resource;
        const { token, expiresIn } = await this.#accessToken(caller, resource, grant);
        return json(200, {
          token_type: "Bearer",
          expires_in: expiresIn,
          ext_expires_in: expiresIn,
          access_token: token,
        });
      }
      case "device_code": // what MSAL sends; Entra ID takes both
      case DEVICE_CODE_GRANT: {
        if (!app.publicClient) return this.#needsClientSecret(correlationId);
        const code = this.#deviceCodes.get(form.get("device_code") ?? "");
        if (!code || code.clientId !== app.clientId || code.state === "redeemed") {
          return this.#error(400, "invalid_grant", 70000, correlationId, {
            message: "The provided value for the 'device_code' parameter is not valid.",
          });
        }
        if (code.expiresAt <= Date.now()) {
          return this.#error(400, "expired_token", 70020, correlationId, {
            message: "The provided value for the input parameter 'device_code' is not valid. " +
              "This device code has expired.",
          });
        }
        if (code.state === "declined") {
          return this.#error(400, "authorization_declined", 70000, correlationId, {
            message: "The user declined the sign-in request.",
          });
        }
        if (code.state === "pending") {
          return this.#error(400, "authorization_pending", 70016, correlationId, {
            message: "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
          });
        }
        code.state = "redeemed";
        return json(200, await this.#userTokens(app, code.user!, code.resource, grant));
      }
      case "refresh_token": {
        const refresh = this.#refreshTokens.get(form.get("refresh_token") ?? "");
        if (!refresh || refresh.clientId !== app.clientId) {
          return this.#error(400, "invalid_grant", 9002313, correlationId, {
            message: "Invalid request. Request is malformed or invalid.",
          });
        }
        const resource = this.#resourceOf(form.get("scope") ?? "", false, correlationId);
        if (resource instanceof Response) return resource;
        this.#refreshTokens.delete(form.get("refresh_token")!);
        return json(200, await this.#userTokens(app, refresh.user, resource, grant));
      }
      default:
        return this.#error(400, "unsupported_grant_type", 70003, correlationId, {
          message: `The app requested an unsupported grant type '${grant}'.`,
        });
    }
  }

  async #authenticateApp(
    app: App,
    form: URLSearchParams,
    tenantSegment: string,
    correlationId: string,
  ): Promise<Caller | Response> {
    const secret = form.get("client_secret");
    const assertion = form.get("client_assertion");
    if (secret !== null) {
      if (app.secrets.includes(secret)) return { kind: "app", app, via: "secret" };
      return this.#error(401, "invalid_client", 7000215, correlationId, {
        message: "Invalid client secret provided. Ensure the secret being sent in the request " +
          "is the client secret value, not the client secret ID, for a secret added to app " +
          `'${app.clientId}'.`,
      });
    }
    if (assertion === null) return this.#needsClientSecret(correlationId);
    if (form.get("client_assertion_type") !== JWT_BEARER) {
      return this.#error(401, "invalid_client", 7000216, correlationId, {
        message: "'client_assertion_type' is missing or invalid; it must be " +
          `'${JWT_BEARER}'.`,
      });
    }
    const jwt = decodeJwt(assertion);
    if (!jwt) {
      return this.#error(401, "invalid_client", 50027, correlationId, {
        message: "JWT token is invalid or malformed.",
      });
    }
    const thumbprint = String(jwt.header["x5t#S256"] ?? jwt.header.x5t ?? "");
    const registered = app.certificates.find((c) =>
      c.x5tS256 === thumbprint || c.x5t === thumbprint
    );
    if (!registered) {
      return this.#error(401, "invalid_client", 700027, correlationId, {
        message: "The certificate with identifier used to sign the client assertion is not " +
          `registered on application. [Reason - The key was not found., Thumbprint of key ` +
          `used by client: '${thumbprint}']`,
      });
    }
    if (!(await assertionSignedBy(jwt, registered))) {
      return this.#error(401, "invalid_client", 700027, correlationId, {
        message: "Client assertion failed signature validation.",
      });
    }
    const { aud, iss, sub, exp, nbf } = jwt.payload;
    const tokenEndpoints = [tenantSegment, this.tenantId, ...this.domains]
      .map((t) => `${this.#host}/${t}/oauth2/v2.0/token`.toLowerCase());
    if (typeof aud !== "string" || !tokenEndpoints.includes(aud.toLowerCase())) {
      return this.#error(401, "invalid_client", 700212, correlationId, {
        message: `The client assertion's audience '${aud}' is not this tenant's token ` +
          "endpoint.",
      });
    }
    if (iss !== app.clientId || sub !== app.clientId) {
      return this.#error(401, "invalid_client", 700021, correlationId, {
        message: "Client assertion application identifier doesn't match 'client_id' parameter.",
      });
    }
    const now = Date.now() / 1000;
    if (typeof exp !== "number" || exp <= now || (typeof nbf === "number" && nbf > now + 300)) {
      return this.#error(401, "invalid_client", 700024, correlationId, {
        message: "Client assertion is not within its valid time range.",
      });
    }
    return { kind: "app", app, via: "certificate" };
  }

  /** The one resource a scope list names; an error answer when it names none or another. */
  #resourceOf(scope: string, appOnly: boolean, correlationId: string): string | Response {
    const scopes = scope.split(/\s+/).filter((s) => s !== "" && !OIDC_SCOPES.has(s));
    const resources = scopes.map((s) => s.replace(/\/\.default$/, ""));
    if (resources.length !== 1 || (appOnly && !scopes[0].endsWith("/.default"))) {
      return this.#error(400, "invalid_scope", 1002012, correlationId, {
        message: `The provided value for scope ${scope} is not valid. Client credential flows ` +
          "must have a scope value with /.default suffixed to the resource identifier " +
          "(application ID URI).",
      });
    }
    const resource = trimResource(resources[0]);
    if (!this.resources.includes(resource)) {
      return this.#error(400, "invalid_resource", 500011, correlationId, {
        message: `The resource principal named ${resources[0]} was not found in the tenant ` +
          `named ${this.tenantId}. This can happen if the application has not been installed ` +
          "by the administrator of the tenant or consented to by any user in the tenant. You " +
          "might have sent your authentication request to the wrong tenant.",
      });
    }
    return resource;
  }

  async #accessToken(caller: Caller, resource: string, grant: string, user?: EntraUser) {
    const expiresIn = this.#options.tokenLifetimeSeconds ?? 3599;
    const now = Math.floor(Date.now() / 1000);
    const issuer = `${this.#host}/${this.tenantId}/`;
    const objectId = user?.objectId ?? (user ? uuidOf(user.username) : uuidOf(caller.app.clientId));
    const claims: Record<string, unknown> = {
      aud: resource,
      iss: issuer,
      iat: now,
      nbf: now,
      exp: now + expiresIn,
      appid: caller.app.clientId,
      appidacr: caller.kind === "public" ? "0" : caller.via === "secret" ? "1" : "2",
      idp: issuer,
      oid: objectId,
      sub: objectId,
      tid: this.tenantId,
      uti: base64url(crypto.getRandomValues(new Uint8Array(16))),
      ver: "1.0",
      ...(user ? { name: user.name, upn: user.username, scp: "Data.Read" } : {}),
    };
    const token = await this.#key.sign(claims);
    this.issued.push({
      grant,
      clientId: caller.app.clientId,
      audience: resource,
      subject: user?.username ?? caller.app.clientId,
      expiresAt: new Date((now + expiresIn) * 1000),
    });
    return { token, expiresIn };
  }

  async #userTokens(app: App, user: EntraUser, resource: string, grant: string) {
    const caller: Caller = { kind: "public", app };
    const { token, expiresIn } = await this.#accessToken(caller, resource, grant, user);
    const objectId = user.objectId ?? uuidOf(user.username);
    const now = Math.floor(Date.now() / 1000);
    const idToken = await this.#key.sign({
      aud: app.clientId,
      iss: `${this.#host}/${this.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: user.name,
      oid: objectId,
      preferred_username: user.username,
      sub: base64url(objectId).slice(0, 43),
      tid: this.tenantId,
      ver: "2.0",
    });
    const refreshToken = base64url(crypto.getRandomValues(new Uint8Array(48)));
    this.#refreshTokens.set(refreshToken, { clientId: app.clientId, user });
    return {
      token_type: "Bearer",
      scope: `${resource}/.default`,
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: token,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: base64url(JSON.stringify({ uid: objectId, utid: this.tenantId })),
    };
  }

  async #managedIdentity(request: Request, url: URL): Promise<Response> {
    const identity = this.#options.managedIdentity!;
    if (request.method !== "GET") return methodNotAllowed("GET");
    if (request.headers.get("x-identity-header") !== identity.identityHeader) {
      return json(401, { statusCode: 401, message: "Unauthorized: the identity header is wrong" });
    }
    if (url.searchParams.get("api-version") !== "2019-08-01") {
      return json(400, { statusCode: 400, message: "Unsupported api-version" });
    }
    const resource = trimResource(url.searchParams.get("resource") ?? "");
    if (!this.resources.includes(resource)) {
      return json(400, {
        statusCode: 400,
        message: `AADSTS500011: The resource principal named ${resource} was not found in ` +
          `the tenant named ${this.tenantId}.`,
      });
    }
    const clientId = (identity.clientId ?? uuidOf("managed identity")).toLowerCase();
    const wanted = url.searchParams.get("client_id");
    if (wanted && wanted.toLowerCase() !== clientId) {
      return json(400, { statusCode: 400, message: "No managed identity with that client id" });
    }
    const app: App = {
      clientId,
      displayName: "managed identity",
      secrets: [],
      certificates: [],
      publicClient: false,
    };
    const { token, expiresIn } = await this.#accessToken(
      { kind: "app", app, via: "secret" },
      resource,
      "managed_identity",
    );
    return json(200, {
      access_token: token,
      expires_on: String(Math.floor(Date.now() / 1000) + expiresIn),
      resource,
      token_type: "Bearer",
      client_id: clientId,
    });
  }

  #deviceLogin(request: Request, text: string): Response {
    if (request.method !== "POST") return methodNotAllowed("POST");
    const form = new URLSearchParams(text);
    const action = form.get("action") ?? "approve";
    try {
      if (action === "decline") this.decline(form.get("otc") ?? "");
      else this.approve(form.get("otc") ?? "");
    } catch (error) {
      return json(400, { error: "invalid_request", error_description: (error as Error).message });
    }
    return json(200, { status: action === "decline" ? "declined" : "approved" });
  }

  #unknownApp(clientId: string, correlationId: string): Response {
    return this.#error(400, "unauthorized_client", 700016, correlationId, {
      message: `Application with identifier '${clientId}' was not found in the directory ` +
        `'${this.domains[0] ?? this.tenantId}'. This can happen if the application has not ` +
        "been installed by the administrator of the tenant or consented to by any user in the " +
        "tenant. You may have sent your authentication request to the wrong tenant.",
    });
  }

  #needsClientSecret(correlationId: string): Response {
    return this.#error(401, "invalid_client", 7000218, correlationId, {
      message: "The request body must contain the following parameter: 'client_assertion' or " +
        "'client_secret'.",
    });
  }

  #error(
    status: number,
    error: string,
    code: number,
    correlationId: string,
    detail: { message: string },
  ): Response {
    const traceId = crypto.randomUUID();
    const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
    return json(status, {
      error,
      error_description: `AADSTS${code}: ${detail.message}\r\nTrace ID: ${traceId}\r\n` +
        `Correlation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${this.#host}/error?code=${code}`,
    });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": JSON_TYPE, "cache-control": "no-store, no-cache" },
  });
}

function methodNotAllowed(allow: string): Response {
  return new Response(
    JSON.stringify({ error: "invalid_request", error_description: "Method not allowed" }),
    { status: 405, headers: { "content-type": JSON_TYPE, allow } },
  );
}

function trimResource(resource: string): string {
  return resource.replace(/\/+$/, "").toLowerCase();
}

/** Nine characters from an alphabet without look-alikes, as Entra ID's user codes. */
function randomUserCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return [...crypto.getRandomValues(new Uint8Array(9))]
    .map((b) => alphabet[b % alphabet.length]).join("");
}

/** A stable GUID-shaped id for a name (object ids of test users and apps). */
function uuidOf(name: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const char of `${round}:${name}`) {
      h1 = Math.imul(h1 ^ char.charCodeAt(0), 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ char.charCodeAt(0), 0x85ebca6b) >>> 0;
    }
    hex.push(((h1 ^ h2) >>> 0).toString(16).padStart(8, "0"));
  }
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${
    s.slice(20, 32)
  }`;
}
