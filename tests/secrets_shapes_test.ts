/**
 * Secrets found by their shape (`src/_secrets.ts`): a URL's password is redacted, an `@` in
 * its query string (an e-mail address in a proxy log's URL) is not a password's end.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { redactValue } from "../src/_secrets.ts";
import { pipeRepl } from "./repl/_piped.ts";
import { tempFolder } from "./_helpers.ts";
import { startKustoService } from "./twins/kusto/mod.ts";

Deno.test("a URL's password is redacted, an address in its query string is left as it is", () => {
  // RFC 3986: userinfo ends at "@" within the authority, which ends at "/", "?" or "#".
  assert.equal(
    redactValue("postgres://admin:hunter2hunter2@db.internal:5432/cases"),
    "postgres://admin:[redacted: password]@db.internal:5432/cases",
  );
  for (
    const url of [
      "http://10.0.0.5:8080?user=bob@corp.example",
      "https://portal.example:8443#login=ana@corp.example",
    ]
  ) assert.equal(redactValue(url), url);
});

// Microsoft's example of a service SAS URL (Azure Storage docs, "Create a service SAS").
const SAS_URL = "https://myaccount.blob.core.windows.net/sascontainer/sasblob.txt?sv=2019-02-02" +
  "&st=2019-04-29T22%3A18%3A26Z&se=2019-04-30T02%3A23%3A26Z&sr=b&sp=rw&sip=168.1.5.60-168.1.5.70" +
  "&spr=https&sig=Z%2FRHIX5Xcg0Mq2rqI3OlWTjEg2tYkboXr1P9ZUXDtkk%3D";
const SAS_REDACTED = SAS_URL.replace(/sig=.*$/, "sig=[redacted: key]");

Deno.test("a SAS signature is redacted in a URL, a connection string or a Service Bus token", () => {
  assert.equal(redactValue(SAS_URL), SAS_REDACTED);
  assert.equal(redactValue(`copy from ${SAS_URL} done`), `copy from ${SAS_REDACTED} done`);
  assert.equal(
    redactValue("?sig=q9vX1yT7uW2eR4tY6uI8oP0aS1dF3gH5jK7lZ9x=&se=2030-01-01"),
    "?sig=[redacted: key]&se=2030-01-01",
  );
  // The same URL HTML-escaped in a page: `&amp;sig=`.
  assert.equal(
    redactValue("a.csv?sv=2022-11-02&amp;sig=Zk3%2Fq9vX1yT7uW2eR4tY6uI8oP0aS1d%3D"),
    "a.csv?sv=2022-11-02&amp;sig=[redacted: key]",
  );
  assert.equal(
    redactValue(
      "BlobEndpoint=https://ev.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02" +
        "&ss=b&sig=Zk3%2Fq9vX1yT7uW2eR4tY6uI8oP0aS1dF3gH5jK7lZ9x%3D",
    ),
    "BlobEndpoint=https://ev.blob.core.windows.net/;SharedAccessSignature=[redacted: key]" +
      "&ss=b&sig=[redacted: key]",
  );
  assert.equal(
    redactValue(
      "SharedAccessSignature sig=Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4C%3D&se=1700000000" +
        "&skn=RootManageSharedAccessKey",
    ),
    "SharedAccessSignature sig=[redacted: key]&se=1700000000&skn=RootManageSharedAccessKey",
  );
  assert.deepEqual(redactValue({ source: SAS_URL }), { source: SAS_REDACTED });
});

Deno.test("KQL that names a column sig is not taken for a SAS signature", () => {
  for (
    const text of [
      "extend sig=hash_sha256(x)",
      "summarize sig=dcount(x)",
      "SigninLogs | summarize sig=dcount(UserPrincipalName) by AppDisplayName",
      "Alerts | extend sig=ProcessCommandLineHashValue", // 20+ letters, but no URL around it
      "Unknown function 'nosuchfn()' near sig=hash_sha256(Account) (line 1, column 40)",
      'T | where Url has "sig=" | extend sig=extract("sig=([^&]+)", 1, Url)',
    ]
  ) {
    assert.equal(redactValue(text), text);
    assert.deepEqual(redactValue({ query: text, rows: [text] }), { query: text, rows: [text] });
  }
});

Deno.test("the REPL's journal keeps KQL's sig= columns in output and errors, and redacts a SAS URL", async () => {
  const home = await tempFolder();
  const kql = "Alerts | extend sig=hash_sha256(Account) | summarize sig=dcount(sig)";
  const run = await pipeRepl(home, "sas", [
    "%kql s = SigninLogs | summarize sig=dcount(UserPrincipalName) | extend x = nosuchfn(sig)",
    `console.log(${JSON.stringify(kql)})`,
    `throw new Error(${JSON.stringify(`cannot run: ${kql}`)})`,
    // Code is journaled as written (replays run it): the URL comes from the environment.
    'console.log(`copy from ${Deno.env.get("EVIDENCE_URL")}`)',
  ], { env: { EVIDENCE_URL: SAS_URL } });
  assert.equal(run.code, 0, run.stderr);
  const journal = Deno.readTextFileSync(join(home, "sessions", "sas", "journal.jsonl"))
    .trim().split("\n").map((line) => JSON.parse(line))
    .filter((r) => r.type === "step");
  assert.equal(journal.length, 4);
  assert.match(journal[0].error.message, /Unknown function 'nosuchfn\(\)'/);
  assert.equal(journal[0].code, journal[0].template[0].text);
  assert.match(journal[0].code, /summarize sig=dcount\(UserPrincipalName\)/);
  assert.equal(journal[1].output, `${kql}\n`);
  assert.equal(journal[2].error.message, `cannot run: ${kql}`);
  assert.equal(journal[3].output, `copy from ${SAS_REDACTED}\n`);
  assert.ok(!JSON.stringify(journal).includes("Z%2FRHIX5Xcg0Mq2rqI3OlWTjEg2tYkboXr1P9ZUXDtkk"));
});

// Made-up secrets of the shapes Azure, SQL Server and ODBC connection strings hold.
const KEYED_SECRETS: ReadonlyArray<readonly [string, string]> = [
  [
    "DefaultEndpointsProtocol=https;AccountName=evid;AccountKey=kT9v2Z4nq8R1sX7yQ3wE5uI0oP6a==;" +
    "EndpointSuffix=core.windows.net",
    "DefaultEndpointsProtocol=https;AccountName=evid;AccountKey=[redacted: key];" +
    "EndpointSuffix=core.windows.net",
  ],
  [
    "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;" +
    "SharedAccessKey=Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd=",
    "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;" +
    "SharedAccessKey=[redacted: key]",
  ],
  [
    "Server=sql1;Database=cases;User Id=sa;Password=Sup3rS3cretPw!;",
    "Server=sql1;Database=cases;User Id=sa;Password=[redacted: key];",
  ],
  [
    "Driver={ODBC Driver 18 for SQL Server};Server=db1;Uid=sa;Pwd=Winter2024;",
    "Driver={ODBC Driver 18 for SQL Server};Server=db1;Uid=sa;Pwd=[redacted: key];",
  ],
  // In text: a word, a word and digits, after a comma, in a URL's query, with brackets.
  [
    "login failed: user=bob, Password=Winter2024",
    "login failed: user=bob, Password=[redacted: key]",
  ],
  ["set Password=Sunshine in the config", "set Password=[redacted: key] in the config"],
  [
    "GET https://legacy.example/login?user=bob&Password=Winter2024 HTTP/1.1",
    "GET https://legacy.example/login?user=bob&Password=[redacted: key] HTTP/1.1",
  ],
  ["Password=Pa(ss)word1!", "Password=[redacted: key]"],
  ["Password=Summer(2024)", "Password=[redacted: key]"],
  // A word after an operator's name that is not one of KQL's assigning ones.
  ["where Password=Winter2024", "where Password=[redacted: key]"],
  // Review RD: passwords that look like the start of KQL (a comparison, a call, a word
  // after "by" or "project" in text) are still passwords.
  ["Password=~Hunter2024", "Password=[redacted: key]"],
  ["Password==Hunter2024", "Password=[redacted: key]"],
  ["logon by Password=Hunter2024", "logon by Password=[redacted: key]"],
  ["grouped by Pwd=Secret_Value", "grouped by Pwd=[redacted: key]"],
  ["Created by\nPassword=Hunter2024", "Created by\nPassword=[redacted: key]"],
  ["cmd /c project Password=Hunterpass", "cmd /c project Password=[redacted: key]"],
  ["Password=p4ss(word)", "Password=[redacted: key]"],
  ["password=hunter(2024)", "password=[redacted: key]"],
  [
    "SecurityEvent | summarize by Password=Hunter2024",
    "SecurityEvent | summarize by Password=[redacted: key]",
  ],
];

Deno.test("a connection string's key or password, and Password= in text, are still redacted", () => {
  for (const [text, redacted] of KEYED_SECRETS) {
    assert.equal(redactValue(text), redacted);
    assert.deepEqual(redactValue({ message: text, rows: [text] }), {
      message: redacted,
      rows: [redacted],
    });
  }
});

/**
 * An Azure Data Explorer error as casefile words it (src/providers/adx/_client.ts): where
 * the cluster points, its message, and the query's line with a caret under that column.
 */
