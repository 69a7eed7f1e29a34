/**
 * Plugin versions (PLG-13): the verifier compares a verification plugin's
 * version with the envelope's minimum, and `notary plugin install` uses the
 * same order to refuse downgrades. Written once, here, for both.
 */

// PLG-13 [impl]: strict SemVer 2.0, no `v` prefix (notation-go internal/semver).
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Whether a plugin version is strict SemVer 2.0 without a `v` (PLG-13 [impl]). */
export function isValidPluginVersion(version: string): boolean {
  return SEMVER.test(version);
}

const compareNumeric = (a: string, b: string): number =>
  a.length !== b.length ? Math.sign(a.length - b.length) : a < b ? -1 : a > b ? 1 : 0;

/**
 * SemVer 2.0 precedence, as golang.org/x/mod/semver compares: -1, 0 or 1;
 * build metadata is ignored. Both must be valid ({@link isValidPluginVersion}).
 */
export function comparePluginVersions(a: string, b: string): number {
  const ma = SEMVER.exec(a);
  const mb = SEMVER.exec(b);
  if (!ma || !mb) throw new TypeError(`${!ma ? a : b} is not a valid semantic version`);
  for (let i = 1; i <= 3; i++) {
    const c = compareNumeric(ma[i]!, mb[i]!);
    if (c !== 0) return c;
  }
  const pa = ma[4];
  const pb = mb[4];
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const ia = pa.split('.');
  const ib = pb.split('.');
  for (let i = 0; i < Math.max(ia.length, ib.length); i++) {
    const x = ia[i];
    const y = ib[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    const c = nx && ny ? compareNumeric(x, y) : nx ? -1 : ny ? 1 : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}
