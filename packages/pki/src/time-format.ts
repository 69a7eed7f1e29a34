/**
 * Times written the way Go's `time` package writes them, for the places where
 * notation's bytes or messages are matched: RFC 3339 in signed attributes
 * and manifests (ATTR-6, OCI-5), RFC 1123Z and `Time.String()` in
 * certificate-validity messages. One module, so that the three RFC 3339 and
 * two RFC 1123Z copies of issue 14 finding 2 are one each.
 */
import { NotaryError } from './errors.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * A date Go can write with a four-digit year. Go's RFC 3339 writer refuses
 * years outside 0000–9999 (time.Time.MarshalText), and a JavaScript
 * Invalid Date has no text at all.
 */
function checkWritable(date: Date): void {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new NotaryError('ERR_TIME_OUT_OF_RANGE', 'the time is not a valid date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new NotaryError('ERR_TIME_OUT_OF_RANGE', `the year ${year} is outside 0000..9999`);
}

/**
 * `time.Time.UTC().Format(time.RFC3339)`: `2006-01-02T15:04:05Z`, whole
 * seconds, the fraction truncated (not rounded) as Go does. Throws
 * `ERR_TIME_OUT_OF_RANGE` for an invalid date or a year outside 0000–9999.
 */
export function formatRfc3339(date: Date): string {
  checkWritable(date);
  const utc = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}T${pad(utc.getUTCHours())}:${pad(
    utc.getUTCMinutes(),
  )}:${pad(utc.getUTCSeconds())}Z`;
}

/** Go's `time.RFC1123Z` layout in UTC, `Mon, 02 Jan 2006 15:04:05 +0000`, as notation prints certificate dates. */
export function formatRfc1123z(date: Date): string {
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCFullYear(), 4)} ${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Go's `time.Time.String()` for a UTC instant: `2006-01-02 15:04:05.999 +0000 UTC` (fraction only when non-zero). */
export function formatGoTime(date: Date): string {
  const ms = date.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`;
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction} +0000 UTC`
  );
}
