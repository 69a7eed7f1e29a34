/**
 * RFC 3339 times for JWS attributes (ATTR-6). notation writes the signer's
 * local offset (ENV-JWS-8), so any offset is accepted; we write `Z` (AMB-15).
 * The grammar is Go's time.Parse(time.RFC3339) as of Go 1.20: four-digit
 * year (0000 included), two-digit fields, upper-case `T` and `Z`, an optional
 * `.` fraction of any length, an offset of at most ±23:59, no leap second.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 date-time; returns undefined when it is not one. */
export function parseRfc3339(text: string): Date | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Go keeps nanoseconds; whole milliseconds are enough here (times are truncated to seconds, ATTR-6).
  const milliseconds = m[7] ? Math.floor(Number(`0${m[7].slice(0, 4)}`) * 1000) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC maps years 0–99 to 1900–1999 (issue 12 finding 8); setUTCFullYear does not.
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, milliseconds);
  if (local.getUTCDate() !== day) return undefined; // e.g. 02-30
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return new Date(local.getTime() - offsetMinutes * 60_000);
}

/** Times are truncated to whole seconds before signing (ATTR-6 [impl]). */
export function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
