/**
 * KQL's geospatial functions: query in, values out. Expected numbers come from Kusto's
 * documentation examples and the Kusto emulator (reals compared within 1e-9 relative,
 * like the conformance suite).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";

async function rows(query: string, tables = {}): Promise<Record<string, unknown>[]> {
  return (await executeKql(query, { tables })).frame.toRecords();
}

/** The value of one expression; dynamic results are parsed from their JSON text. */
async function value(expression: string, prelude = ""): Promise<unknown> {
  const result = await executeKql(`${prelude}print v = ${expression}`);
  const v = result.frame.toRecords()[0].v;
  return result.schema.columns[0].type === "dynamic" && typeof v === "string" ? JSON.parse(v) : v;
}

function close(actual: unknown, expected: number, what = "value"): void {
  assert.equal(typeof actual, "number", `${what}: ${actual}`);
  const a = actual as number;
  assert.ok(
    Math.abs(a - expected) <= 1e-9 * Math.max(Math.abs(a), Math.abs(expected)),
    `${what}: expected ${expected}, got ${a}`,
  );
}

/** Deep equality with reals within 1e-9 relative. */
function near(actual: unknown, expected: unknown, path = "$"): void {
  if (typeof expected === "number") return close(actual, expected, path);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => near(actual[i], e, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === "object") {
    assert.ok(actual && typeof actual === "object", `${path}: expected an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), path);
    for (const [k, e] of Object.entries(expected)) {
      near((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    }
    return;
  }
  assert.deepEqual(actual, expected, path);
}

async function rejects(query: string, message: RegExp): Promise<void> {
  await assert.rejects(() => executeKql(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, String(e));
    assert.match(e.message, message);
    return true;
  });
}

const CENTRAL_PARK =
  `dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]})`;
const TWO_PARKS =
  `dynamic({"type":"MultiPolygon","coordinates":[[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]],[[[-73.94262313842773,40.775991804565585],[-73.98107528686523,40.791849155467695],[-73.99600982666016,40.77092185281977],[-73.96150588989258,40.75609977566361],[-73.94262313842773,40.775991804565585]]]]})`;
const INVALID_POLYGON =
  `dynamic({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]})`;
const LAS_VEGAS_ROAD =
  `dynamic({"type":"LineString","coordinates":[[-115.115385,36.229195],[-115.136995,36.200366],[-115.140252,36.192470],[-115.143558,36.188523],[-115.144076,36.181954],[-115.154662,36.174483],[-115.166431,36.176388],[-115.183289,36.175007],[-115.192612,36.176736],[-115.202485,36.173439],[-115.225355,36.174365]]})`;

// ---------------------------------------------------------------- distances

Deno.test("geo_distance_2points() measures on S2's sphere, or on WGS-84 when asked", async () => {
  close(
    await value("geo_distance_2points(-122.407628, 47.578557, -118.275287, 34.019056)"),
    1546754.35197381,
  );
  const spheroid = await value(
    "geo_distance_2points(-122.407628, 47.578557, -118.275287, 34.019056, true)",
  );
  assert.ok(Math.abs((spheroid as number) - 1545043.64) < 1, String(spheroid));
  assert.equal(await value("geo_distance_2points(300, 1, 1, 1)"), null);
  assert.equal(await value("geo_distance_2points(1, 1, real(null), 1)"), null);
  assert.equal(await value("geo_distance_2points(1, 1, 1, 1)"), 0);
});

Deno.test("geo_distance_2points() over columns (native) agrees with the folded constants", async () => {
  const T = pl.DataFrame({
    lng1: [-122.407628, 300, 1, null],
    lat1: [47.578557, 1, 1, 1],
    lng2: [-118.275287, 1, 1, 1],
    lat2: [34.019056, 1, 1, 1],
  });
  const got = await rows(
    "T | project d = geo_distance_2points(lng1, lat1, lng2, lat2), c = geo_point_in_circle(lng1, lat1, lng2, lat2, 1546755)",
    { T },
  );
  close(got[0].d, 1546754.35197381);
  assert.deepEqual(got.slice(1).map((r) => r.d), [null, 0, null]);
  assert.deepEqual(got.map((r) => r.c), [true, null, true, null]);
});

Deno.test("geo_point_in_circle() keeps the places within the radius", async () => {
  const got = await rows(`datatable(longitude:real, latitude:real, place:string)
    [
      real(-122.317404), 47.609119, 'Seattle',
      real(-123.497688), 47.458098, 'Olympic National Forest',
      real(-122.201741), 47.677084, 'Kirkland',
      real(-122.443663), 47.247092, 'Tacoma',
      real(-122.121975), 47.671345, 'Redmond',
    ]
    | where geo_point_in_circle(longitude, latitude, -122.317404, 47.609119, 18000)
    | project place`);
  assert.deepEqual(got.map((r) => r.place), ["Seattle", "Kirkland", "Redmond"]);
  assert.equal(await value("geo_point_in_circle(1, 1, 1, 1, -5)"), null);
});

Deno.test("geo_azimuth() and geo_angle() give clockwise angles in radians", async () => {
  close(await value("degrees(geo_azimuth(5, 10, 10, -40))"), 175.01565360656755);
  assert.equal(await value("geo_azimuth(5, 10, 5, 10)"), null);
  close(await value("degrees(geo_angle(0, 10, 0, 5, 3, -10))"), 168.73254319800884);
  assert.equal(await value("geo_angle(0, 10, 0, 10, 3, -10)"), null);
});

// ---------------------------------------------------------------- polygons

Deno.test("geo_point_in_polygon() honours holes and rejects invalid polygons", async () => {
  const manhattan =
    `dynamic({"type":"Polygon","coordinates":[[[-73.92597198486328,40.87821814104651],[-73.94691467285156,40.85069618625578],[-73.94691467285156,40.841865966890786],[-74.01008605957031,40.7519385984599],[-74.01866912841797,40.704586878965245],[-74.01214599609375,40.699901911003046],[-73.99772644042969,40.70875101828792],[-73.97747039794922,40.71083299030839],[-73.97026062011719,40.7290474687069],[-73.97506713867186,40.734510840309376],[-73.970947265625,40.74543623770158],[-73.94210815429688,40.77586181063573],[-73.9434814453125,40.78080140115127],[-73.92974853515625,40.79691751000055],[-73.93077850341797,40.804454347291006],[-73.93489837646484,40.80965166748853],[-73.93524169921875,40.837190668541105],[-73.92288208007812,40.85770758108904],[-73.9101791381836,40.871728144624974],[-73.92597198486328,40.87821814104651]],[[-73.95824432373047,40.80071852197889],[-73.98206233978271,40.76815921628347],[-73.97309303283691,40.76422632379533],[-73.94914627075195,40.796949998204596],[-73.95824432373047,40.80071852197889]]]})`;
  const got = await rows(`datatable(longitude:real, latitude:real, description:string)
    [
      real(-73.985654), 40.748487, 'Empire State Building',
      real(-73.963249), 40.779525, 'The Metropolitan Museum of Art',
      real(-73.874367), 40.777356, 'LaGuardia Airport',
    ]
    | where geo_point_in_polygon(longitude, latitude, ${manhattan})`);
  assert.deepEqual(got.map((r) => r.description), ["Empire State Building"]);
  assert.equal(await value(`geo_point_in_polygon(1, 1, ${INVALID_POLYGON})`), null);
  assert.equal(await value(`geo_point_in_polygon(500, 1, ${CENTRAL_PARK})`), null);
  // A self-crossing ring is not a polygon.
  assert.equal(
    await value(
      `geo_point_in_polygon(0.5, 0.2, dynamic({"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}))`,
    ),
    null,
  );
});

