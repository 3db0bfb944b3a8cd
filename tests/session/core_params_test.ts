import assert from "node:assert/strict";
import { formatParam, param, ParamSet, parseParam, Timespan } from "../../src/session/params.ts";
import { ParamError } from "../../src/session/errors.ts";

Deno.test("parseParam reads each kind from values and from text", () => {
  assert.equal(
    parseParam("t", "datetime", "2026-03-10 14:00").toISOString(),
    "2026-03-10T14:00:00.000Z",
  );
  assert.equal(parseParam("d", "timespan", "1.02:00:00").micros, 26 * 3_600_000_000);
  assert.equal(String(parseParam("d", "timespan", "90m")), "90m");
  const range = parseParam("w", "timerange", "2026-03-10..2026-03-12T12:00Z");
  assert.equal(range.end.toISOString(), "2026-03-12T12:00:00.000Z");
  assert.equal(
    parseParam("w", "timerange", "2026-03-10/P2D").end.toISOString(),
    "2026-03-12T00:00:00.000Z",
  );
  assert.deepEqual(parseParam("l", "strings", " a, b ,,c"), ["a", "b", "c"]);
  assert.equal(parseParam("ip", "ip", "2001:db8::1"), "2001:db8::1");
  assert.equal(parseParam("ip", "ip", "10.0.0.0/8"), "10.0.0.0/8");
  assert.equal(parseParam("n", "number", "1e3"), 1000);
  assert.equal(parseParam("b", "bool", "yes"), true);
});

Deno.test("parseParam says which parameter is wrong and what it takes", () => {
  const cases: Array<[string, Parameters<typeof parseParam>[1], unknown]> = [
    ["start", "datetime", "yesterday-ish"],
    ["lookback", "timespan", "a while"],
    ["window", "timerange", "2026-03-12..2026-03-10"],
    ["ip", "ip", "10.0.0.300"],
    ["ip", "ip", "10.0.0.0/33"],
    ["n", "number", "12abc"],
    ["n", "number", Infinity],
    ["upn", "string", 42],
    ["flag", "bool", "maybe"],
  ];
  for (const [name, kind, input] of cases) {
    assert.throws(() => parseParam(name, kind, input), (e: unknown) => {
      assert.ok(e instanceof ParamError, `${kind} ${input}`);
      assert.equal(e.param, name);
      assert.match(e.message, new RegExp(`Parameter ${name} \\(${kind}\\)`));
      assert.ok(e.hint && e.hint.length > 10);
      return true;
    });
  }
});

Deno.test("formatParam round-trips through parseParam", () => {
  const values = {
    datetime: new Date("2026-03-10T14:05:06.789Z"),
    timespan: Timespan.parse("36h")!,
    timerange: { start: new Date("2026-03-10T00:00:00Z"), end: new Date("2026-03-11T00:00:00Z") },
    strings: ["a", "b"],
    ip: "203.0.113.61",
    number: -2.5,
    bool: false,
    string: "j.doe@larkspur.example",
  } as const;
  for (const [kind, value] of Object.entries(values)) {
    const k = kind as keyof typeof values;
    assert.deepEqual(parseParam("x", k, formatParam(k, value)), value);
  }
});

Deno.test("ParamSet: defaults, values, unknown names with suggestions", () => {
  const set = new ParamSet();
  set.define({
    upn: param.string({ default: "a@b.example", description: "the account" }),
    since: param.datetime(),
  });
  assert.equal(set.get("upn"), "a@b.example");
  assert.throws(() => set.get("since"), /has no value/);
  assert.throws(
    () => set.set({ upm: "x" }),
    (e: unknown) => e instanceof ParamError && /upn/.test(e.hint ?? ""),
  );
  // All values are checked before any is set.
  assert.throws(() => set.set({ upn: "c@d.example", since: "not a date" }), ParamError);
  assert.equal(set.get("upn"), "a@b.example");
  set.set({ since: "2026-03-10" });
  assert.deepEqual(set.toJson(), { upn: "a@b.example", since: "2026-03-10T00:00:00Z" });
  assert.equal(set.list()[0].description, "the account");
  assert.throws(() => set.define({ "bad name": param.string("x") }), ParamError);
});
