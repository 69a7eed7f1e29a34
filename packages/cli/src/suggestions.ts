/**
 * "Did you mean …?" for a mistyped command or flag (issue 13 item 7), as
 * cobra suggests commands: a name within Levenshtein distance 2 of what was
 * typed, or one that starts with it. Names are short and few, so the
 * quadratic distance is bounded; input longer than a name limit is not
 * compared at all.
 */

/** cobra's SuggestionsMinimumDistance. */
export const SUGGESTION_DISTANCE = 2;
/** Words longer than this get no suggestion (keeps the distance computation small on hostile input). */
const MAX_COMPARED_LENGTH = 64;

/** Levenshtein distance between `a` and `b` (case-insensitive, as cobra compares). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= t.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[t.length]!;
}

/** The candidates `typed` may have meant, closest first (ties keep the candidates' order). */
export function suggest(typed: string, candidates: readonly string[]): string[] {
  if (typed === '' || typed.length > MAX_COMPARED_LENGTH) return [];
  const scored: Array<{ name: string; distance: number }> = [];
  for (const name of candidates) {
    if (name.length > MAX_COMPARED_LENGTH) continue;
    const distance = editDistance(typed, name);
    if (distance <= SUGGESTION_DISTANCE || name.toLowerCase().startsWith(typed.toLowerCase()))
      scored.push({ name, distance });
  }
  return scored.sort((x, y) => x.distance - y.distance).map((s) => s.name);
}

/** ` (did you mean "x"?)`, or `` when nothing is close. */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const [best, ...rest] = suggest(typed, candidates);
  if (best === undefined) return '';
  return rest.length === 0
    ? `; did you mean "${best}"?`
    : `; did you mean one of "${[best, ...rest.slice(0, 2)].join('", "')}"?`;
}