Deno.test("geo_point_in_polygon() accepts a clockwise shell (the smaller region)", async () => {
  const cw = `dynamic({"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]})`;
  assert.equal(await value(`geo_point_in_polygon(0.5, 0.5, ${cw})`), true);
  assert.equal(await value(`geo_point_in_polygon(5, 5, ${cw})`), false);
});

Deno.test("geo_polygon_area(), _perimeter() and _centroid() measure the union on the sphere", async () => {
  close(await value(`geo_polygon_area(${CENTRAL_PARK})`), 3475207.28346606);
  close(await value(`geo_polygon_area(${TWO_PARKS})`), 10889971.534347963);
  close(await value(`geo_polygon_perimeter(${TWO_PARKS})`), 15943.538457874045);
  near(await value(`geo_polygon_centroid(${CENTRAL_PARK})`), {
    type: "Point",
    coordinates: [-73.96573568990762, 40.78255053805781],
  });
  near(await value(`geo_polygon_centroid(${TWO_PARKS})`), {
    type: "Point",
    coordinates: [-73.96856958782088, 40.77631075255099],
  });
  assert.equal(await value(`geo_polygon_area(${INVALID_POLYGON})`), null);
});

Deno.test("geo_distance_point_to_polygon() is 0 inside and null for invalid input", async () => {
  assert.equal(await value(`geo_distance_point_to_polygon(-73.965, 40.782, ${CENTRAL_PARK})`), 0);
  const outside = await value(`geo_distance_point_to_polygon(-73.9839, 40.7705, ${CENTRAL_PARK})`);
  assert.ok((outside as number) > 200 && (outside as number) < 300, String(outside));
  assert.equal(await value(`geo_distance_point_to_polygon(1, 1, ${INVALID_POLYGON})`), null);
});

