/**
 * Case 6: `notary blob sign` and `notary blob verify` of a 1 GiB file
 * (64 MiB with --quick), against `sha256sum` of the same file, each as a
 * child process, interleaved. Wall time is measured here, from spawn to
 * exit; peak RSS comes from `/usr/bin/time -f %M` around each child.
 *
 * The file is made at bench start in a temporary directory (a 16 MiB random
 * block repeated) and deleted after, with a NOTATION_CONFIG directory that
 * holds the EC-256 test-vector key (signingkeys.json), its root in
 * truststore/x509/ca/bench and a global blob trust policy (revocation
 * skipped). The first read of each round comes from the page cache for all
 * three commands alike.
 *
 * When the CLI is not built, the library's signBlob/verifyBlob run in a
 * child on a file stream instead (bench/lib/blob-child.mjs), and the
 * result says so.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { interleave, report, rounded, summarize } from '../lib/stats.mjs';
import { ROOT, VECTORS } from '../lib/vectors.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'main.js');
const TIME = '/usr/bin/time';

async function makeFile(path, bytes) {
  const block = randomBytes(Math.min(bytes, 16 * 2 ** 20));
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < bytes; written += block.length)
      await handle.write(block, 0, Math.min(block.length, bytes - written));
  } finally {
    await handle.close();
  }
}

async function makeConfig(dir) {
  const chainDir = join(VECTORS, 'chains', 'ec-256');
  await mkdir(join(dir, 'truststore', 'x509', 'ca', 'bench'), { recursive: true });
  await writeFile(
    join(dir, 'truststore', 'x509', 'ca', 'bench', 'root.pem'),
    await readFile(join(chainDir, 'root.pem')),
  );
  await writeFile(
    join(dir, 'signingkeys.json'),
    JSON.stringify({
      default: 'bench',
      keys: [{ name: 'bench', keyPath: join(chainDir, 'leaf.key.pem'), certPath: join(chainDir, 'chain.pem') }],
    }),
  );
  await writeFile(
    join(dir, 'trustpolicy.blob.json'),
    JSON.stringify({
      version: '1.0',
      trustPolicies: [
        {
          name: 'bench',
          signatureVerification: { level: 'strict', override: { revocation: 'skip' } },
          trustStores: ['ca:bench'],
          trustedIdentities: ['*'],
          globalPolicy: true,
        },
      ],
    }),
  );
}

/** Runs a command; resolves to { ms, maxRssMiB }. Throws on a non-zero exit. */
async function timed(command, args, env, scratch) {
  const useTime = existsSync(TIME);
  const rssFile = join(scratch, `rss-${process.hrtime.bigint()}`);
  const [file, argv] = useTime ? [TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const start = performance.now();
  const { code, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (c) => resolve({ code: c, stderr: err }));
  });
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(0, 2000)}`);
  let maxRssMiB;
  if (useTime) {
    const kb = Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1));
    maxRssMiB = kb / 1024;
    await rm(rssFile, { force: true });
  }
  return { ms, maxRssMiB };
}

export async function blobCase(ctx) {
  const bytes = ctx.quick ? 64 * 2 ** 20 : 2 ** 30;
  const dir = await mkdtemp(join(os.tmpdir(), 'notary-bench-blob-'));
  const notes = [];
  try {
    const file = join(dir, 'blob.bin');
    const config = join(dir, 'config');
    const sigDir = join(dir, 'signatures');
    await mkdir(sigDir);
    const t0 = Date.now();
    await makeFile(file, bytes);
    ctx.log(`${bytes / 2 ** 20} MiB file written in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    await makeConfig(config);
    const env = { ...process.env, NOTATION_CONFIG: config, NO_COLOR: '1' };
    const signature = join(sigDir, 'blob.bin.jws.sig');
    const cliBuilt = existsSync(CLI);
    let signCommand;
    let verifyCommand;
    if (cliBuilt) {
      signCommand = [
        process.execPath,
        [
          CLI,
          'blob',
          'sign',
          '--key',
          'bench',
          '--signature-format',
          'jws',
          '--force',
          '--signature-directory',
          sigDir,
          file,
        ],
      ];
      verifyCommand = [process.execPath, [CLI, 'blob', 'verify', '--signature', signature, file]];
    } else {
      notes.push(
        'packages/cli is not built: signBlob/verifyBlob of the library run in a child on a file stream (bench/lib/blob-child.mjs)',
      );
      const child = join(here, '..', 'lib', 'blob-child.mjs');
      signCommand = [process.execPath, [child, 'sign', config, file, signature]];
      verifyCommand = [process.execPath, [child, 'verify', config, file, signature]];
    }
    const rss = { sign: [], verify: [], sha256sum: [] };
    const run =
      (name, [command, args]) =>
      async () => {
        const r = await timed(command, args, env, dir);
        if (r.maxRssMiB !== undefined) rss[name].push(r.maxRssMiB);
      };
    // Sign once first, so that verify has a signature from the first round on.
    await run('sign', signCommand)();
    rss.sign.length = 0;
    const { samples } = await interleave({
      rounds: ctx.quick ? 1 : 5,
      warmup: ctx.quick ? 0 : 1,
      batch: 1,
      variants: {
        sha256sum: run('sha256sum', ['sha256sum', [file]]),
        sign: run('sign', signCommand),
        verify: run('verify', verifyCommand),
      },
    });
    const block = report(samples, {
      unit: 's',
      pairs: [
        ['sign', 'sha256sum'],
        ['verify', 'sha256sum'],
      ],
    });
    const peak = Object.fromEntries(
      Object.entries(rss).map(([k, v]) => [k, v.length ? rounded(summarize(v), 4).median : null]),
    );
    const results = [];
    for (const which of ['sign', 'verify']) {
      const ratio = block.ratios[`${which}/sha256sum`];
      results.push({
        label: `blob ${which}`,
        unit: 's',
        variants: { [which]: block.variants[which], sha256sum: block.variants.sha256sum },
        ratios: { [`${which}/sha256sum`]: ratio },
        target: { ratio: `${which}/sha256sum`, max: 1.3, measured: ratio.median, met: ratio.median <= 1.3 },
        rssTarget: { maxMiB: 200, measured: peak[which], met: peak[which] !== null && peak[which] <= 200 },
        extra: {
          'peak RSS MiB': peak[which]?.toFixed(0),
          'sha256sum peak RSS MiB': peak.sha256sum?.toFixed(1),
          MiB: bytes / 2 ** 20,
        },
      });
    }
    if (!existsSync(TIME)) notes.push('/usr/bin/time is missing: no peak RSS');
    return {
      case: 6,
      name: 'blob-sign-verify',
      target: 'sign and verify <= 1.3x sha256sum wall; peak RSS <= 200 MB',
      met: results.every((r) => r.target.met && r.rssTarget.met),
      implementation: cliBuilt ? 'notary CLI (packages/cli/dist/main.js)' : 'library signBlob/verifyBlob in a child',
      fileBytes: bytes,
      notes,
      results,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
