#!/usr/bin/env node
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
/**
 * Bundle report (`pnpm bench:bundle`): esbuild bundles (platform browser,
 * ESM, from the built dist/ of each package), minifies and gzips
 *
 * - each runtime-neutral package entry, whole (`export * from '@x/notary-…'`);
 * - the typical browser import: `verify` from @x/notary-core with
 *   `RemoteRepository` and `MemoryTrustStore` (the "verify bundle");
 *
 * and prints JSON `{ "<entry>": { raw, min, gzip } }` (bytes). With
 * `--analyze` it also prints what the verify bundle is made of (esbuild
 * metafile: bytes in the minified output per package and per module).
 *
 * `verifyBundleProblems()` is the check that the verify bundle holds no
 * `node:` import, no signing code, no plugin host, no CLI code and no COSE
 * encoder; packages/runtime-tests/test/bundle.test.ts runs it in `pnpm test`.
 * The 110 KB min+gzip target is reported here, not asserted.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The typical browser import. */
export const VERIFY_ENTRY = [
  "export { verify } from '@x/notary-core';",
  "export { RemoteRepository } from '@x/notary-oci';",
  "export { MemoryTrustStore } from '@x/notary-trust-policy';",
].join('\n');

export const ENTRIES = {
  '@x/notary-pki': "export * from '@x/notary-pki';",
  '@x/notary-envelope': "export * from '@x/notary-envelope';",
  '@x/notary-trust-policy': "export * from '@x/notary-trust-policy';",
  '@x/notary-oci': "export * from '@x/notary-oci';",
  '@x/notary-core': "export * from '@x/notary-core';",
  'verify (core verify + RemoteRepository + MemoryTrustStore)': VERIFY_ENTRY,
};

export const TARGET_MIN_GZIP = 110 * 1024;