Deno.test("geo_closest_point_on_polygon() projects onto the nearest edge", async () => {
  near(await value(`geo_closest_point_on_polygon(-73.9839, 40.7705, ${CENTRAL_PARK})`), {
    type: "Point",
    coordinates: [-73.98120558015391, 40.76935945284321],
  });
  assert.equal(await value(`geo_closest_point_on_polygon(500, 1, ${CENTRAL_PARK})`), null);
});

Deno.test("geo_polygon_densify() reverses a clockwise ring and adds geodesic points", async () => {
  assert.equal(
    await value(
      `tostring(geo_polygon_densify(dynamic({"type":"Polygon","coordinates":[[[-73.958244,40.800719],[-73.949146,40.79695],[-73.973093,40.764226],[-73.982062,40.768159],[-73.958244,40.800719]]]})))`,
    ),
    `{"type":"Polygon","coordinates":[[[-73.982062,40.768159],[-73.973093,40.76422600000001],[-73.949146,40.79695],[-73.958244,40.800719],[-73.982062,40.768159]]]}`,
  );
  near(
    await value(
      `geo_polygon_densify(dynamic({"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}))`,
    ),
    {
      type: "Polygon",
      coordinates: [[
        [10, 10],
        [10.25, 10],
        [10.5, 10],
        [10.75, 10],
        [11, 10],
        [11, 11],
        [
          10.75,
          11,
        ],
        [10.5, 11],
        [10.25, 11],
        [10, 11],
        [10, 10],
      ]],
    },
  );
  assert.equal(await value(`geo_polygon_densify(${CENTRAL_PARK}, 0)`), null);
});

Deno.test("geo_polygon_simplify() drops vertices within the tolerance, null when it vanishes", async () => {
  near(
    await value(
      `geo_polygon_simplify(dynamic({"type":"Polygon","coordinates":[[[-73.94885122776031,40.79673476355657],[-73.94885927438736,40.79692258628347],[-73.94887939095497,40.79692055577034],[-73.9488673210144,40.79693476936093],[-73.94888743758202,40.79693476936093],[-73.9488834142685,40.796959135509105],[-73.94890084862709,40.79695304397289],[-73.94906312227248,40.79710736271788],[-73.94923612475395,40.7968708081794],[-73.94885122776031,40.79673476355657]]]}))`,
    ),
    {
      type: "Polygon",
      coordinates: [[
        [-73.948851227760315, 40.796734763556572],
        [-73.949063122272477, 40.797107362717881],
        [-73.949236124753952, 40.7968708081794],
        [-73.948851227760315, 40.796734763556572],
      ]],
    },
  );
  const small = `dynamic({"type":"Polygon","coordinates":[[[5,48],[0,50],[0,47],[4,47],[5,48]]]})`;
  assert.equal(await value(`geo_polygon_simplify(${small}, 1000000)`), null);
  assert.equal(await value(`geo_polygon_simplify(${small}, -0.1)`), null);
});

