/**
 * End-to-end tests of the real terminal REPL, driven through tmux: keys go in with
 * `send-keys`, the screen comes back with `capture-pane`, and every step waits for what it
 * expects to see (polling with a deadline, no fixed sleeps).
 */
import { match, ok } from "node:assert/strict";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { tempDir } from "../_helpers.ts";

const HAS_TMUX = await tmuxAvailable();
const ignore = !HAS_TMUX;
if (ignore) console.warn("tests/repl/tmux_test.ts: skipped, tmux is not installed");

/** `text` as a regular expression matching itself. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Waits for the prompt to come back after the screen shows `marker` (the input typed). */
async function settled(term: Terminal, input: string, expect: RegExp): Promise<string> {
  await term.line(input);
  return await term.waitFor(expect);
}

Deno.test({
  name: "the REPL in a terminal: %kql, TypeScript, errors, history, Tab, Ctrl-C, Ctrl-D, resume",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempDir("casefile-repl-");
    const term = new Terminal();
    try {
      await term.start(["--home", home]);
      const banner = await term.waitFor(/Try:[\s\S]*\.help[\s\S]*\n(demo-\d{8}-\d{6})>$/);
      const session = /session (demo-\d{8}-\d{6})/.exec(banner)?.[1];
      ok(session, banner);
      const prompt = `${session}> `;

      // A KQL step: the spray's source addresses, a table with its shape.
      const spray = ANSWER_KEY.spray.ips;
      await settled(
        term,
        '%kql spray = SigninLogs | where ResultType == "50126" | summarize Failures = count() by IPAddress | top 3 by Failures',
        /\(spray · step 1 · \d+ ms · cache miss\)\n/,
      );
      const table = await term.after("%kql spray");
      match(table, /IPAddress\s+Failures\n-+\s+-+\n/);
      for (const ip of spray) ok(table.includes(ip), `${ip} in\n${table}`);
      match(table, /\(3 rows × 2 columns\)/);

      // Declarations persist and can be declared again; a Polars step on the result.
      await settled(term, "const x = 1", /const x = 1\n1\n/);
      await settled(term, "const x = 2", /const x = 2\n2\n/);
      await settled(term, "x + spray.height", /x \+ spray\.height\n5\n/);
      await settled(
        term,
        'const top = spray.sort("Failures", true).head(1)',
        /const top = [\s\S]*\(1 row × 2 columns\)/,
      );

      // A syntax error: message, caret, hint; the REPL is still there.
      await settled(term, "let y = 1 +* 2", /error: Expression expected\. \(line 1, column 12\)/);
      const error = await term.after("error: Expression expected");
      match(error, /\)\n {2}let y = 1 \+\* 2\n {13}\^\nhint: /);
      await settled(term, "x * 21", /x \* 21\n42\n/);

      // .history lists the steps.
      await settled(term, ".history", /#\s+name\s+kind\s+rows[\s\S]*\n6\s+_6\s+code/);
      const history = await term.after(".history");
      match(history, /1\s+spray\s+query\s+3\s+\d+\s+ok\s+miss/);
      match(history, /2\s+x\s+code/);
      match(history, /5\s+top\s+code\s+1/);

      // Tab completes a table name, then a column of that table.
      await term.type("%kql t = SigninL");
      await term.press("Tab");
      await term.waitFor(/%kql t = SigninLogs$/m);
      await term.type(" | where UserPrin");
      await term.press("Tab");
      await term.waitFor(/%kql t = SigninLogs \| where UserPrincipalName$/m);
      await term.type(` == "${ANSWER_KEY.victim.upn}" | count`);
      await term.press("Enter");
      await term.waitFor(/\(t · step 7 · /);

      // Ctrl-C cancels a long evaluation and returns to the prompt.
      await term.line("await new Promise((r) => setTimeout(r, 600_000))");
      await term.waitFor(/running \d+\.\d s {2}\(Ctrl-C cancels\)/);
      await term.press("C-c");
      await term.waitFor(/Cancelled\.\n.*>$/);
      await settled(term, "x", new RegExp(`${prompt}x\\n2\\n`));

      // Ctrl-D closes the session and exits.
      await term.press("C-d");
      await term.waitFor(/\[exited 0\]/);
      await term.close();

      // Resumed: the variables are back, and up-arrow recalls earlier input.
      const again = new Terminal();
      try {
        await again.start(["repl", "--home", home, "--session", session]);
        await again.waitFor(/steps; \d+ variables restored/);
        await again.waitFor(new RegExp(`${session}>$`));
        await settled(again, "x + top.height", /x \+ top\.height\n3\n/);
        await again.press("Up", "Up");
        await again.waitFor(new RegExp(`${prompt}x$`, "m"));
        await again.press("C-u");
        await again.line(".quit");
        await again.waitFor(/\[exited 0\]/);
      } finally {
        await again.close();
      }
    } finally {
      await term.close();
    }
  },
});

