/**
 * Plugin versions (PLG-13): strict SemVer 2.0 and its precedence, used by the
 * verifier (plugin ≥ the envelope's minimum) and by `notary plugin install`.
 */
import { describe, expect, it } from 'vitest';
import { comparePluginVersions, isValidPluginVersion } from '../src/index.js';

describe('plugin versions (PLG-13)', () => {
  it('PLG-13 [impl]: versions must be strict SemVer 2.0 without a "v"', () => {
    expect(['1.0.0', '0.0.1-alpha.1+b', '10.20.30'].every(isValidPluginVersion)).toBe(true);
    expect(['v1.0.0', '1.0', '01.0.0', '1.0.0-', ''].some(isValidPluginVersion)).toBe(false);
  });

  it('PLG-13: SemVer precedence as golang.org/x/mod/semver compares, build metadata ignored', () => {
    expect(comparePluginVersions('1.10.0', '1.9.0')).toBe(1);
    expect(comparePluginVersions('1.0.0-alpha', '1.0.0-alpha.1')).toBe(-1);
    expect(comparePluginVersions('1.0.0-alpha.beta', '1.0.0-alpha.1')).toBe(1);
    expect(comparePluginVersions('1.0.0-rc.2', '1.0.0-rc.10')).toBe(-1);
    expect(comparePluginVersions('1.0.0+a', '1.0.0+b')).toBe(0);
    expect(comparePluginVersions('1.2.0-rc.1', '1.2.0')).toBe(-1);
    expect(() => comparePluginVersions('v1.0.0', '1.0.0')).toThrow(TypeError);
  });
});
