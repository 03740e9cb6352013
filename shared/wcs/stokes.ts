/** FITS STOKES axis codes (WCS Paper I table 7): 1..4 = I Q U V; −1..−8 = RR LL RL LR XX YY XY YX. */

const STOKES_NAMES: Record<number, string> = {
  1: 'I',
  2: 'Q',
  3: 'U',
  4: 'V',
  [-1]: 'RR',
  [-2]: 'LL',
  [-3]: 'RL',
  [-4]: 'LR',
  [-5]: 'XX',
  [-6]: 'YY',
  [-7]: 'XY',
  [-8]: 'YX',
};

/** Name of a STOKES world value (rounded to the nearest code), or undefined if not a code. */
export function stokesName(worldValue: number): string | undefined {
  return STOKES_NAMES[Math.round(worldValue)];
}

/** FITS code for a Stokes name (case-insensitive), or undefined. */
export function stokesCode(name: string): number | undefined {
  const upper = name.toUpperCase();
  const entry = Object.entries(STOKES_NAMES).find(([, n]) => n === upper);
  return entry ? Number(entry[0]) : undefined;
}