Deno.test("geo_union_polygons_array() merges overlapping polygons at geodesic crossings", async () => {
  near(
    await value(
      `geo_union_polygons_array(pack_array(dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807,40.80068],[-73.98201,40.76825],[-73.97317,40.76455],[-73.9495,40.7969]]]}), dynamic({"type":"Polygon","coordinates":[[[-73.94622,40.79249],[-73.96888,40.79282],[-73.9577,40.7789],[-73.94622,40.79249]]]})))`,
    ),
    {
      type: "Polygon",
      coordinates: [[
        [-73.9495, 40.7969],
        [-73.95807, 40.80068],
        [-73.9639277517478, 40.792748258673875],
        [-73.96888, 40.79281999999999],
        [-73.9662719791645, 40.7895734224338],
        [-73.98201, 40.768249999999995],
        [-73.97317, 40.76455],
        [-73.96030238370618, 40.782140794645024],
        [-73.9577, 40.7789],
        [-73.94622, 40.79249],
        [-73.9526593223173, 40.79258422771647],
        [-73.9495, 40.7969],
      ]],
    },
  );
  assert.equal(
    await value(
      `geo_union_polygons_array(pack_array(${CENTRAL_PARK}, dynamic({"type":"Polygon","coordinates":[[[-73.94622,40.79249]]]})))`,
    ),
    null,
  );
});

Deno.test("geo_intersection_2polygons() returns polygons, touching points, or an empty collection", async () => {
  const triangle = `dynamic({"type":"Polygon","coordinates":[[[2,45],[0,45],[1,44],[2,45]]]})`;
  near(
    await value(
      `geo_intersection_2polygons(${triangle}, dynamic({"type":"Polygon","coordinates":[[[3,44],[2,45],[2,43],[3,44]]]}))`,
    ),
    { type: "Point", coordinates: [2, 45] },
  );
  near(
    await value(
      `geo_intersection_2polygons(${triangle}, dynamic({"type":"MultiPolygon","coordinates":[[[[3,44],[2,45],[2,43],[3,44]]],[[[1.192,45.265],[1.005,44.943],[1.356,44.937],[1.192,45.265]]]]}))`,
    ),
    {
      type: "GeometryCollection",
      geometries: [
        { type: "Point", coordinates: [2, 45] },
        {
          type: "Polygon",
          coordinates: [[
            [1.3227075526410679, 45.003909145068739],
            [1.0404565374899824, 45.004356403066552],
            [1.005, 44.943],
            [1.356, 44.937],
            [1.3227075526410679, 45.003909145068739],
          ]],
        },
      ],
    },
  );
  assert.deepEqual(
    await value(
      `geo_intersection_2polygons(${triangle}, dynamic({"type":"Polygon","coordinates":[[[3,44],[3,45],[2,43],[3,44]]]}))`,
    ),
    { type: "GeometryCollection", geometries: [] },
  );
  assert.equal(
    await value(`geo_intersection_2polygons(dynamic({"type":"Polygon"}), ${CENTRAL_PARK})`),
    null,
  );
});

Deno.test("geo_intersects_2polygons() is true for overlapping polygons", async () => {
  const a =
    `dynamic({"type":"Polygon","coordinates":[[[-73.9630937576294,40.77498840732385],[-73.963565826416,40.774383111780914],[-73.96205306053162,40.773745311181585],[-73.96160781383514,40.7743912365898],[-73.9630937576294,40.77498840732385]]]})`;
  const b =
    `dynamic({"type":"Polygon","coordinates":[[[-73.96213352680206,40.775045280447145],[-73.9631313085556,40.774578106920345],[-73.96207988262177,40.77416780398293],[-73.96213352680206,40.775045280447145]]]})`;
  assert.equal(await value(`geo_intersects_2polygons(${a}, ${b})`), true);
  assert.equal(await value(`geo_intersects_2polygons(${a}, ${CENTRAL_PARK})`), false);
});

