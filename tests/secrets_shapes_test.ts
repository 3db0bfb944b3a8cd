/**
 * Secrets found by their shape (`src/_secrets.ts`): a URL's password is redacted, an `@` in
 * its query string (an e-mail address in a proxy log's URL) is not a password's end.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { redactValue } from "../src/_secrets.ts";
import { pipeRepl } from "./repl/_piped.ts";
import { tempFolder } from "./_helpers.ts";

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
