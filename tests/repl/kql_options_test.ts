/**
 * `%kql key=value ... name = query`: a workspace's query options from the REPL, checked as
 * typed, sent to the service (seen in the loopback service's requests), and kept by
 * `.rerun` and by a `|` line that extends the query.
 */
import { deepStrictEqual as assertEquals, match, throws } from "node:assert/strict";
import { join } from "node:path";
import {
  DEMO_WORKSPACE_ID,
  type LogAnalyticsService,
  startLogAnalyticsService,
} from "../twins/log_analytics/mod.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";
import { kqlInputText, kqlQueryOptions, parseKqlInput } from "../../repl/_input.ts";

const EMEA = "0d6f4b1a-3c2e-4f8d-9a7b-5e1c2d3f4a5b";

Deno.test("%kql options are read after %kql, before the name, and written back the same", () => {
  const input = parseKqlInput(
    "%kql split=1d serverTimeoutSeconds=600 additionalWorkspaces=emea,apac spray = SigninLogs",
  );
  assertEquals(input, {
    name: "spray",
    query: "SigninLogs",
    options: { split: "1d", serverTimeoutSeconds: "600", additionalWorkspaces: "emea,apac" },
  });
  assertEquals(
    kqlInputText(input),
    "%kql split=1d serverTimeoutSeconds=600 additionalWorkspaces=emea,apac spray = SigninLogs",
  );
  assertEquals(kqlQueryOptions(input.options), {
    split: "1d",
    serverTimeoutSeconds: 600,
    additionalWorkspaces: ["emea", "apac"],
  });
  assertEquals(kqlQueryOptions({ split: "4" }), { split: 4 });
  // A variable named like an option, bound with blanks around `=`, is still a name.
  assertEquals(parseKqlInput("%kql split = T | take 1"), { name: "split", query: "T | take 1" });
  assertEquals(parseKqlInput("%kql! truncation=warn T"), {
    query: "T",
    refresh: true,
    options: { truncation: "warn" },
  });
  throws(() => kqlQueryOptions({ split: "soon" }), /%kql option split=soon: not a timespan/);
  throws(() => kqlQueryOptions({ serverTimeoutSeconds: "900" }), /not a whole number 1 to 600/);
  throws(() => kqlQueryOptions({ truncation: "drop" }), /not split, warn or error/);
});

/** The REPL on `service`'s first workspace, reading `input` (as piped into `casefile`). */
async function repl(service: LogAnalyticsService, input: string[]) {
  const args = ["repl", "--provider", "sentinel", "--workspace", DEMO_WORKSPACE_ID];
  return await runCasefile([...args, "--home", await tempFolder(), "--session", "s"], {
    stdin: input.join("\n") + "\n",
    env: {
      NODE_EXTRA_CA_CERTS: service.caCertificatePath,
      CASEFILE_SENTINEL_ENDPOINT: service.endpoint,
      CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
      CASEFILE_SENTINEL_TOKEN: service.token,
      XDG_CONFIG_HOME: await tempFolder(),
    },
  });
}

Deno.test("%kql options reach the workspace, and .rerun and | keep them", async () => {
  // 5 alerts in the first workspace, the demo case's 15 in the second.
  const five = await tempFolder({
    "SecurityAlert.parquet": pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet")).head(5)
      .writeParquet(),
  });
  const service = await startLogAnalyticsService({
    workspaces: { [DEMO_WORKSPACE_ID]: five, [EMEA]: DEMO_CASE_DIR },
  });
  try {
    const run = await repl(service, [
      `%kql serverTimeoutSeconds=120 additionalWorkspaces=${EMEA} both = SecurityAlert | count`,
      ".rerun 1 --refresh",
      "| extend Twice = Count * 2",
      "%kql split=abc bad = SecurityAlert | count",
      "%kql split=3 windows = SecurityAlert | summarize n = count()",
      // The same query without options is another query: not step 1's cached result.
      "%kql plain = SecurityAlert | count",
    ]);
    assertEquals(run.code, 0, run.stderr);
    const asked = service.requests.filter((r) => /\/query$/.test(r.path));
    const spanning = asked.filter((r) =>
      JSON.stringify((r.body as { workspaces?: string[] }).workspaces ?? []).includes(EMEA)
    );
    // Step 1, its refreshed re-run, and its extension (step 2).
    assertEquals(spanning.length, 3);
    for (const r of spanning) match(r.headers.prefer ?? "", /wait=120/);
    // 5 + 15 alerts across both workspaces; twice that in the extension.
    match(run.stdout, /^Count\n-----\n {3}20\n/m);
    match(run.stdout, /^Count {2}Twice\n----- {2}-----\n {3}20 {5}40\n/m);
    match(run.stdout, /step 1 both: 1 row · [\d,]+ ms · cache miss/);
    match(run.stderr, /%kql option split=abc: not a timespan/);
    const windows = asked.filter((r) =>
      (r.body as { query?: string }).query?.includes("summarize n = count()")
    );
    assertEquals(windows.length, 3, "split=3 runs three windows");
    match(
      run.stdout,
      /^Count\n-----\n {4}5\n\(1 row × 1 column\)\n\(plain · step 4 · [\d,]+ ms · cache miss\)/m,
    );
  } finally {
    await service.close();
  }
});
