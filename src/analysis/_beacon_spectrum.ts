/**
 * The spectral test of beaconing: event times binned into counts, the power spectrum,
 * and the share of power in a narrow band around the strongest period. Jitter widens the
 * spectral line a little (the band is ±3%); missed beats and pauses lower the line but do
 * not move it, so the test holds where interval statistics break down.
 *
 * @module
 */
import { powerSpectrum } from "../fft.ts";

/** Largest transform per pair: a 36-hour pair at 2-second bins fits. */
const MAX_BINS = 1 << 16;
/**
 * Bins per event at most: a sparse pair over a long span gets a coarser grid. Its events
 * could only be steady beats at a period of about span / events, which the grid resolves.
 */
const BINS_PER_EVENT = 32;
/** Half-width of the band around the peak, relative to its frequency. */
const BAND = 0.03;
/** Harmonics counted with the line. */
const HARMONICS = 4;

/** The outcome of the spectral test for one pair. */
export interface SpectralResult {
  /** The period of the strongest spectral line in the allowed range, in seconds. */
  readonly periodSeconds: number;
  /** Share of the spectrum's power within ±3% of that line and its first harmonics. */
  readonly strength: number;
  /** How far `strength` exceeds the share a flat (random) spectrum gives the band, in [0, 1]. */
  readonly excess: number;
}

/**
 * Runs the test on event times (seconds, ascending), looking for periods between
 * `minPeriod` and `maxPeriod` seconds. Returns undefined when the span is too short.
 */
export function spectralTest(
  times: Float64Array,
  minPeriod: number,
  maxPeriod: number,
): SpectralResult | undefined {
  const n = times.length;
  if (n < 4) return undefined;
  const span = times[n - 1] - times[0];
  if (span <= 0) return undefined;
  const width = Math.max(
    minPeriod / 2,
    span / Math.min(MAX_BINS, Math.max(1024, BINS_PER_EVENT * n)),
  );
  const bins = Math.floor(span / width) + 1;
  if (bins < 8) return undefined;
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    counts[Math.min(bins - 1, Math.floor((times[i] - times[0]) / width))]++;
  }
  const power = powerSpectrum(counts, bins);
  const size = (power.length - 1) * 2;
  // Bin k is frequency k / (size · width): periods size·width / k.
  const kMin = Math.max(1, Math.ceil(size * width / Math.min(maxPeriod, span / 2)));
  const kMax = Math.min(power.length - 1, Math.floor(size * width / minPeriod));
  if (kMax <= kMin) return undefined;
  let best = kMin;
  let total = 0;
  for (let k = kMin; k <= kMax; k++) {
    total += power[k];
    if (power[k] > power[best]) best = k;
  }
  if (total <= 0) return undefined;
  best = fundamentalOf(power, best, kMin);
  // A train of short events puts power in the harmonics too: count the bands at the
  // first few multiples of the line, each as wide (relatively) as the first.
  const bandAt = (centre: number) => {
    const lo = Math.max(kMin, Math.floor(centre * (1 - BAND)));
    const hi = Math.min(power.length - 1, Math.ceil(centre * (1 + BAND)));
    let sum = 0;
    let weighted = 0;
    for (let k = lo; k <= hi; k++) {
      sum += power[k];
      weighted += power[k] * k;
    }
    return { sum, weighted, bins: Math.max(0, hi - lo + 1) };
  };
  const first = bandAt(best);
  let band = first.sum;
  let bandBins = first.bins;
  for (let h = 2; h <= HARMONICS && best * h * (1 - BAND) <= kMax; h++) {
    const b = bandAt(best * h);
    band += b.sum;
    bandBins += b.bins;
  }
  let all = 0;
  for (let k = kMin; k < power.length; k++) all += power[k];
  // The first band's centre of power locates the line better than its highest bin.
  const centre = first.weighted / first.sum;
  const strength = band / all;
  const flat = bandBins / (power.length - kMin);
  const excess = Math.max(0, (strength - flat) / (1 - flat));
  return { periodSeconds: size * width / centre, strength, excess };
}

/**
 * The fundamental of the line at bin `best`: a train of short events has as much power at
 * the multiples of its frequency as at the frequency itself, so the strongest bin can be a
 * harmonic (a 60 s beacon peaking at 20 s). A band at `best / d` holding at least half the
 * peak's power is the line itself; the lowest such frequency wins.
 */
function fundamentalOf(power: Float64Array, best: number, kMin: number): number {
  for (let d = HARMONICS; d >= 2; d--) {
    const centre = best / d;
    const lo = Math.max(kMin, Math.floor(centre * (1 - BAND)));
    const hi = Math.min(power.length - 1, Math.ceil(centre * (1 + BAND)));
    let peak = -1;
    for (let k = lo; k <= hi; k++) if (peak < 0 || power[k] > power[peak]) peak = k;
    if (peak >= 0 && power[peak] >= 0.5 * power[best]) return peak;
  }
  return best;
}