Deno.test({
  name: "the REPL in a terminal: Ctrl-C cancels a Sentinel query that does not answer",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const service = await startLogAnalyticsService();
    const home = await tempDir("casefile-repl-");
    const config = await tempDir("casefile-config-");
    const term = new Terminal();
    try {
      service.inject({ kind: "hang" }, { queryIncludes: "hang-here" });
      await term.start(
        ["repl", "--home", home, "--session", "sentinel1", "--provider", "sentinel"],
        {
          NODE_EXTRA_CA_CERTS: service.caCertificatePath,
          CASEFILE_SENTINEL_ENDPOINT: service.endpoint,
          CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
          CASEFILE_SENTINEL_WORKSPACE: service.workspaceIds[0],
          CASEFILE_SENTINEL_TOKEN: service.token,
          XDG_CONFIG_HOME: config,
        },
      );
      await term.waitFor(/Log Analytics workspace[\s\S]*sentinel1>$/);
      // Throttled: the spinner says so, and counts the wait down.
      service.inject({ kind: "throttle", retryAfterSeconds: 3 }, { queryIncludes: "busy-here" });
      await term.line('%kql busy = SecurityAlert | where AlertName != "busy-here" | count');
      await term.waitFor(
        /running \d+\.\d s · throttled \(429\), retrying in [123] s {2}\(Ctrl-C cancels\)/,
      );
      await term.waitFor(/\(busy · step 1 · [\d,]+ ms · cache miss\)\nsentinel1>$/);
      // The service gives up on a query (504); the connection stays in the pool.
      service.inject({ kind: "timeout" }, { queryIncludes: "gateway-here" });
      await term.line('%kql gw = SecurityAlert | where AlertName != "gateway-here" | count');
      await term.waitFor(/ran past the server timeout[\s\S]*sentinel1>$/);
      await term.line('%kql slow = SigninLogs | where UserPrincipalName != "hang-here" | count');
      await term.waitFor(/running \d+\.\d s {2}\(Ctrl-C cancels\)/);
      // The query reached the service, which holds it unanswered.
      const hung = () =>
        service.requests.filter((r) => JSON.stringify(r.body).includes("hang-here"));
      const deadline = Date.now() + 30_000;
      while (hung().length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      ok(
        hung().length === 1 && hung()[0].status === 0,
        `the query is in flight, unanswered: ${JSON.stringify(service.requests)}`,
      );
      await term.press("C-c");
      await term.waitFor(/Cancelled\.\n.*sentinel1>$/);
      // The HTTP request was aborted: the service saw the client give up.
      const gaveUp = Date.now() + 30_000;
      while (hung()[0].status !== 499 && Date.now() < gaveUp) {
        await new Promise((r) => setTimeout(r, 50));
      }
      ok(hung()[0].status === 499, `status ${hung()[0].status}`);
      // The REPL goes on: a query the service answers.
      await term.line("%kql alerts = SecurityAlert | count");
      await term.waitFor(/Count\n-----\n\s*15\n/); // 4 + 9 benign + 2 cloud alerts
      // Never sent again: a copy would go out on the pool at once, before the query just
      // answered (ordered by events, no delay), and nobody would cancel it.
      ok(hung().length === 1, `sent ${hung().length} times`);
      await term.line(".history");
      await term.waitFor(/3\s+slow\s+query\s+\d+\s+error[\s\S]*4\s+alerts\s+query\s+1\s/);
      await term.press("C-d");
      await term.waitFor(/\[exited 0\]/);
    } finally {
      await term.close();
      await service.close();
    }
  },
});

