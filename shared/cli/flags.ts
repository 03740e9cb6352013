/**
 * A tool's flags declared once, as a `const` object of yargs option definitions: yargs reads
 * it, and the type of the parsed arguments is inferred from it (kebab-case flags arrive as
 * camelCase properties, as yargs gives them), so a flag and its type cannot drift apart.
 */
import type { InferredOptionTypes, Options } from 'yargs';

export type FlagSpecs = Readonly<Record<string, Options>>;

/** `alpha-error` -> `alphaError`. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** The parsed values of `F`, under the names the tool reads them by. */
export type FlagValues<F extends FlagSpecs> = { [K in keyof F & string as CamelCase<K>]: InferredOptionTypes<F>[K] };
