/**
 * The local provider parses a query once: the tables it names, each table's time window
 * and the plan read the one tree. So the helpers that used to parse the text again take
 * what the tree says. Each test hands a helper a tree together with a text that does not
 * parse (a text parsed again would lose the tree's wildcard and answer otherwise).
 */
import assert from "node:assert/strict";
import { parseKql, tablePatterns } from "../../src/kql/syntax.ts";
import { timeWindow } from "../../src/providers/local/_time_window.ts";
import { referencedTables } from "../../src/providers/local/_query_tables.ts";

// SigninLogs filtered from 1 March 2026, joined with a search of every table whose name
// starts with Sign: SigninLogs again, unfiltered. No window holds for SigninLogs.
const QUERY = "SigninLogs | where TimeGenerated >= datetime(2026-03-01) " +
  '| join kind=inner (search in (Sign*) "bob") on UserPrincipalName';
// The same text cut off after a pipe: it does not parse, so it has no wildcard to read.
const UNPARSED = `${QUERY} |`;

Deno.test("timeWindow() reads the wildcard from the tree it is handed: no window", () => {
  assert.throws(() => parseKql(UNPARSED));
  const tree = parseKql(QUERY);
  assert.equal(timeWindow(UNPARSED, tree, "SigninLogs"), undefined);
  assert.equal(timeWindow(QUERY, tree, "SigninLogs"), undefined);
  // Without the union, the filter is the window (1 March 2026, in microseconds).
  const filtered = "SigninLogs | where TimeGenerated >= datetime(2026-03-01)";
  assert.deepEqual(timeWindow(filtered, parseKql(filtered), "SigninLogs"), {
    column: "TimeGenerated",
    from: 1_772_323_200_000_000n,
    to: undefined,
  });
});

Deno.test("referencedTables() takes the wildcards it is given, not the text's own parse", () => {
  const tables = ["SigninLogs", "SecurityEvent", "Syslog"];
  const patterns = tablePatterns(parseKql('search in (Sign*, Sys*) "bob"'));
  assert.deepEqual(patterns.toSorted(), ["Sign*", "Sys*"]);
  assert.deepEqual(
    referencedTables('search in (Sign*, Sys*) "bob" |', tables, patterns).toSorted(),
    ["SigninLogs", "Syslog"],
  );
  // Without them, the text is parsed (the loopback Log Analytics service's call).
  assert.deepEqual(referencedTables('search in (Sec*) "bob"', tables), ["SecurityEvent"]);
});