Deno.test("geo_polygon_to_s2cells() covers at one level and gives up on huge coverings", async () => {
  const triangle = `dynamic({"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]})`;
  assert.equal(await value(`array_length(geo_polygon_to_s2cells(${triangle}, 5))`), 286);
  assert.equal(await value(`geo_polygon_to_s2cells(${triangle}, 30)`), null);
});

Deno.test("geo_polygon_to_h3cells() lists the cells whose centers are inside", async () => {
  const madrid =
    `dynamic({"type":"Polygon","coordinates":[[[-3.659,40.553],[-3.913,40.409],[-3.729,40.273],[-3.524,40.440],[-3.659,40.553]]]})`;
  const got = await value(`geo_polygon_to_h3cells(${madrid})`) as string[];
  assert.deepEqual([...got].sort(), [
    "86390ca07ffffff",
    "86390ca27ffffff",
    "86390ca2fffffff",
    "86390ca37ffffff",
    "86390cb07ffffff",
    "86390cb0fffffff",
    "86390cb17ffffff",
    "86390cb1fffffff",
    "86390cb57ffffff",
    "86390cb87ffffff",
    "86390cb8fffffff",
    "86390cba7ffffff",
    "86390cbafffffff",
  ]);
  assert.equal(
    await value(
      `geo_polygon_to_h3cells(dynamic({"type":"Polygon","coordinates":[[[0,0],[1,1]]]}))`,
    ),
    null,
  );
  // A buffer radius adds the cells whose centers are within it.
  const buffered = await value(`geo_polygon_to_h3cells(${madrid}, 6, 5000)`) as string[];
  assert.ok(got.every((c) => buffered.includes(c)) && buffered.length > got.length);
  assert.equal(await value(`geo_polygon_to_h3cells(${madrid}, 6, -1)`), null);
});

// ---------------------------------------------------------------- lines

Deno.test("geo_line_length() and geo_line_centroid() measure lines and multilines", async () => {
  close(
    await value(
      `geo_line_length(dynamic({"type":"LineString","coordinates":[[-73.95807266235352,40.800426144169315],[-73.94966125488281,40.79691751000055],[-73.97317886352539,40.764486356930334]]}))`,
    ),
    4922.4801699208065,
  );
  const multi =
    `dynamic({"type":"MultiLineString","coordinates":[[[-73.95798683166502,40.800556090021466],[-73.98193359375,40.76819171855746]],[[-73.94940376281738,40.79691751000055],[-73.97317886352539,40.76435634049001]]]})`;
  close(await value(`geo_line_length(${multi})`), 8262.243397537412);
  near(await value(`geo_line_centroid(${multi})`), {
    type: "Point",
    coordinates: [-73.96562218400669, 40.78250336313828],
  });
  assert.equal(
    await value(`geo_line_length(dynamic({"type":"LineString","coordinates":[[1,1]]}))`),
    null,
  );
});

Deno.test("geo_distance_point_to_line() and geo_closest_point_on_line() use the nearest edge", async () => {
  close(
    await value(`geo_distance_point_to_line(-115.199625, 36.210419, ${LAS_VEGAS_ROAD})`),
    3797.88887253334,
  );
  near(await value(`geo_closest_point_on_line(-115.199625, 36.210419, ${LAS_VEGAS_ROAD})`), {
    type: "Point",
    coordinates: [-115.19261200000001, 36.176736],
  });
  assert.equal(await value(`geo_distance_point_to_line(300, 3, ${LAS_VEGAS_ROAD})`), null);
  assert.equal(
    await value(`geo_distance_point_to_line(1, 1, dynamic({"type":"LineString"}))`),
    null,
  );
});

