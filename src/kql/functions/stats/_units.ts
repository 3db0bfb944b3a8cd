/**
 * Unit tables of the `convert_*()` functions. Kusto converts with the UnitsNet library;
 * these are UnitsNet's definitions (each unit's conversion to and from the quantity's base
 * unit, SI prefixes applied the way UnitsNet generates prefixed units), limited to the
 * units Kusto's documentation lists.
 *
 * @module
 */

/** How one unit converts to and from its quantity's base unit. */
export interface Unit {
  readonly toBase: (x: number) => number;
  readonly fromBase: (x: number) => number;
}

/** A unit worth `f` base units. */
const times = (f: number): Unit => ({ toBase: (x) => x * f, fromBase: (x) => x / f });
/** A unit worth 1 / `f` base units (UnitsNet writes these as divisions). */
const per = (f: number): Unit => ({ toBase: (x) => x / f, fromBase: (x) => x * f });

const PREFIXES = {
  Nano: 1e-9,
  Micro: 1e-6,
  Milli: 1e-3,
  Centi: 1e-2,
  Deci: 1e-1,
  Deca: 1e1,
  Hecto: 1e2,
  Kilo: 1e3,
  Mega: 1e6,
  Giga: 1e9,
  Tera: 1e12,
} as const;

type Prefix = keyof typeof PREFIXES;

/** A unit table entry: the unit, and the SI prefixes it also comes with. */
type Entry = readonly [Unit, ...Prefix[]];

/** Expands prefixed units: `Kilo` + `Meter` is `Kilometer`, worth 1e3 meters. */
function table(entries: Record<string, Entry>): ReadonlyMap<string, Unit> {
  const units = new Map<string, Unit>();
  for (const [name, [unit, ...prefixes]] of Object.entries(entries)) {
    units.set(name.toLowerCase(), unit);
    for (const prefix of prefixes) {
      const p = PREFIXES[prefix];
      const prefixed = `${prefix}${name[0].toLowerCase()}${name.slice(1)}`;
      units.set(prefixed.toLowerCase(), {
        toBase: (x) => unit.toBase(x) * p,
        fromBase: (x) => unit.fromBase(x) / p,
      });
    }
  }
  return units;
}

const DEGREES_PER_RADIAN = 180 / Math.PI;

