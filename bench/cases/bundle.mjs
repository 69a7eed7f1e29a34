/**
 * Case 7: bundle sizes, measured by bench/bundle.mjs (written with the
 * runtimes issue). This case runs it in a child and passes on what it
 * prints: the last JSON object on its stdout when there is one, else its
 * text. Target: the verify bundle <= 110 KB min+gzip.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BUNDLE = join(here, '..', 'bundle.mjs');
const LIMIT_BYTES = 110 * 1024;

/** Finds a verify bundle's gzip size in whatever shape bundle.mjs reports. */
function findVerifyGzip(value, path = []) {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const here = [...path, key];
    if (typeof inner === 'number' && /gzip/i.test(key) && here.some((p) => /verify/i.test(String(p))))
      return { path: here.join('.'), bytes: inner };
    if (inner && typeof inner === 'object') {
      const isVerify = /verify/i.test(String(key)) || /verify/i.test(String(inner.name ?? inner.entry ?? ''));
      if (isVerify) {
        for (const [k, v] of Object.entries(inner))
          if (typeof v === 'number' && /gzip/i.test(k)) return { path: [...here, k].join('.'), bytes: v };
      }
      const found = findVerifyGzip(inner, here);
      if (found) return found;
    }
  }
  return undefined;
}

export async function bundleCase(ctx) {
  const base = { case: 7, name: 'bundle-sizes', target: 'verify bundle <= 110 KB min+gzip' };
  if (!existsSync(BUNDLE))
    return {
      ...base,
      pending: 'bench/bundle.mjs does not exist yet (written with the runtimes issue)',
      met: undefined,
      results: [],
    };
  const { code, stdout, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...(ctx.quick ? ['--quick'] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  let parsed;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    for (const line of stdout.trim().split('\n').reverse()) {
      try {
        const value = JSON.parse(line);
        if (value && typeof value === 'object') {
          parsed = value;
          break;
        }
      } catch {
        // not a JSON line
      }
    }
  }
  // bundle.mjs exits 1 when its content check fails but still prints the sizes.
  if (code !== 0 && parsed === undefined)
    return { ...base, error: `bench/bundle.mjs exited with ${code}: ${(stderr || stdout).slice(0, 2000)}` };
  const notes =
    code === 0 ? [] : [`bench/bundle.mjs exited with ${code}: ${stderr.trim().split('\n').slice(0, 6).join(' | ')}`];
  const verify = parsed === undefined ? undefined : findVerifyGzip(parsed);
  return {
    ...base,
    met: verify === undefined ? undefined : verify.bytes <= LIMIT_BYTES,
    bundle: parsed ?? stdout.trim().slice(0, 4000),
    verifyGzipBytes: verify?.bytes,
    verifyGzipField: verify?.path,
    notes:
      verify === undefined
        ? [...notes, 'bench/bundle.mjs ran, but no verify gzip size was found in its output: see `bundle`']
        : notes,
    results:
      verify === undefined
        ? []
        : [
            {
              label: 'verify bundle',
              unit: 'KB',
              variants: {},
              ratios: {},
              target: {
                ratio: 'min+gzip KB',
                max: 110,
                measured: Math.round((verify.bytes / 1024) * 10) / 10,
                met: verify.bytes <= LIMIT_BYTES,
              },
              extra: Object.fromEntries(
                Object.entries(parsed).map(([k, v]) => [
                  k,
                  v && typeof v === 'object' && typeof v.gzip === 'number'
                    ? `${(v.gzip / 1024).toFixed(1)} KB gz`
                    : JSON.stringify(v),
                ]),
              ),
            },
          ],
  };
}