Deno.test("geo_line_interpolate_point() and geo_line_locate_point() walk along the line", async () => {
  const line =
    `dynamic({"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]})`;
  near(await value(`geo_line_interpolate_point(${line}, 0.25)`), {
    type: "Point",
    coordinates: [-73.96176404321828, 40.79143668725723],
  });
  close(await value(`geo_line_locate_point(${line}, -73.96176404321828, 40.79143668725723)`), 0.25);
  assert.equal(await value(`geo_line_interpolate_point(${line}, 1.5)`), null);
});

Deno.test("geo_line_densify() and geo_line_simplify() edit lines; bad tolerances give null", async () => {
  near(
    await value(
      `geo_line_densify(dynamic({"type":"LineString","coordinates":[[50, 50], [51, 51]]}))`,
    ),
    {
      type: "LineString",
      coordinates: [50, 50.125, 50.25, 50.375, 50.5, 50.625, 50.75, 50.875, 51].map((x) => [x, x]),
    },
  );
  near(
    await value(
      `geo_line_simplify(dynamic({"type":"LineString","coordinates":[[-73.97033169865608,40.789063020152824],[-73.97039607167244,40.78897975920816],[-73.9704617857933,40.78888837512432],[-73.97052884101868,40.7887949601531],[-73.9706052839756,40.788698498903564],[-73.97065222263336,40.78862640672032],[-73.97072866559029,40.78852791445617],[-73.97079303860664,40.788434498977836]]}), 10)`,
    ),
    {
      type: "LineString",
      coordinates: [[-73.97033169865608, 40.789063020152824], [
        -73.97079303860664,
        40.788434498977836,
      ]],
    },
  );
  const short = `dynamic({"type":"LineString","coordinates":[[1.1, 1.1],[1.2,1.2]]})`;
  assert.equal(await value(`geo_line_simplify(${short}, 100000)`), null);
  assert.equal(await value(`geo_line_simplify(${short}, -1)`), null);
  assert.equal(await value(`geo_line_densify(${short}, 0)`), null);
});

Deno.test("geo_intersection_2lines() and geo_intersects_2lines() find crossings and overlaps", async () => {
  const a =
    `dynamic({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]})`;
  const b =
    `dynamic({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]})`;
  assert.equal(await value(`geo_intersects_2lines(${a}, ${b})`), true);
  near(await value(`geo_intersection_2lines(${a}, ${b})`), {
    type: "Point",
    coordinates: [-73.979837116670978, 40.783989289772165],
  });
  near(await value(`geo_intersection_2lines(${a}, ${a})`), {
    type: "LineString",
    coordinates: [[-73.978929, 40.785155], [-73.980903, 40.782621]],
  });
  assert.deepEqual(
    await value(
      `geo_intersection_2lines(dynamic({"type":"LineString","coordinates":[[1, 1],[2, 2]]}), dynamic({"type":"LineString","coordinates":[[3, 3],[4, 4]]}))`,
    ),
    { type: "GeometryCollection", geometries: [] },
  );
  assert.equal(await value(`geo_intersection_2lines(${a}, ${CENTRAL_PARK})`), null);
});

Deno.test("geo_union_lines_array() merges shared segments into one chain", async () => {
  const got = await rows(`datatable(lines:dynamic)
    [
      dynamic({"type":"LineString","coordinates":[[-73.95683884620665,40.80502891480884],[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311]]}),
      dynamic({"type":"LineString","coordinates":[[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311],[-73.95537436008453,40.804413741624515]]}),
      dynamic({"type":"LineString","coordinates":[[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311]]})
    ]
    | summarize lines_arr = make_list(lines)
    | project u = geo_union_lines_array(lines_arr)`);
  near(JSON.parse(got[0].u as string), {
    type: "LineString",
    coordinates: [
      [-73.95683884620665, 40.80502891480884],
      [-73.95633727312088, 40.8057171711177],
      [-73.95489156246185, 40.80510200431312],
      [-73.95537436008453, 40.80441374162452],
    ],
  });
});

// ---------------------------------------------------------------- WKT

