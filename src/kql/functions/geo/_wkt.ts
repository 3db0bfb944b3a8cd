/**
 * Well-known text (WKT) to GeoJSON, for `geo_from_wkt`: the 2D geometry types POINT,
 * LINESTRING, POLYGON, their MULTI forms and GEOMETRYCOLLECTION. Anything else (EMPTY,
 * Z/M coordinates, out-of-range coordinates, malformed text) reads as null.
 *
 * @module
 */
import { readShape, validLngLat } from "./_shapes.ts";

type Position = [number, number];

class Reader {
  #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  #skip(): void {
    while (this.#at < this.#text.length && /\s/.test(this.#text[this.#at])) this.#at++;
  }

  /** Consumes `token` if it comes next. */
  eat(token: string): boolean {
    this.#skip();
    if (this.#text.startsWith(token, this.#at)) {
      this.#at += token.length;
      return true;
    }
    return false;
  }

  expect(token: string): void {
    if (!this.eat(token)) throw new SyntaxError(`expected ${token}`);
  }

  word(): string {
    this.#skip();
    const m = /^[A-Za-z]+/.exec(this.#text.slice(this.#at));
    if (!m) throw new SyntaxError("expected a geometry type");
    this.#at += m[0].length;
    return m[0].toUpperCase();
  }

  number(): number {
    this.#skip();
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.#text.slice(this.#at));
    if (!m) throw new SyntaxError("expected a number");
    this.#at += m[0].length;
    return Number(m[0]);
  }

  get done(): boolean {
    this.#skip();
    return this.#at >= this.#text.length;
  }
}

function position(r: Reader): Position {
  const lng = r.number();
  const lat = r.number();
  if (!validLngLat(lng, lat)) throw new RangeError("coordinate out of range");
  return [lng, lat];
}

/** `( item, item, ... )` */
function list<T>(r: Reader, item: (r: Reader) => T): T[] {
  r.expect("(");
  const out = [item(r)];
  while (r.eat(",")) out.push(item(r));
  r.expect(")");
  return out;
}

const positions = (r: Reader) => list(r, position);
const rings = (r: Reader) => list(r, positions);

/** A MULTIPOINT member: `1 2` or `(1 2)`. */
function multiPointMember(r: Reader): Position {
  if (r.eat("(")) {
    const p = position(r);
    r.expect(")");
    return p;
  }
  return position(r);
}

function geometry(r: Reader): Record<string, unknown> {
  const type = r.word();
  switch (type) {
    case "POINT": {
      r.expect("(");
      const p = position(r);
      r.expect(")");
      return { type: "Point", coordinates: p };
    }
    case "LINESTRING":
      return { type: "LineString", coordinates: positions(r) };
    case "POLYGON":
      return { type: "Polygon", coordinates: rings(r) };
    case "MULTIPOINT":
      return { type: "MultiPoint", coordinates: list(r, multiPointMember) };
    case "MULTILINESTRING":
      return { type: "MultiLineString", coordinates: list(r, positions) };
    case "MULTIPOLYGON":
      return { type: "MultiPolygon", coordinates: list(r, rings) };
    case "GEOMETRYCOLLECTION":
      return { type: "GeometryCollection", geometries: list(r, geometry) };
    default:
      throw new SyntaxError(`unsupported geometry ${type}`);
  }
}

/** The GeoJSON of a WKT text, or null when it is invalid or unsupported. */
export function wktToGeoJson(text: string): Record<string, unknown> | null {
  try {
    const r = new Reader(text);
    const out = geometry(r);
    if (!r.done) return null;
    return readShape(out) ? out : null;
  } catch {
    return null;
  }
}
