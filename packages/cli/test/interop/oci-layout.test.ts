/**
 * Interop in OCI image layouts (issue 13): an artifact in a layout signed by
 * each notation version (`--oci-layout`, NOTATION_EXPERIMENTAL=1) is
 * verified by `notary`, and the reverse, with JWS and COSE. Each cell has
 * its own layout holding one image, so the only signature in it is the
 * cell's.
 *
 * notation v1.3.2 finds in a layout only signature manifests whose
 * `config.mediaType` is `application/vnd.cncf.notary.signature` (the form it
 * writes itself, AMB-20); the `notary→notation v1.3.2` cells without
 * `--legacy-manifest` need notary to write that form in layouts by itself
 * (issue 13 item 1).
 */
import { join } from 'node:path';
import type { KeySpec } from '@x/notary-pki';
import { beforeAll, expect, it } from 'vitest';
import { makeLayout } from '../helpers.js';
import {
  addKey,
  describeWithPeers,
  type InteropUser,
  makeUser,
  type NotationVersion,
  writePolicyFile,
} from './peers.js';

type Direction = 'notation→notary' | 'notary→notation';

interface Cell {
  direction: Direction;
  notation: NotationVersion;
  envelope: 'jws' | 'cose';
  keySpec: KeySpec;
  /** `--legacy-manifest`: notary writes the legacy form (OCI-3) explicitly. */
  legacyManifest: boolean;
  id: string;
}

const LAYOUT_CELLS: readonly Cell[] = (['notation→notary', 'notary→notation'] as const)
  .flatMap((direction) =>
    (['v1.3.2', 'v2.0.0-alpha.1'] as const).flatMap((notation) =>
      (
        [
          ['jws', 'RSA-3072'],
          ['cose', 'EC-384'],
        ] as const
      ).map(([envelope, keySpec]) => ({
        direction,
        notation,
        envelope,
        keySpec,
        legacyManifest: false,
        id: [direction === 'notation→notary' ? 'n2x' : 'x2n', notation, envelope, keySpec]
          .join('-')
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, ''),
      })),
    ),
  )
  .concat(
    // With `--legacy-manifest` notary writes the form v1.3.2 finds in a layout today.
    (['jws', 'cose'] as const).map((envelope) => ({
      direction: 'notary→notation' as const,
      notation: 'v1.3.2' as const,
      envelope,
      keySpec: 'EC-384' as const,
      legacyManifest: true,
      id: `x2n-v132-${envelope}-ec-384-legacy-manifest`,
    })),
  );

const SCOPE = 'local.test/interop-layout';
const keyName = (keySpec: KeySpec) => `layout-${keySpec.toLowerCase()}`;

await describeWithPeers(
  'issue 13 interop: OCI layouts, notation ⇄ notary',
  ['notation-v1.3.2', 'notation-v2.0.0-alpha.1'],
  () => {
    let user: InteropUser;

    beforeAll(async () => {
      user = await makeUser();
      await addKey(user, keyName('RSA-3072'), 'RSA-3072');
      await addKey(user, keyName('EC-384'), 'EC-384');
      const policy = {
        version: '1.0',
        trustPolicies: [
          {
            name: 'layouts',
            registryScopes: [SCOPE],
            signatureVerification: { level: 'strict' },
            trustStores: [`ca:${keyName('RSA-3072')}`, `ca:${keyName('EC-384')}`],
            trustedIdentities: ['*'],
          },
        ],
      };
      await user.ok(['policy', 'import', await writePolicyFile(user, 'layout-policy.json', policy)]);
    });

    it.each(LAYOUT_CELLS)(
      'issue 13 layout: $direction $notation $envelope $keySpec (--legacy-manifest: $legacyManifest)',
      async (cell) => {
        const dir = join(user.dir, 'layouts', cell.id);
        const { image } = await makeLayout(dir, 'v1', `layout cell ${cell.id}`);
        const reference = `${dir}@${image.digest}`;
        const signFlags = [
          '--oci-layout',
          '--key',
          keyName(cell.keySpec),
          '--signature-format',
          cell.envelope,
          reference,
        ];
        const verifyFlags = ['--oci-layout', '--scope', SCOPE, reference];
        const verified = `Successfully verified signature for ${reference}`;
        if (cell.direction === 'notation→notary') {
          expect(await user.notationOk(cell.notation, ['sign', ...signFlags])).toContain(
            `Successfully signed ${reference}`,
          );
          expect(await user.ok(['verify', ...verifyFlags])).toBe(`${verified}\n`);
          expect(await user.ok(['list', '--oci-layout', reference])).toContain(
            '└── application/vnd.cncf.notary.signature',
          );
        } else {
          expect(
            await user.ok(['sign', ...(cell.legacyManifest ? ['--legacy-manifest'] : []), ...signFlags]),
          ).toContain(`Successfully signed ${reference}`);
          expect(await user.notationOk(cell.notation, ['ls', '--oci-layout', reference])).toMatch(
            /└── application\/vnd\.cncf\.notary\.signature\n\s+└── sha256:[0-9a-f]{64}/,
          );
          expect(await user.notationOk(cell.notation, ['verify', ...verifyFlags])).toContain(verified);
        }
      },
    );
  },
);
