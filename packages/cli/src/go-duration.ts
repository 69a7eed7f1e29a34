/**
 * Go's time.ParseDuration, which notation's duration flags use: a sign, then
 * decimal numbers each with a unit (`3h20m`, `90s`, `1.5h`, `500ms`); `0`
 * alone needs no unit.
 */

const UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};
const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** The duration in seconds (possibly negative or fractional), or undefined when `text` is not one. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let seconds = 0;
  // Each pass consumes at least two characters: bounded by the text's length.
  while (rest !== '') {
    const match = PART.exec(rest);
    if (!match) return undefined;
    seconds += Number(match[1]) * UNITS[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return sign * seconds;
}