function clusterError(query: string, column: number, message: string): string {
  return `The cluster rejected the query (line 1, column ${column}): ${message} ` +
    `[line:position=1:${column - 1}]\n  ${query}\n  ${" ".repeat(column - 1)}^`;
}

/**
 * Error messages that quote KQL naming columns Password, Pwd, Secret and Token: a cluster's
 * syntax and semantic errors with the query line under them, and a code step that failed
 * with the query it ran.
 */
const KQL_ERRORS = [
  clusterError(
    'SigninLogs | extend Password=tostring(AuthenticationDetails) | where Password=="" |',
    84,
    "Syntax error: SYN0002: A recognition error occurred.",
  ),
  clusterError(
    "SecurityEvent | summarize Attempts=count() by Password=tostring(parse_json(ExtendedProps).pw)",
    75,
    "Semantic error: SEM0100: 'summarize' operator: Failed to resolve scalar expression named " +
      "'ExtendedProps'",
  ),
  clusterError(
    "AADServicePrincipalSignInLogs | project Password=TargetUser, Secret=ClientSecret, " +
      "Token=AccessToken",
    50,
    "Semantic error: SEM0100: 'project' operator: Failed to resolve scalar expression named " +
      "'TargetUser'",
  ),
  clusterError(
    'W3CIISLog | extend Pwd=extract("pwd=([^&]+)", 1, csUriQuery) | where Pwd=~tostring(Default)',
    83,
    "Semantic error: SEM0100: 'where' operator: Failed to resolve scalar expression named " +
      "'Default'",
  ),
  "cannot run: AuditLogs | where Password==tostring(TargetResources[0].newValue) " +
  "| project Secret=tostring(AdditionalDetails), Token=tostring(InitiatedBy)",
];

