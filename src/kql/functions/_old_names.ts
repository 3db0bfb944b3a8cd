/**
 * Old names Kusto still accepts (hidden in Kusto.Language, marked obsolete), registered as
 * the functions they were renamed to: `notnull`, `notempty`, `arraylength`, `parsejson`
 * and the aggregate `cnt` (count(), its column named `cnt_`). The old `argmax`/`argmin`,
 * `anyif` and `make_dictionary`, whose columns are named differently, are in
 * `_aggregates_more.ts`.
 *
 * @module
 */
import {
  AGGREGATE_FUNCTIONS,
  defineAggregate,
  defineScalar,
  SCALAR_FUNCTIONS,
} from "./_registry.ts";

for (
  const [old, current] of [
    ["notnull", "isnotnull"],
    ["notempty", "isnotempty"],
    ["arraylength", "array_length"],
    ["parsejson", "parse_json"],
  ]
) {
  const fn = SCALAR_FUNCTIONS.get(current);
  if (!fn) throw new Error(`internal: ${current}() is not registered`);
  defineScalar(old, fn);
}

const count = AGGREGATE_FUNCTIONS.get("count");
if (!count) throw new Error("internal: count() is not registered");
defineAggregate("cnt", {
  minArgs: 0,
  maxArgs: 0,
  compile(site) {
    const call = count.compile(site);
    return { ...call, outputs: call.outputs.map((o) => ({ ...o, name: "cnt_" })) };
  },
});
