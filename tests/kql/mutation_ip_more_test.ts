/**
 * More of the IP functions (src/kql/functions/_ip.ts), for the survivors of a 20-mutant harness
 * run (issue 23, M2). Expected values from the Kusto docs: `format_ipv4(ip [, prefix])` needs its
 * address and gives `192.168.1.0` for `format_ipv4(3232236031, 24)`; `parse_ipv6(ip)` takes one
 * argument and `parse_ipv6('255.255.255.255')` is `0000:0000:0000:0000:0000:ffff:ffff:ffff`;
 * `ipv6_is_in_range(ip, range)` takes two.
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";
import { failure, records } from "./_records.ts";

Deno.test("mutation/ip: format_ipv4() needs its address (casefile query)", async () => {
  const run = await runCasefile(["query", "print format_ipv4()", "--format", "json"]);
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stderr, /format_ipv4\(\) takes 1 to 2 argument/);
  for (const name of ["format_ipv4", "format_ipv4_mask"]) {
    const error = await failure(`print ${name}()`);
    assert.match(error.message, new RegExp(`${name}\\(\\) takes 1 to 2 argument`));
  }
  // The docs' number form, with and without the optional prefix.
  const [r] = await records(
    "print a = format_ipv4(3232236031, 24), b = format_ipv4(3232236031), " +
      "c = format_ipv4_mask(3232236031, 24)",
  );
  assert.deepEqual(r, { a: "192.168.1.0", b: "192.168.1.255", c: "192.168.1.0/24" });
});

Deno.test("mutation/ip: parse_ipv6() takes one argument, ipv6_is_in_range() two", async () => {
  const [r] = await records("print v = parse_ipv6('255.255.255.255')");
  assert.deepEqual(r, { v: "0000:0000:0000:0000:0000:ffff:ffff:ffff" });
  const one = await failure("print parse_ipv6('255.255.255.255', 24)");
  assert.match(one.message, /parse_ipv6\(\) takes 1 argument\(s\), not 2/);
  const none = await failure("print parse_ipv6()");
  assert.match(none.message, /parse_ipv6\(\) takes 1 argument\(s\), not 0/);
  const range = await failure("print ipv6_is_in_range('fe80::1', 'fe80::/64', 64)");
  assert.match(range.message, /ipv6_is_in_range\(\) takes 2 argument\(s\), not 3/);
});
