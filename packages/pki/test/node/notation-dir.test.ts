import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { locatePeer, PEERS } from '@x/notary-test-servers/peers';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultNotationCacheDir, notationConfigDir } from '../../src/node/notation-dir.js';

describe('notationConfigDir (notation-go dir + Go os.UserConfigDir)', () => {
  it('TS-6: Linux uses $XDG_CONFIG_HOME/notation, defaulting to ~/.config/notation', () => {
    expect(notationConfigDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' } })).toBe(
      '/xdg/notation',
    );
    expect(notationConfigDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/x//y/', HOME: '/home/u' } })).toBe(
      '/x/y/notation',
    );
    expect(notationConfigDir({ platform: 'linux', env: { HOME: '/home/u' } })).toBe('/home/u/.config/notation');
    expect(notationConfigDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '', HOME: '/home/u' } })).toBe(
      '/home/u/.config/notation',
    );
    expect(notationConfigDir({ platform: 'freebsd', env: { HOME: '/home/u' } })).toBe('/home/u/.config/notation');
  });

  it('TS-6: macOS uses ~/Library/Application Support/notation; Windows %AppData%\\notation, the name in any case', () => {
    expect(notationConfigDir({ platform: 'darwin', env: { HOME: '/Users/u', XDG_CONFIG_HOME: '/ignored' } })).toBe(
      '/Users/u/Library/Application Support/notation',
    );
    expect(notationConfigDir({ platform: 'win32', env: { AppData: 'C:\\Users\\u\\AppData\\Roaming' } })).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\notation',
    );
    expect(notationConfigDir({ platform: 'win32', env: { APPDATA: 'D:\\R' } })).toBe('D:\\R\\notation');
  });

  it('issue 14 finding 2 TS-6 [impl]: a relative XDG_CONFIG_HOME is used as given (Go 1.23, as the released notation)', () => {
    expect(notationConfigDir({ platform: 'linux', env: { XDG_CONFIG_HOME: 'relative', HOME: '/home/u' } })).toBe(
      'relative/notation',
    );
    expect(notationConfigDir({ platform: 'linux', env: { XDG_CONFIG_HOME: 'relative' } })).toBe('relative/notation');
  });

  it('issue 14 finding 2 TS-6: where Go has no answer (no HOME, no AppData) notation falls back to .notation', () => {
    expect(notationConfigDir({ platform: 'linux', env: {} })).toBe('.notation');
    expect(notationConfigDir({ platform: 'linux', env: { HOME: '' } })).toBe('.notation');
    expect(notationConfigDir({ platform: 'darwin', env: {} })).toBe('.notation');
    expect(notationConfigDir({ platform: 'win32', env: { HOME: 'C:\\h' } })).toBe('.notation');
    expect(typeof notationConfigDir()).toBe('string');
  });
});

describe('defaultNotationCacheDir (notation-go dir + Go os.UserCacheDir)', () => {
  it('REV-5 [impl]: Linux $XDG_CACHE_HOME (relative as given), else $HOME/.cache; no HOME falls back to .notation/cache', () => {
    expect(defaultNotationCacheDir({ platform: 'linux', env: { XDG_CACHE_HOME: '/xdg', HOME: '/home/u' } })).toBe(
      '/xdg/notation',
    );
    expect(defaultNotationCacheDir({ platform: 'linux', env: { HOME: '/home/u' } })).toBe('/home/u/.cache/notation');
    expect(defaultNotationCacheDir({ platform: 'linux', env: { XDG_CACHE_HOME: 'rel', HOME: '/home/u' } })).toBe(
      'rel/notation',
    );
    expect(defaultNotationCacheDir({ platform: 'linux', env: {} })).toBe('.notation/cache');
  });

  it('REV-5 [impl]: macOS ~/Library/Caches; Windows %LocalAppData%; defaults to the running process', () => {
    expect(defaultNotationCacheDir({ platform: 'darwin', env: { HOME: '/Users/u', XDG_CACHE_HOME: '/ignored' } })).toBe(
      '/Users/u/Library/Caches/notation',
    );
    expect(defaultNotationCacheDir({ platform: 'win32', env: { LocalAppData: 'C:\\Users\\u\\AppData\\Local' } })).toBe(
      'C:\\Users\\u\\AppData\\Local\\notation',
    );
    expect(defaultNotationCacheDir({ platform: 'win32', env: {} })).toBe('.notation\\cache');
    expect(defaultNotationCacheDir()).toMatch(/notation$/);
  });
});

describe('notationConfigDir against the real notation (v1.3.2, v2.0.0-alpha.1)', () => {
  const run = promisify(execFile);
  const scratch: string[] = [];
  afterAll(async () => {
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  // Each case's environment; a trust policy named after its folder is written to
  // every folder notation might read, and `notation policy show` says which one it read.
  const cases: Record<string, string | undefined>[] = [
    { HOME: 'home' },
    { HOME: 'home', XDG_CONFIG_HOME: 'xdg-abs' },
    { HOME: 'home', XDG_CONFIG_HOME: 'rel' },
    { XDG_CONFIG_HOME: 'rel' },
    {},
    { HOME: '' },
  ];

  for (const peer of [PEERS.notation132, PEERS.notation2]) {
    it(`issue 14 finding 2 TS-6: ${peer} reads the policy from the folder notationConfigDir names (relative XDG_CONFIG_HOME, no HOME)`, async () => {
      const notation = locatePeer(peer, 'the config-directory comparison');
      if (notation === undefined) return;
      for (const shape of cases) {
        const cwd = await mkdtemp(join(tmpdir(), 'notation-dir-'));
        scratch.push(cwd);
        const env: Record<string, string> = {};
        for (const [key, value] of Object.entries(shape))
          env[key] = value === 'home' || value === 'xdg-abs' ? join(cwd, value) : value!;
        const candidates = [
          join(cwd, 'home', '.config', 'notation'),
          join(cwd, 'xdg-abs', 'notation'),
          join(cwd, 'rel', 'notation'),
          join(cwd, '.notation'),
        ];
        for (const [i, dir] of candidates.entries()) {
          await mkdir(dir, { recursive: true });
          const policy = {
            version: '1.0',
            trustPolicies: [
              { name: `candidate-${i}`, registryScopes: ['*'], signatureVerification: { level: 'skip' } },
            ],
          };
          // v2 reads trustpolicy.oci.json first and v1.3.2 only trustpolicy.json; write both.
          await writeFile(join(dir, 'trustpolicy.json'), JSON.stringify(policy));
          await writeFile(join(dir, 'trustpolicy.oci.json'), JSON.stringify(policy));
        }
        const ours = resolve(cwd, notationConfigDir({ platform: 'linux', env }));
        const expected = candidates.findIndex((dir) => dir === ours);
        expect(expected, `${JSON.stringify(shape)} → ${ours}`).toBeGreaterThanOrEqual(0);
        const { stdout } = await run(notation, ['policy', 'show'], { cwd, env });
        expect(stdout, JSON.stringify(shape)).toContain(`"candidate-${expected}"`);
      }
    });
  }
});