/** The units of each `convert_*()` function, by lower-case name. */
export const UNITS: Readonly<Record<string, ReadonlyMap<string, Unit>>> = {
  convert_angle: table({
    Radian: [times(DEGREES_PER_RADIAN), "Nano", "Micro", "Milli", "Centi", "Deci"],
    Degree: [times(1), "Nano", "Micro", "Milli"],
    Arcminute: [per(60)],
    Arcsecond: [per(3600)],
    Gradian: [times(0.9)],
    NatoMil: [{ toBase: (x) => (x * 9) / 160, fromBase: (x) => (x * 160) / 9 }],
    Revolution: [times(360)],
    Tilt: [{
      toBase: (x) => Math.asin(x) * DEGREES_PER_RADIAN,
      fromBase: (x) => Math.sin(x / DEGREES_PER_RADIAN),
    }],
  }),
  convert_mass: table({
    Gram: [per(1e3), "Nano", "Micro", "Milli", "Centi", "Deci", "Deca", "Hecto", "Kilo"],
    Tonne: [times(1e3), "Kilo", "Mega"],
    ShortTon: [times(9.0718474e2)],
    LongTon: [times(1.0160469088e3)],
    Pound: [times(0.45359237), "Kilo", "Mega"],
    Ounce: [times(0.028349523125)],
    Slug: [per(6.852176556196105e-2)],
    Stone: [per(0.1574731728702698)],
    ShortHundredweight: [per(0.022046226218487758)],
    LongHundredweight: [per(0.01968413055222121)],
    Grain: [per(15432.358352941431)],
    SolarMass: [times(1.98947e30)],
    EarthMass: [times(5.9722e24)],
  }),
  convert_speed: table({
    MeterPerSecond: [times(1), "Nano", "Micro", "Milli", "Centi", "Deci", "Kilo"],
    MeterPerMinute: [per(60), "Nano", "Micro", "Milli", "Centi", "Deci", "Kilo"],
    MeterPerHour: [per(3600), "Milli", "Centi", "Kilo"],
    FootPerSecond: [times(0.3048)],
    FootPerMinute: [times(0.3048 / 60)],
    FootPerHour: [times(0.3048 / 3600)],
    UsSurveyFootPerSecond: [times(1200 / 3937)],
    UsSurveyFootPerMinute: [times(1200 / 3937 / 60)],
    UsSurveyFootPerHour: [times(1200 / 3937 / 3600)],
    InchPerSecond: [times(2.54e-2)],
    InchPerMinute: [times(2.54e-2 / 60)],
    InchPerHour: [times(2.54e-2 / 3600)],
    YardPerSecond: [times(0.9144)],
    YardPerMinute: [times(0.9144 / 60)],
    YardPerHour: [times(0.9144 / 3600)],
    Knot: [times(0.514444)],
    MilePerHour: [times(0.44704)],
  }),
  convert_length: table({
    Meter: [times(1), "Nano", "Micro", "Milli", "Centi", "Deci", "Deca", "Hecto", "Kilo"],
    Mile: [times(1609.34)],
    Yard: [times(0.9144)],
    Foot: [times(0.3048)],
    UsSurveyFoot: [{ toBase: (x) => (x * 1200) / 3937, fromBase: (x) => (x * 3937) / 1200 }],
    Inch: [times(2.54e-2)],
    Mil: [times(2.54e-5)],
    NauticalMile: [times(1852)],
    Fathom: [times(1.8288)],
    Shackle: [times(27.432)],
    Microinch: [times(2.54e-8)],
    PrinterPoint: [times(2.54e-2 / 72.27)],
    DtpPoint: [times(2.54e-2 / 72)],
    PrinterPica: [per(237.106301584)],
    DtpPica: [per(236.220472441)],
    Twip: [per(56692.913385826)],
    Hand: [times(1.016e-1)],
    AstronomicalUnit: [times(1.495978707e11)],
    LightYear: [times(9.46073047258e15), "Kilo", "Mega"],
    Parsec: [times(3.08567758128e16), "Kilo", "Mega"],
    SolarRadius: [times(6.9551e8)],
    Chain: [times(20.1168)],
    Angstrom: [times(1e-10)],
    DataMile: [times(1828.8)],
  }),
  convert_temperature: table({
    Kelvin: [times(1)],
    DegreeCelsius: [{ toBase: (x) => x + 273.15, fromBase: (x) => x - 273.15 }],
    MillidegreeCelsius: [{
      toBase: (x) => x / 1000 + 273.15,
      fromBase: (x) => (x - 273.15) * 1000,
    }],
    DegreeDelisle: [{
      toBase: (x) => (x * -2) / 3 + 373.15,
      fromBase: (x) => ((x - 373.15) * -3) / 2,
    }],
    DegreeFahrenheit: [{
      toBase: (x) => (x * 5) / 9 + (459.67 * 5) / 9,
      fromBase: (x) => ((x - (459.67 * 5) / 9) * 9) / 5,
    }],
    DegreeNewton: [{
      toBase: (x) => (x * 100) / 33 + 273.15,
      fromBase: (x) => ((x - 273.15) * 33) / 100,
    }],
    DegreeRankine: [{ toBase: (x) => (x * 5) / 9, fromBase: (x) => (x * 9) / 5 }],
    DegreeReaumur: [{
      toBase: (x) => (x * 5) / 4 + 273.15,
      fromBase: (x) => ((x - 273.15) * 4) / 5,
    }],
    DegreeRoemer: [{
      toBase: (x) => (x * 40) / 21 + 273.15 - (7.5 * 40) / 21,
      fromBase: (x) => ((x - (273.15 - (7.5 * 40) / 21)) * 21) / 40,
    }],
    SolarTemperature: [times(5778)],
  }),
  convert_energy: table({
    Joule: [times(1), "Milli", "Kilo", "Mega", "Giga"],
    Calorie: [times(4.184), "Kilo", "Mega"],
    BritishThermalUnit: [times(1055.05585262), "Kilo", "Mega", "Giga"],
    ElectronVolt: [times(1.602176565e-19), "Kilo", "Mega", "Giga", "Tera"],
    FootPound: [times(1.355817948)],
    Erg: [times(1e-7)],
    WattHour: [times(3600), "Kilo", "Mega", "Giga", "Tera"],
    WattDay: [times(24 * 3600), "Kilo", "Mega", "Giga", "Tera"],
    ThermEc: [times(1.05505585262e8), "Deca"],
    ThermUs: [times(1.054804e8), "Deca"],
    ThermImperial: [times(1.05505585257348e8), "Deca"],
    HorsepowerHour: [times(2.6845195377e6)],
  }),
  convert_force: table({
    Dyn: [per(1e5)],
    KilogramForce: [times(9.80665002864)],
    TonneForce: [times(9.80665002864e3)],
    Newton: [times(1), "Micro", "Milli", "Deca", "Kilo", "Mega"],
    KiloPond: [times(9.80665002864)],
    Poundal: [times(0.13825502798973041652092282466083)],
    PoundForce: [times(4.4482216152605095551842641431421), "Kilo"],
    OunceForce: [times(2.780138509537812e-1)],
    ShortTonForce: [times(8.896443230521e3)],
  }),
  convert_volume: table({
    Liter: [per(1e3), "Micro", "Milli", "Centi", "Deci", "Deca", "Hecto", "Kilo", "Mega"],
    CubicMeter: [times(1), "Hecto", "Kilo"],
    CubicKilometer: [times(1e9)],
    CubicHectometer: [times(1e6)],
    CubicDecimeter: [per(1e3)],
    CubicCentimeter: [per(1e6)],
    CubicMillimeter: [per(1e9)],
    CubicMicrometer: [per(1e18)],
    CubicMile: [times(4.16818182544058e9)],
    CubicYard: [times(0.764554858)],
    CubicFoot: [times(0.0283168), "Hecto", "Kilo", "Mega"],
    CubicInch: [times(1.6387 * 1e-5)],
    ImperialGallon: [times(0.00454609000000181429905810072407), "Kilo", "Mega"],
    ImperialOunce: [times(2.8413062499962901241875439064617e-5)],
    UsGallon: [times(0.00378541), "Deca", "Deci", "Hecto", "Kilo", "Mega"],
    UsOunce: [times(2.957352956253760505068307980135e-5)],
    UsTablespoon: [times(1.478676478125e-5)],
    AuTablespoon: [times(2e-5)],
    UkTablespoon: [times(1.5e-5)],
    MetricTeaspoon: [times(0.5e-5)],
    UsTeaspoon: [times(4.92892159375e-6)],
    MetricCup: [times(0.00025)],
    UsCustomaryCup: [times(0.0002365882365)],
    UsLegalCup: [times(0.00024)],
    OilBarrel: [times(0.158987294928)],
    UsBeerBarrel: [times(0.1173477658)],
    ImperialBeerBarrel: [times(0.16365924)],
    UsQuart: [times(9.46352946e-4)],
    UsPint: [times(4.73176473e-4)],
    AcreFoot: [per(0.000810714)],
    ImperialPint: [times(5.6826125e-4)],
    BoardFoot: [times(2.3597372158e-3)],
  }),
};

/**
 * `value` converted between two units of one quantity, or null when a unit is unknown
 * (as Kusto returns for invalid units). Unit names match case-insensitively.
 */
export function convertUnits(
  quantity: ReadonlyMap<string, Unit>,
  value: number,
  from: string,
  to: string,
): number | null {
  const a = quantity.get(from.toLowerCase());
  const b = quantity.get(to.toLowerCase());
  return a && b ? b.fromBase(a.toBase(value)) : null;
}
