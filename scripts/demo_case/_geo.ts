/**
 * Places and networks the demo case draws on: cities with coordinates and UTC offsets for
 * March 2026, and the address blocks each kind of actor uses. Benign and malicious actors
 * both use the documentation ranges (RFC 5737), so an address's block is never a tell.
 *
 * @module
 */

/** A city sign-ins and flows can come from. */
export interface Place {
  readonly city: string;
  readonly state: string;
  /** ISO 3166-1 alpha-2, as Entra ID writes `Location`. */
  readonly country: string;
  /** English country name, as Heartbeat and IdentityInfo write it. */
  readonly countryName: string;
  readonly lat: number;
  readonly lon: number;
  /** Hours to add to UTC for local time during the case (March 2026). */
  readonly utcOffset: number;
}

function place(
  city: string,
  state: string,
  country: string,
  countryName: string,
  lat: number,
  lon: number,
  utcOffset: number,
): Place {
  return Object.freeze({ city, state, country, countryName, lat, lon, utcOffset });
}

/** Every place the case uses, by key. */
export const PLACES = {
  london: place("London", "London", "GB", "United Kingdom", 51.5072, -0.1276, 0),
  manchester: place("Manchester", "Manchester", "GB", "United Kingdom", 53.4808, -2.2426, 0),
  bristol: place("Bristol", "Bristol", "GB", "United Kingdom", 51.4545, -2.5879, 0),
  leeds: place("Leeds", "Leeds", "GB", "United Kingdom", 53.8008, -1.5491, 0),
  reading: place("Reading", "Reading", "GB", "United Kingdom", 51.4543, -0.9781, 0),
  birmingham: place("Birmingham", "Birmingham", "GB", "United Kingdom", 52.4862, -1.8904, 0),
  frankfurt: place("Frankfurt am Main", "Hessen", "DE", "Germany", 50.1109, 8.6821, 1),
  chicago: place("Chicago", "Illinois", "US", "United States", 41.8781, -87.6298, -5),
  rotterdam: place("Rotterdam", "Zuid-Holland", "NL", "Netherlands", 51.9244, 4.4777, 1),
  singapore: place("Singapore", "Singapore", "SG", "Singapore", 1.3521, 103.8198, 8),
  dublin: place("Dublin", "Dublin", "IE", "Ireland", 53.3498, -6.2603, 0),
  saoPaulo: place("Sao Paulo", "Sao Paulo", "BR", "Brazil", -23.5505, -46.6333, -3),
  bucharest: place("Bucharest", "Bucuresti", "RO", "Romania", 44.4268, 26.1025, 2),
  amsterdam: place("Amsterdam", "Noord-Holland", "NL", "Netherlands", 52.3676, 4.9041, 1),
  zurich: place("Zurich", "Zurich", "CH", "Switzerland", 47.3769, 8.5417, 1),
} as const;

/** The UK cities staff live in, with relative weights. */
export const HOME_CITIES: readonly Place[] = [
  PLACES.london,
  PLACES.london,
  PLACES.london,
  PLACES.reading,
  PLACES.bristol,
  PLACES.manchester,
  PLACES.manchester,
  PLACES.leeds,
  PLACES.birmingham,
];

/** Residential broadband prefixes by country, for staff working from home or travelling. */
export const RESIDENTIAL_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  GB: ["86.128", "86.140", "81.101", "82.12", "90.197", "109.148", "151.224", "2.120"],
  DE: ["84.150", "91.64"],
  US: ["73.44", "98.213", "24.14"],
  NL: ["84.84", "145.53"],
  SG: ["116.86", "118.189"],
  IE: ["86.44", "89.101"],
};

/** The Entra ID Autonomous System Number of each residential prefix's ISP (as text). */
export const ASN_BY_COUNTRY: Readonly<Record<string, string>> = {
  GB: "2856",
  DE: "3320",
  US: "7922",
  NL: "1136",
  SG: "9506",
  IE: "5466",
};
