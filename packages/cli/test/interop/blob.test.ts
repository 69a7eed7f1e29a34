/**
 * Interop for blobs (issue 13): detached signatures (SIGN-3, WF-4) made by
 * `notation-v2.0.0-alpha.1 blob sign` are verified by `notary blob verify`,
 * and the reverse, with JWS and COSE, every one timestamped by the loopback
 * `openssl ts` TSA and verified under a blob policy (BTP-1) that requires
 * the timestamp (`verifyTimestamp: always`, TSA-3). notation v1.3.2 has no
 * `blob` command. Each cell signs its own file; some add `--media-type` and
 * `-m` user metadata: verification with another value fails (VER-8).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeySpec } from '@x/notary-pki';
import type {} from '@x/notary-test-servers/pki/global-setup';
import { beforeAll, expect, inject, it } from 'vitest';
import { addKey, describeWithPeers, type InteropUser, makeUser, writePolicyFile } from './peers.js';

const pki = inject('pkiServers');
const tsaUrl = pki.tsa.routes.good;
const tsaRoot = pki.scenario.tsa.root.cert;

type Direction = 'notation→notary' | 'notary→notation';

interface Cell {
  direction: Direction;
  envelope: 'jws' | 'cose';
  keySpec: KeySpec;
  /** `--media-type` and `-m` given at signing, and so at verification. */
  attributes: boolean;
  id: string;
}

const BLOB_CELLS: readonly Cell[] = (
  [
    ['notation→notary', 'jws', 'RSA-2048', false],
    ['notation→notary', 'cose', 'EC-256', true],
    ['notary→notation', 'jws', 'EC-521', true],
    ['notary→notation', 'cose', 'RSA-4096', false],
  ] as const
).map(([direction, envelope, keySpec, attributes]) => ({
  direction,
  envelope,
  keySpec,
  attributes,
  id: [direction === 'notation→notary' ? 'n2x' : 'x2n', envelope, keySpec].join('-').toLowerCase(),
}));

const NOTATION = 'v2.0.0-alpha.1';
const keyName = (keySpec: KeySpec) => `blob-${keySpec.toLowerCase()}`;

await describeWithPeers('issue 13 interop: blobs, notation v2 ⇄ notary', ['notation-v2.0.0-alpha.1'], () => {
  let user: InteropUser;

  beforeAll(async () => {
    user = await makeUser();
    const keySpecs = [...new Set(BLOB_CELLS.map((c) => c.keySpec))];
    for (const keySpec of keySpecs) await addKey(user, keyName(keySpec), keySpec);
    await user.ok(['cert', 'add', '-t', 'tsa', '-s', 'loopback-tsa', tsaRoot]);
    const policy = {
      version: '1.0',
      trustPolicies: BLOB_CELLS.map((cell) => ({
        name: cell.id,
        signatureVerification: { level: 'strict', verifyTimestamp: 'always' },
        trustStores: [`ca:${keyName(cell.keySpec)}`, 'tsa:loopback-tsa'],
        trustedIdentities: ['*'],
      })),
    };
    // Imported with notation, read by notary from the same trustpolicy.blob.json.
    await user.notationOk(NOTATION, [
      'blob',
      'policy',
      'import',
      await writePolicyFile(user, 'blob-policy.json', policy),
    ]);
  });

  it.each(BLOB_CELLS)(
    'issue 13 blob: $direction $envelope $keySpec timestamped (attributes: $attributes)',
    async (cell) => {
      const blob = join(user.dir, `${cell.id}.bin`);
      await writeFile(blob, `blob cell ${cell.id}\n`);
      const attributes = cell.attributes ? ['--media-type', 'application/vnd.example+text', '-m', 'build=42'] : [];
      const signFlags = [
        '--key',
        keyName(cell.keySpec),
        '--signature-format',
        cell.envelope,
        '--timestamp-url',
        tsaUrl,
        '--timestamp-root-cert',
        tsaRoot,
        ...attributes,
        blob,
      ];
      const signature = `${blob}.${cell.envelope}.sig`;
      const verifyFlags = ['--policy-name', cell.id, '--signature', signature, ...attributes, blob];
      const wrongMetadata = ['--policy-name', cell.id, '--signature', signature, '-m', 'build=43', blob];
      if (cell.direction === 'notation→notary') {
        expect(await user.notationOk(NOTATION, ['blob', 'sign', ...signFlags])).toContain(signature);
        expect(await user.ok(['blob', 'verify', ...verifyFlags])).toContain(
          `Successfully verified signature for ${blob}`,
        );
        if (cell.attributes) expect(await user.fails(['blob', 'verify', ...wrongMetadata])).toMatch(/^Error: /);
      } else {
        expect(await user.ok(['blob', 'sign', ...signFlags])).toContain(`Signature file written to ${signature}`);
        expect(await user.notationOk(NOTATION, ['blob', 'verify', ...verifyFlags])).toContain(
          `Successfully verified signature for ${blob}`,
        );
        if (cell.attributes)
          expect(await user.notationFails(NOTATION, ['blob', 'verify', ...wrongMetadata])).toMatch(/^Error: /m);
      }
      // notation reads the countersignature back.
      const inspected = JSON.parse(
        await user.notationOk(NOTATION, ['blob', 'inspect', '-o', 'json', signature]),
      ) as Record<string, any>;
      expect(inspected['signatureEnvelopeType']).toBe(
        cell.envelope === 'jws' ? 'application/jose+json' : 'application/cose',
      );
      expect(inspected['unsignedAttributes']['timestampSignature']['timestamp']).toBeDefined();
    },
  );
});