Deno.test("KQL that names a column Password, Pwd, Secret or Token is left readable in errors", () => {
  for (const message of KQL_ERRORS) {
    assert.equal(redactValue(message), message);
    const error = { name: "KqlSyntaxError", message, hint: message };
    assert.deepEqual(redactValue({ status: "error", error }), { status: "error", error });
  }
});

Deno.test({
  name:
    "the REPL's journal keeps a cluster's error that quotes Password= KQL, and redacts Password= text",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const kusto = await startKustoService();
    try {
      const home = await tempFolder();
      const query = "SecurityAlert | extend Password=tostring(AlertName) " +
        "| where Password==tostring(CompromisedEntity) | summarize by";
      const run = await pipeRepl(home, "pw", [
        `.connect adx ${kusto.endpoint} demo`,
        `%kql pw = ${query}`,
        'throw new Error("login failed: user=bob, Password=Winter2024")',
      ], {
        env: {
          NODE_EXTRA_CA_CERTS: kusto.caCertificatePath,
          CASEFILE_ADX_TOKEN: kusto.token,
          XDG_CONFIG_HOME: await tempFolder(),
        },
      });
      assert.equal(run.code, 0, run.stderr);
      const steps = Deno.readTextFileSync(join(home, "sessions", "pw", "journal.jsonl"))
        .trim().split("\n").map((line) => JSON.parse(line))
        .filter((r) => r.type === "step");
      assert.equal(steps.length, 2, JSON.stringify(steps));
      // The cluster's error names the line and shows it, as the analyst wrote it.
      assert.match(
        steps[0].error.message,
        /^The cluster rejected the query \(line 1, column \d+\)/,
      );
      assert.ok(steps[0].error.message.includes(`\n  ${query}\n`), steps[0].error.message);
      assert.equal(steps[1].error.message, "login failed: user=bob, Password=[redacted: key]");
    } finally {
      await kusto.close();
    }
  },
});
