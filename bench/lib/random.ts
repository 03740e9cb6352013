/** Small seeded generators for benchmark inputs (reproducible, not cryptographic). */

/** mulberry32, the finder tests' generator: a 32-bit state PRNG returning uniforms in [0, 1). */
export { mulberry32 } from '../../test/shared/sources/synthetic.js';

/** A standard normal deviate by Box-Muller (one of the pair; simplicity over speed). */
export function normal(random: () => number): number {
  let u = random();
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
