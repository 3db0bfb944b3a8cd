/**
 * Kusto's GeoJSON coordinates are doubles: `tostring()` of a geo function's result writes
 * integral coordinates as reals (`50.0`). The expected text is Kusto's documented output
 * of `geo_line_densify` (its documentation's second example).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { tempFolder } from "../_helpers.ts";
import { pipeRepl } from "../repl/_piped.ts";

const LINE = `dynamic({"type":"LineString","coordinates":[[50, 50], [51, 51]]})`;
const DOCUMENTED = '{"type":"LineString","coordinates":[[50.0,50.0],[50.125,50.125],' +
  "[50.25000000000001,50.25000000000001],[50.375,50.375],[50.5,50.5]," +
  "[50.625,50.62500000000001],[50.74999999999999,50.74999999999999],[50.875,50.875]," +
  "[50.99999999999999,51.0]]}";

async function first(query: string): Promise<unknown[]> {
  return (await executeKql(query)).frame.row(0);
}

Deno.test("tostring() of a geo result writes coordinates as reals, as Kusto does", async () => {
  assert.deepEqual(await first(`print s = tostring(geo_line_densify(${LINE}))`), [DOCUMENTED]);
  // Row by row too (the argument is a column, not a constant).
  assert.deepEqual(
    await first(
      `datatable(x: real) [50] | project s = tostring(geo_line_densify(pack("type", "LineString", "coordinates", pack_array(pack_array(x, x), pack_array(x + 1, x + 1)))))`,
    ),
    [DOCUMENTED],
  );
  assert.deepEqual(
    await first(`print s = tostring(geo_geohash_to_central_point("s"))`),
    ['{"type":"Point","coordinates":[22.5,22.5]}'],
  );
  assert.deepEqual(
    await first(`print s = tostring(geo_geohash_to_polygon("s"))`),
    ['{"type":"Polygon","coordinates":[[[0.0,0.0],[45.0,0.0],[45.0,45.0],[0.0,45.0],[0.0,0.0]]]}'],
  );
});

Deno.test("the reals stay numbers for the functions and operators that read them", async () => {
  const [length, x, sum] = await first(`let d = geo_line_densify(${LINE});
    print n = array_length(d.coordinates), x = todouble(d.coordinates[0][0]),
      s = toreal(d.coordinates[0][0]) + 1`);
  assert.deepEqual([length, x, sum], [9, 50, 51]);
  const [inside] = await first(
    `print geo_point_in_polygon(22.5, 22.5, geo_geohash_to_polygon("s"))`,
  );
  assert.equal(inside, true);
});

Deno.test({
  name: "in the piped REPL: a densified line prints with real coordinates",
  sanitizeResources: false,
  async fn() {
    const home = await tempFolder();
    const run = await pipeRepl(home, "geo", [
      `.display width full`,
      `%kql print s = tostring(geo_line_densify(${LINE}))`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes('"coordinates":[[50.0,50.0],[50.125,50.125]'), run.stdout);
  },
});
