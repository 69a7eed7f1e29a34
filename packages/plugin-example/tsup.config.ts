import type { Options } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

const config: Options[] = [
  { ...packageBuild({ node: true }), clean: false },
  // The plugin executable: one self-contained CommonJS file (dependencies
  // bundled), so that it runs when copied alone into
  // {plugins}/com.example.notary/notation-com.example.notary (PLG-1, PLG-3).
  {
    entry: { 'notation-com.example.notary': 'src/node/bin.ts' },
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    noExternal: [/.*/],
    outExtension: () => ({ js: '.cjs' }),
    dts: false,
    sourcemap: false,
    clean: false,
  },
];

export default config;