Deno.test("geo_from_wkt() converts WKT to GeoJSON, null for invalid text", async () => {
  assert.deepEqual(await value(`geo_from_wkt("POINT (1 2)")`), {
    type: "Point",
    coordinates: [1, 2],
  });
  assert.deepEqual(await value(`geo_from_wkt("MULTIPOINT (1 1, 2 2, 3 3)")`), {
    type: "MultiPoint",
    coordinates: [[1, 1], [2, 2], [3, 3]],
  });
  assert.deepEqual(
    await value(
      `geo_from_wkt("GEOMETRYCOLLECTION (POINT (1 1),LINESTRING (2 2, 3 3, 4 4),POLYGON ((10 10, 12 10, 12 12, 10 10)))")`,
    ),
    {
      type: "GeometryCollection",
      geometries: [
        { type: "Point", coordinates: [1, 1] },
        { type: "LineString", coordinates: [[2, 2], [3, 3], [4, 4]] },
        { type: "Polygon", coordinates: [[[10, 10], [12, 10], [12, 12], [10, 10]]] },
      ],
    },
  );
  assert.equal(await value(`geo_from_wkt("LINESTRING")`), null);
  assert.equal(await value(`geo_from_wkt("POINT (500 1)")`), null);
});

// ---------------------------------------------------------------- grids

Deno.test("geohash functions encode, decode and list neighbors", async () => {
  assert.equal(await value("geo_point_to_geohash(42.47314453125, 23.70849609375)"), "sunny");
  assert.equal(await value("geo_point_to_geohash(42.47314453125, 23.70849609375, 19)"), "");
  near(await value(`geo_geohash_to_central_point("sunny")`), {
    type: "Point",
    coordinates: [42.47314453125, 23.70849609375],
  });
  assert.equal(await value(`geo_geohash_to_central_point("a")`), null);
  near(await value(`geo_geohash_to_polygon("sunny")`), {
    type: "Polygon",
    coordinates: [[
      [42.451171875, 23.6865234375],
      [42.4951171875, 23.6865234375],
      [42.4951171875, 23.73046875],
      [42.451171875, 23.73046875],
      [42.451171875, 23.6865234375],
    ]],
  });
  const neighbors = await value(`geo_geohash_neighbors("sunny")`) as string[];
  assert.deepEqual([...neighbors].sort(), [
    "sunnt",
    "sunnv",
    "sunnw",
    "sunnx",
    "sunnz",
    "sunpj",
    "sunpn",
    "sunpp",
  ]);
  assert.equal(await value(`geo_geohash_neighbors("a")`), null);
});

Deno.test("S2 functions hash points, draw cells and list neighbors", async () => {
  assert.equal(await value("geo_point_to_s2cell(-80.195829, 25.802215, 8)"), "88d9b");
  assert.equal(await value("geo_point_to_s2cell(300, 1, 8)"), "");
  near(await value(`geo_s2cell_to_polygon("89c259")`), {
    type: "Polygon",
    coordinates: [[
      [-74.03001224983848, 40.8012684339439],
      [-74.03001224983848, 40.7222262918358],
      [-73.93598211433742, 40.708880489804564],
      [-73.93598211433742, 40.78791713450684],
      [-74.03001224983848, 40.8012684339439],
    ]],
  });
  const neighbors = await value(`geo_s2cell_neighbors("89c259")`) as string[];
  assert.deepEqual([...neighbors].sort(), [
    "89c251",
    "89c257",
    "89c25b",
    "89c25d",
    "89c25f",
    "89c2f5",
    "89c2f7",
    "89c2f9",
  ]);
  assert.equal(await value(`geo_s2cell_neighbors("a")`), null);
  assert.equal(await value(`geo_s2cell_to_central_point("zz")`), null);
});

Deno.test("S2 cells join nearby points (geospatial join)", async () => {
  const got = await rows(`
    let locations1 = datatable(name: string, longitude: real, latitude: real)
    [
      "a", -0.12433080766874127, 51.51115841361647,
      "b", -0.12432651341458723, 51.511160848670585,
      "c", -0.12432466939637266, 51.51115959669167,
      "d", 1, 1,
    ];
    let locations2 = datatable(id: string, longitude: real, latitude: real)
    [ "1", -0.12432668105284961, 51.51115938802832 ];
    locations1
    | extend hash = geo_point_to_s2cell(longitude, latitude, 22)
    | join kind = inner (locations2 | extend hash = geo_point_to_s2cell(longitude, latitude, 22)) on hash
    | project name, id
    | order by name asc`);
  assert.deepEqual(got.map((r) => r.name), ["a", "b", "c"]);
});

