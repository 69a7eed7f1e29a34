import { describe, expect, it } from 'vitest';
import { notationConfigDir, trustStoreRootDir } from '../../src/node/index.js';

describe('config directory', () => {
  it('TS-6: Linux uses $XDG_CONFIG_HOME/notation, defaulting to ~/.config/notation', () => {
    expect(notationConfigDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' } })).toBe('/xdg/notation');
    expect(notationConfigDir({ platform: 'linux', env: { HOME: '/home/u' } })).toBe('/home/u/.config/notation');
    expect(notationConfigDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '', HOME: '/home/u' } })).toBe('/home/u/.config/notation');
    expect(notationConfigDir({ platform: 'freebsd', env: { HOME: '/home/u' } })).toBe('/home/u/.config/notation');
  });

  it('TS-6: macOS uses ~/Library/Application Support/notation', () => {
    expect(notationConfigDir({ platform: 'darwin', env: { HOME: '/Users/u', XDG_CONFIG_HOME: '/ignored' } })).toBe('/Users/u/Library/Application Support/notation');
  });

  it('TS-6: Windows uses %AppData%\\notation', () => {
    expect(notationConfigDir({ platform: 'win32', env: { AppData: 'C:\\Users\\u\\AppData\\Roaming' } })).toBe('C:\\Users\\u\\AppData\\Roaming\\notation');
  });

  it('TS-6 [impl]: when Go would fail (relative XDG path, no HOME, no AppData) notation falls back to .notation', () => {
    expect(notationConfigDir({ platform: 'linux', env: { XDG_CONFIG_HOME: 'relative', HOME: '/home/u' } })).toBe('.notation');
    expect(notationConfigDir({ platform: 'linux', env: {} })).toBe('.notation');
    expect(notationConfigDir({ platform: 'win32', env: {} })).toBe('.notation');
  });

  it('TS-1: the trust store root is {NOTATION_CONFIG}/truststore/x509', () => {
    expect(trustStoreRootDir('/home/u/.config/notation/')).toBe('/home/u/.config/notation/truststore/x509');
    expect(typeof notationConfigDir()).toBe('string');
  });
});