async function bundle(contents, minify, resolveDir = root) {
  const result = await build({
    stdin: { contents, resolveDir, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    metafile: true,
    // A node: import must not break the report: it is kept external and reported by the check.
    external: ['node:*'],
    absWorkingDir: root, // module comments are relative to it (the check reads them)
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0].contents, text: result.outputFiles[0].text, metafile: result.metafile };
}

/** { raw, min, gzip } of one entry, plus the unminified text and the minified metafile. */
export async function measure(contents, resolveDir = root) {
  const raw = await bundle(contents, false, resolveDir);
  const min = await bundle(contents, true, resolveDir);
  return {
    sizes: { raw: raw.code.length, min: min.code.length, gzip: gzipSync(min.code, { level: 9 }).length },
    text: raw.text,
    metafile: min.metafile,
  };
}

export async function measureAll() {
  const out = {};
  for (const [name, contents] of Object.entries(ENTRIES)) out[name] = (await measure(contents)).sizes;
  return out;
}

/**
 * What must never be in the verify bundle: modules (metafile inputs), and
 * declarations inside the SDK's own modules (the unminified output is split
 * at esbuild's `// <path>` module comments). Third-party leftovers that are
 * not ours to shake (pkijs is kept whole by its crypto engine; cbor2's
 * decoder imports its encoder; @noble/curves ships sign beside verify) are
 * reported by `composition()`, not failed here.
 */
export const FORBIDDEN = {
  modules: [
    { pattern: /packages\/cli\/|@x\/notary-cli/, what: 'CLI code (@x/notary-cli)' },
    // core's verifier uses the plugin protocol's constants and version order
    // (as notation-go's verifier imports its plugin package), so the plugin
    // package may be in the bundle; its host code may not (declarations below).
    { pattern: /packages\/plugin-example\/|@x\/notary-plugin-example/, what: 'the example plugin' },
    { pattern: /packages\/[^/]+\/(?:dist|src)\/node\//, what: 'a ./node entry of an SDK package' },
  ],
  declarations: [
    { name: 'signEnvelope', what: 'signing code' },
    { name: 'signerFromPrivateKey', what: 'signing code (private key import)' },
    { name: 'signerFromCryptoKey', what: 'signing code' },
    { name: 'sign', what: 'the sign workflow of @x/notary-core' },
    { name: 'signBlob', what: 'the blob sign workflow' },
    { name: 'timestamper', what: 'timestamp requesting (signing side)' },
    { name: 'requestTimestamp', what: 'TimeStampReq creation (signing side)' },
    { name: 'encodeTimestampRequest', what: 'TimeStampReq creation (signing side)' },
    { name: 'generateTestCertificate', what: 'test certificate generation' },
    { name: 'encodeCose', what: 'the COSE encoder path' },
    { name: 'encodeCoseProtectedHeader', what: 'the COSE encoder path' },
    { name: 'encodeJws', what: 'the JWS encoder (signing side)' },
    { name: 'createPluginClient', what: 'plugin host code (the plugin client)' },
    { name: 'createPlugin', what: 'plugin host code (the TypeScript plugin framework)' },
    { name: 'createPluginSigner', what: 'plugin host code (the RAW signing adapter)' },
    { name: 'createPluginEnvelopeGenerator', what: 'plugin host code (the ENVELOPE adapter)' },
  ],
  /** Anywhere in the bundle. */
  text: [{ pattern: /new\s+(?:pkijs\.)?TimeStampReq\d*\s*\(/, what: 'TimeStampReq creation' }],
};

/** The unminified output split into { module, code } sections. */
export function sections(text) {
  return text
    .split(/\n(?=\/\/ [^\n]*\.(?:m?js|ts)\n)/)
    .map((code) => ({ module: code.match(/^\/\/ ([^\n]*)/)?.[1] ?? '', code }));
}

const OWN_MODULE = /(?:^|\/)packages\/[^/]+\/(?:dist|src)\//;

/** Problems of the verify bundle; [] when it is clean. */
export async function verifyBundleProblems(measured) {
  const m = measured ?? (await measure(VERIFY_ENTRY));
  const problems = [];
  for (const output of Object.values(m.metafile.outputs)) {
    for (const imp of output.imports)
      if (imp.path.startsWith('node:')) problems.push(`imports ${imp.path} (a Node built-in)`);
  }
  const inputs = Object.keys(m.metafile.inputs);
  for (const { pattern, what } of FORBIDDEN.modules) {
    const hits = inputs.filter((input) => pattern.test(input));
    if (hits.length) problems.push(`contains ${what}: ${hits.join(', ')}`);
  }
  const own = sections(m.text).filter((s) => OWN_MODULE.test(s.module));
  if (own.length === 0)
    problems.push('found no SDK module in the bundle: the section split no longer matches esbuild output');
  for (const { name, what } of FORBIDDEN.declarations) {
    // esbuild keeps names in unminified output, renaming clashes to name2, name3…
    const declared = new RegExp(`(?:function\\*?|class|var|let|const)\\s+${name}\\d*\\b`);
    for (const s of own) if (declared.test(s.code)) problems.push(`declares ${name} in ${s.module}: ${what}`);
  }
  for (const { pattern, what } of FORBIDDEN.text) if (pattern.test(m.text)) problems.push(`contains ${what}`);
  return problems;
}

/** Bytes in the minified verify bundle per package and the largest modules. */
export function composition(metafile) {
  const output = Object.values(metafile.outputs)[0];
  const byPackage = {};
  const modules = [];
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg =
      path.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ??
      path.match(/packages\/([^/]+)\//)?.[1]?.replace(/^/, '@x/notary-') ??
      path;
    byPackage[pkg] = (byPackage[pkg] ?? 0) + bytesInOutput;
    modules.push({
      module: relative(root, path).replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, ''),
      bytes: bytesInOutput,
    });
  }
  return {
    byPackage: Object.fromEntries(Object.entries(byPackage).sort((a, b) => b[1] - a[1])),
    largestModules: modules.sort((a, b) => b.bytes - a.bytes).slice(0, 25),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await measureAll();
  console.log(JSON.stringify(sizes, null, 2));
  const verifyName = Object.keys(ENTRIES).at(-1);
  const verify = await measure(VERIFY_ENTRY);
  const gz = sizes[verifyName].gzip;
  console.error(
    `verify bundle: ${(gz / 1024).toFixed(1)} KB min+gzip (target ${TARGET_MIN_GZIP / 1024} KB: ${gz <= TARGET_MIN_GZIP ? 'met' : 'over'})`,
  );
  const problems = await verifyBundleProblems(verify);
  console.error(
    problems.length
      ? `verify bundle check FAILED:\n  ${problems.join('\n  ')}`
      : 'verify bundle check: no node: import; no signing, TimeStampReq creation, plugin host, CLI or COSE/JWS encoder code of the SDK ' +
          "(third-party code kept whole by its own structure, e.g. pkijs classes, cbor2's encoder module imported by its decoder, is listed by --analyze)",
  );
  if (process.argv.includes('--analyze')) console.error(JSON.stringify(composition(verify.metafile), null, 2));
  process.exitCode = problems.length ? 1 : 0;
}