Deno.test({
  name:
    "the REPL in a terminal: a pasted block is one input, recalled whole; | lines extend a query",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempDir("casefile-repl-");
    const term = new Terminal();
    const spray = ANSWER_KEY.spray;
    const ips = spray.ips.map((ip) => `"${ip}"`).join(", ");
    try {
      await term.start(["repl", "--home", home, "--session", "paste"]);
      await term.waitFor(/\npaste>$/);

      // A query pasted in the Sentinel style: one input, one step, the whole query run.
      const block = [
        "%kql spray = SigninLogs",
        '| where ResultType == "50126"',
        `| where IPAddress in (${ips})`,
        "| count",
      ].join("\n");
      await term.paste(`${block}\n`);
      await term.waitFor(/\(spray · step 1 · \d+ ms · cache miss\)\npaste>$/);
      match(
        await term.after(`paste> ${block.split("\n")[0]}`),
        new RegExp(`^paste> ${literal(block)}\\nCount\\n-----\\n\\s*${spray.failures50126}\\n`),
      );

      // Without %kql: the first line names a table, the next ones start with |.
      await term.paste('SigninLogs\n| where ResultType == "50126"\n| take 5\n');
      await term.waitFor(/\(_2 · step 2 · \d+ ms · cache miss\)\npaste>$/);
      match(
        await term.after("paste> SigninLogs"),
        /\n\(5 rows × \d+ columns[;)][\s\S]*?\)\n\(_2 · step 2 /,
      );

      // Up recalls the pasted block whole (behind the newer entry); Enter runs it as one step.
      await term.press("Up", "Up");
      await term.waitFor(new RegExp(`paste> ${literal(block)}$`));
      await term.press("Enter");
      await term.waitFor(/\(spray · step 3 · \d+ ms · cache hit\)\npaste>$/);
      match(
        await term.after(`paste> ${block.split("\n")[0]}`),
        new RegExp(`^paste> ${literal(block)}\\nCount\\n-----\\n\\s*${spray.failures50126}\\n`),
      );

      // Typed over two lines, recalled as one entry.
      await term.line("const n = [10,");
      await term.waitFor(/\n\.\.\.$/);
      await settled(term, "20, 30].length", /\.\.\. 20, 30\]\.length\n3\npaste>$/);
      await term.press("Up");
      await term.waitFor(/paste> const n = \[10,\n20, 30\]\.length$/);
      await term.press("Enter");
      await term.waitFor(/paste> const n = \[10,\n20, 30\]\.length\n3\npaste>$/);

      // A typed line starting with | extends the query step just before it.
      await settled(
        term,
        `%kql s2 = SigninLogs | where IPAddress in (${ips})`,
        /\(s2 · step 6 · \d+ ms · cache miss\)\npaste>$/,
      );
      await settled(term, '| where ResultType == "50126"', /\(s2 · step 7 · /);
      await settled(term, "| count", /\(s2 · step 8 · \d+ ms · cache miss\)\npaste>$/);
      const query = [
        `%kql s2 = SigninLogs | where IPAddress in (${ips})`,
        '| where ResultType == "50126"',
        "| count",
      ].join("\n");
      match(
        await term.after("paste> | count"),
        new RegExp(
          `^paste> \\| count\\nextends step 7: ${
            literal(query)
          }\\nCount\\n-----\\n\\s*${spray.failures50126}\\n`,
        ),
      );
      await settled(term, ".history", /\n8\s+s2\s+query\s+1\s/);
      const history = await term.after("paste> .history");
      match(history, /\n6\s+s2\s+query\s+\d+\s[\s\S]*\n7\s+s2\s+query\s+\d+\s/);
      ok(!/\n9\s/.test(history), history);

      // The extended query is remembered whole.
      await term.press("Up", "Up");
      await term.waitFor(new RegExp(`paste> ${literal(query)}$`));
      await term.press("C-u");

      // After a code step, a | line has nothing to continue: it says so.
      await settled(term, "n * 2", /paste> n \* 2\n6\npaste>$/);
      await settled(term, "| take 1", /error: A line starting with \| continues the query/);
      match(await term.after("error: A line"), /but step 9 \(_9\) is code\.\nhint: /);

      await term.press("C-d");
      await term.waitFor(/\[exited 0\]/);
      // Bracketed paste is off again: pasted into the shell's pane, the text has no markers.
      await term.paste("after-exit");
      const after = await term.waitFor(/after-exit/);
      ok(!after.includes("[200~"), after);

      // Entries come back whole from the history file in a new process.
      const again = new Terminal();
      try {
        await again.start(["repl", "--home", home, "--session", "paste"]);
        await again.waitFor(/\npaste>$/);
        // Newest first: `| take 1`, `n * 2`, `.history`, then the query.
        await again.press("Up", "Up", "Up", "Up");
        await again.waitFor(new RegExp(`paste> ${literal(query)}$`));
        await again.press("C-u");
        await again.line(".quit");
        await again.waitFor(/\[exited 0\]/);
      } finally {
        await again.close();
      }
    } finally {
      await term.close();
    }
  },
});