Deno.test("H3 functions hash points and walk the hierarchy and rings", async () => {
  assert.equal(
    await value("geo_point_to_h3cell(-74.04450446039874, 40.689250859314974, 6)"),
    "862a1072fffffff",
  );
  assert.equal(await value("geo_point_to_h3cell(1, 1, 16)"), "");
  assert.equal(await value(`geo_h3cell_level("862a1072fffffff")`), 6);
  assert.equal(await value(`geo_h3cell_level("abc")`), null);
  assert.equal(await value(`geo_h3cell_parent("862a1072fffffff")`), "852a1073fffffff");
  assert.equal(await value(`geo_h3cell_parent("862a1072fffffff", 1)`), "812a3ffffffffff");
  assert.equal(await value(`geo_h3cell_parent("862a1072fffffff", 15)`), "");
  assert.deepEqual(await value(`geo_h3cell_children("862a1072fffffff")`), [
    "872a10728ffffff",
    "872a10729ffffff",
    "872a1072affffff",
    "872a1072bffffff",
    "872a1072cffffff",
    "872a1072dffffff",
    "872a1072effffff",
  ]);
  assert.equal(await value(`array_length(geo_h3cell_children("862a1072fffffff", 9))`), 343);
  assert.equal(await value(`geo_h3cell_children(geo_point_to_h3cell(1, 1, 9), 15)`), null);
  assert.deepEqual(await value(`geo_h3cell_neighbors("862a1072fffffff")`), [
    "862a10727ffffff",
    "862a10707ffffff",
    "862a1070fffffff",
    "862a10777ffffff",
    "862a100dfffffff",
    "862a100d7ffffff",
  ]);
  assert.deepEqual(await value(`geo_h3cell_rings("861f8894fffffff", 1)`), [
    ["861f8894fffffff"],
    [
      "861f88947ffffff",
      "861f8895fffffff",
      "861f88867ffffff",
      "861f8d497ffffff",
      "861f8d4b7ffffff",
      "861f8896fffffff",
    ],
  ]);
  assert.equal(await value(`geo_h3cell_rings("861f8894fffffff", 150)`), null);
  near(await value(`geo_h3cell_to_central_point("862a1072fffffff")`), {
    type: "Point",
    coordinates: [-74.01600847979243, 40.704167908350385],
  });
  assert.equal(await value(`geo_h3cell_to_polygon("@")`), null);
});

// ---------------------------------------------------------------- argument checks

Deno.test("geo functions reject arguments of the wrong type", async () => {
  await rejects(
    `print geo_point_in_polygon(1, 1, "not a polygon")`,
    /argument 3 of geo_point_in_polygon\(\) must be a dynamic GeoJSON value, not string/,
  );
  await rejects(
    `print geo_distance_2points("a", 1, 1, 1)`,
    /argument 1 of geo_distance_2points\(\) must be a number, not string/,
  );
  await rejects(`print geo_h3cell_level(1)`, /argument 1 of geo_h3cell_level\(\) must be a string/);
  await rejects(`print geo_polygon_area()`, /geo_polygon_area/);
});

Deno.test("geo functions give null (or an empty token) for null inputs", async () => {
  assert.equal(await value("geo_polygon_area(dynamic(null))"), null);
  assert.equal(await value("geo_line_length(dynamic(null))"), null);
  assert.equal(await value("geo_point_to_s2cell(real(null), 1)"), "");
  assert.equal(await value("geo_point_to_h3cell(1, real(null))"), "");
  assert.equal(await value("geo_point_to_geohash(real(null), 1)"), "");
  assert.equal(await value(`geo_s2cell_to_polygon("")`), null);
});
