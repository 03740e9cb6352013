/**
 * 1σ errors of an elliptical Gaussian fitted to an image with correlated noise, after
 * Condon (1997, PASP 109, 166, "Errors in elliptical Gaussian fits") with the effective
 * signal-to-noise ratio of Condon et al. (1998, AJ 115, 1693), as PyBDSF computes them
 * (functions.py, get_errors). All sizes are FWHM in pixels.
 *
 * Symbols: A peak, σ the rms noise at the source, θM and θm the fitted major and minor FWHM,
 * θN² = bmaj·bmin the beam (the noise correlation scale), S the total flux.
 *
 * Effective S/N (Condon et al. 1998, eq. 26; Condon 1997, eq. 41):
 *   ρ²(αM, αm) = (θM θm / 4θN²) · (1 + θN²/θM²)^αM · (1 + θN²/θm²)^αm · A²/σ²
 * with (αM, αm) = (3/2, 3/2) for the amplitude, (5/2, 1/2) for the major axis and
 * (1/2, 5/2) for the minor axis and the position angle. Then (Condon 1997, eq. 21):
 *   σ_A / A   = √2 / ρ(3/2, 3/2)
 *   σ_θM / θM = √2 / ρ(5/2, 1/2)
 *   σ_θm / θm = √2 / ρ(1/2, 5/2)
 *   σ_φ       = (2 / ρ(1/2, 5/2)) · θM θm / (θM² − θm²)     [radians; capped at 180°,
 *                                                             undefined for a circle]
 * The centre's errors along the major and minor axes are σ_θM/√(8 ln 2) and σ_θm/√(8 ln 2)
 * (Condon 1997, eq. 21: μ²(x0) = μ²(θM) / 8 ln 2); projected on the pixel axes, with φ the
 * major axis's angle from +y (Condon et al. 1998, eq. 27):
 *   σ_x0² = (σ_θM² sin²φ + σ_θm² cos²φ) / 8 ln 2,   σ_y0² = (σ_θM² cos²φ + σ_θm² sin²φ) / 8 ln 2
 * Total flux S = A θM θm / (bmaj bmin) (Condon et al. 1998, eq. 36):
 *   (σ_S / S)² = (σ_A / A)² + (θN² / θM θm) · ((σ_θM / θM)² + (σ_θm / θm)²)
 */

export interface CondonInput {
  peak: number;
  /** Fitted FWHM axes, pixels. */
  fwhmMajor: number;
  fwhmMinor: number;
  /** Beam FWHM axes, pixels. */
  beamFwhmMajor: number;
  beamFwhmMinor: number;
  /** rms noise at the source, same unit as peak. */
  rms: number;
}

export interface CondonErrors {
  peak: number;
  /** Of the FWHM axes, pixels. */
  fwhmMajor: number;
  fwhmMinor: number;
  /** Of the position angle, degrees. */
  angleDeg: number;
  /** Of the centre along the major and minor axes, pixels. */
  alongMajor: number;
  alongMinor: number;
  /** Relative error of the total flux, σ_S / S. */
  totalRelative: number;
}

const SQRT_8LN2 = Math.sqrt(8 * Math.LN2);

export function condonErrors(input: CondonInput): CondonErrors {
  const { peak, fwhmMajor: M, fwhmMinor: m, rms } = input;
  const beam2 = input.beamFwhmMajor * input.beamFwhmMinor;
  if (!(M > 0 && m > 0 && rms > 0 && Number.isFinite(peak)))
    return { peak: NaN, fwhmMajor: NaN, fwhmMinor: NaN, angleDeg: NaN, alongMajor: NaN, alongMinor: NaN, totalRelative: NaN };
  const base = Math.sqrt((M * m) / (4 * beam2)) * (Math.abs(peak) / rms);
  const fMajor = 1 + beam2 / (M * M);
  const fMinor = 1 + beam2 / (m * m);
  const rho = (aM: number, am: number) => base * fMajor ** (aM / 2) * fMinor ** (am / 2);

  const relPeak = Math.SQRT2 / rho(1.5, 1.5);
  const relMajor = Math.SQRT2 / rho(2.5, 0.5);
  const relMinor = Math.SQRT2 / rho(0.5, 2.5);
  const ellipticity = (M * M - m * m) / (M * m);
  const angleRad = ellipticity > 0 ? 2 / (ellipticity * rho(0.5, 2.5)) : Infinity;
  const sMajor = relMajor * M;
  const sMinor = relMinor * m;
  return {
    peak: relPeak * Math.abs(peak),
    fwhmMajor: sMajor,
    fwhmMinor: sMinor,
    angleDeg: Math.min(180, (angleRad * 180) / Math.PI),
    alongMajor: sMajor / SQRT_8LN2,
    alongMinor: sMinor / SQRT_8LN2,
    totalRelative: Math.sqrt(relPeak * relPeak + (beam2 / (M * m)) * (relMajor * relMajor + relMinor * relMinor)),
  };
}
