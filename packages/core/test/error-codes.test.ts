import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { EnvelopeErrorCode } from '@x/notary-envelope';
import { OciError, type OciErrorCode } from '@x/notary-oci';
import { NotaryError, type PkiErrorCode } from '@x/notary-pki';
import type { PluginPackageErrorCode } from '@x/notary-plugin';
import type { TrustPolicyErrorCode } from '@x/notary-trust-policy';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  NotaryErrorCode,
  VerificationCheckErrorCode,
  VerificationPluginErrorCode,
  WorkflowErrorCode,
} from '../src/index.js';

const root = resolve(import.meta.dirname, '../../..');

/** Every `.ts` file below `dir`, iteratively (the tree is ours and small). */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) pending.push(path);
      else if (path.endsWith('.ts')) out.push(path);
    }
  }
  return out;
}

describe('error codes', () => {
  it("issue 14 finding 3: every 'ERR_…' code literal in packages/*/src is described in docs/errors.md", () => {
    const documented = new Set(
      [...readFileSync(join(root, 'docs', 'errors.md'), 'utf8').matchAll(/`(ERR_[A-Z0-9_]+)`/g)].map((m) => m[1]!),
    );
    const missing = new Map<string, string>();
    let seen = 0;
    for (const pkg of readdirSync(join(root, 'packages'))) {
      const src = join(root, 'packages', pkg, 'src');
      if (
        !statSync(join(root, 'packages', pkg)).isDirectory() ||
        !readdirSync(join(root, 'packages', pkg)).includes('src')
      )
        continue;
      for (const file of sourceFiles(src)) {
        // A code ends in a letter or digit; `'ERR_OCI_'` is a prefix the CLI matches on, not a code.
        for (const m of readFileSync(file, 'utf8').matchAll(/'(ERR_[A-Z0-9_]*[A-Z0-9])'/g)) {
          seen += 1;
          if (!documented.has(m[1]!)) missing.set(m[1]!, relative(root, file));
        }
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect(Object.fromEntries(missing)).toEqual({});
  });

  it("issue 14 finding 3: NotaryErrorCode covers each package's code union", () => {
    expectTypeOf<PkiErrorCode>().toExtend<NotaryErrorCode>();
    expectTypeOf<EnvelopeErrorCode>().toExtend<NotaryErrorCode>();
    expectTypeOf<TrustPolicyErrorCode>().toExtend<NotaryErrorCode>();
    expectTypeOf<VerificationCheckErrorCode>().toExtend<NotaryErrorCode>();
    expectTypeOf<VerificationPluginErrorCode>().toExtend<NotaryErrorCode>();
    expectTypeOf<OciErrorCode>().toExtend<NotaryErrorCode>();
    expectTypeOf<PluginPackageErrorCode>().toExtend<NotaryErrorCode>();
    expectTypeOf<WorkflowErrorCode>().toExtend<NotaryErrorCode>();
    // And it is not just `string`.
    expectTypeOf<'ERR_NOT_A_CODE'>().not.toExtend<NotaryErrorCode>();
  });

  it('issue 14 finding 3: an OciError is a NotaryError (one catch for registry and layout errors)', () => {
    const error = new OciError('ERR_OCI_NOT_FOUND', 'nope', { status: 404 });
    expect(error).toBeInstanceOf(NotaryError);
    expect(error.code).toBe('ERR_OCI_NOT_FOUND');
    expect(error.name).toBe('OciError');
    expect(error.status).toBe(404);
  });
});
