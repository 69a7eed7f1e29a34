/**
 * The README's main job (`pnpm demo`, examples/demo.mjs) runs offline and does
 * what it says: sign in an OCI layout (SIGN-1), verify (WF-1), catch the
 * tampered artifact (VER-3), and sign and verify a blob (SIGN-3, WF-4).
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

it('SIGN-1 SIGN-3 WF-1 WF-4: the demo signs, verifies, catches tampering and exits 0', () => {
  const run = spawnSync(process.execPath, ['examples/demo.mjs'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(
    /checks\s+integrity=passed authenticity=passed authenticTimestamp=passed expiry=passed revocation=passed/,
  );
  expect(run.stdout).toMatch(/application\/jose\+json verified: true/);
  expect(run.stdout).toMatch(/application\/cose verified: true/);
  expect(run.stdout).toMatch(/code\s+ERR_PAYLOAD_MISMATCH/);
  expect(run.stdout).toMatch(/verify v1\s+ERR_NO_SIGNATURE/);
  expect(run.stdout).toMatch(/blob\s+verified: true \(sha384:/);
  expect(run.stdout).toMatch(/changed blob ERR_VERIFICATION_FAILED \(payload\)/);
});
