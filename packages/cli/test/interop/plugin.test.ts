/**
 * Interop through plugins (issue 13): our example plugin
 * (`@x/notary-plugin-example`, key-file mode) is installed with notation's
 * own `plugin install --file` into the shared plugin directory (PLG-1);
 * each notation version signs through it (a RAW signature generator, PLG-7)
 * and `notary` verifies, and `notary` signs through it and each notation
 * version verifies. On Debian's docker-registry (the tag schema).
 */
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteRepository } from '@x/notary-oci';
import type { KeySpec } from '@x/notary-pki';
import type {} from '@x/notary-test-servers/oci/global-setup';
import { beforeAll, expect, inject, it } from 'vitest';
import { pushImage } from '../helpers.js';
import {
  addKey,
  describeWithPeers,
  type InteropUser,
  makeUser,
  type NotationVersion,
  writePolicyFile,
} from './peers.js';

const oci = inject('ociServers');
const EXAMPLE_PLUGIN = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'plugin-example',
  'dist',
  'notation-com.example.notary.cjs',
);
const PLUGIN = 'com.example.notary';

type Direction = 'notation→notary' | 'notary→notation';

interface Cell {
  direction: Direction;
  notation: NotationVersion;
  envelope: 'jws' | 'cose';
  keySpec: KeySpec;
  id: string;
}

const PLUGIN_CELLS: readonly Cell[] = (
  [
    ['notation→notary', 'v1.3.2', 'jws', 'EC-256'],
    ['notation→notary', 'v2.0.0-alpha.1', 'cose', 'RSA-3072'],
    ['notary→notation', 'v1.3.2', 'cose', 'RSA-3072'],
    ['notary→notation', 'v2.0.0-alpha.1', 'jws', 'EC-256'],
  ] as const
).map(([direction, notation, envelope, keySpec]) => ({
  direction,
  notation,
  envelope,
  keySpec,
  id: [direction === 'notation→notary' ? 'n2x' : 'x2n', notation, envelope, keySpec]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, ''),
}));

const keyName = (keySpec: KeySpec) => `plugin-${keySpec.toLowerCase()}`;

await describeWithPeers(
  'issue 13 interop: signing through the example plugin, notation ⇄ notary',
  ['notation-v1.3.2', 'notation-v2.0.0-alpha.1'],
  () => {
    let user: InteropUser;
    const host = oci.registries.none.host;
    const keys = new Map<KeySpec, { keyFile: string; certFile: string }>();

    beforeAll(async () => {
      user = await makeUser();
      const source = join(user.dir, 'dist', `notation-${PLUGIN}`);
      await mkdir(dirname(source), { recursive: true });
      await copyFile(EXAMPLE_PLUGIN, source);
      await chmod(source, 0o755);
      expect(await user.notationOk('v1.3.2', ['plugin', 'install', '--file', source])).toContain(
        `Successfully installed plugin ${PLUGIN}, version 1.0.0`,
      );
      for (const keySpec of ['EC-256', 'RSA-3072'] as const)
        keys.set(keySpec, await addKey(user, keyName(keySpec), keySpec));
      const policy = {
        version: '1.0',
        trustPolicies: [
          {
            name: 'plugin-signed',
            registryScopes: PLUGIN_CELLS.map((cell) => `${host}/interop-plugin/${cell.id}`),
            signatureVerification: { level: 'strict' },
            trustStores: [`ca:${keyName('EC-256')}`, `ca:${keyName('RSA-3072')}`],
            trustedIdentities: ['*'],
          },
        ],
      };
      await user.ok(['policy', 'import', await writePolicyFile(user, 'plugin-policy.json', policy)]);
    });

    it('PLG-1: both notation versions and notary list the plugin notation installed', async () => {
      for (const version of ['v1.3.2', 'v2.0.0-alpha.1'] as const) {
        expect(await user.notationOk(version, ['plugin', 'ls'])).toMatch(
          new RegExp(`${PLUGIN.replace(/\./g, '\\.')}\\s+.*1\\.0\\.0\\s+.*SIGNATURE_GENERATOR\\.RAW`),
        );
      }
      expect(await user.ok(['plugin', 'list'])).toMatch(new RegExp(`${PLUGIN.replace(/\./g, '\\.')}\\s+.*1\\.0\\.0`));
    });

    it.each(PLUGIN_CELLS)(
      'issue 13 plugin: $direction $notation $envelope $keySpec through com.example.notary',
      async (cell) => {
        const repository = new RemoteRepository({
          registry: host,
          repository: `interop-plugin/${cell.id}`,
          plainHttp: true,
        });
        const digest = (await pushImage(repository, 'v1', `plugin cell ${cell.id}`)).digest;
        const reference = `${host}/interop-plugin/${cell.id}@${digest}`;
        const { keyFile, certFile } = keys.get(cell.keySpec)!;
        const signFlags = [
          '--insecure-registry',
          '--plugin',
          PLUGIN,
          '--id',
          'release',
          '--plugin-config',
          `keyFile=${keyFile}`,
          '--plugin-config',
          `certFile=${certFile}`,
          '--signature-format',
          cell.envelope,
          reference,
        ];
        const verified = `Successfully verified signature for ${reference}`;
        if (cell.direction === 'notation→notary') {
          expect(await user.notationOk(cell.notation, ['sign', ...signFlags])).toContain(
            `Successfully signed ${reference}`,
          );
          expect(await user.ok(['verify', '--insecure-registry', reference])).toBe(`${verified}\n`);
        } else {
          expect(await user.ok(['sign', ...signFlags])).toContain(`Successfully signed ${reference}`);
          expect(await user.notationOk(cell.notation, ['verify', '--insecure-registry', reference])).toContain(
            verified,
          );
        }
        // ATTR-5: the signing agent names the plugin, whoever built the envelope.
        const inspected = JSON.parse(
          await user.notationOk('v2.0.0-alpha.1', ['inspect', '--insecure-registry', '-o', 'json', reference]),
        ) as { signatures: Array<Record<string, any>> };
        expect(inspected.signatures).toHaveLength(1);
        expect(inspected.signatures[0]!['unsignedAttributes']['signingAgent']).toMatch(
          / com\.example\.notary\/1\.0\.0$/,
        );
        expect(inspected.signatures[0]!['signatureEnvelopeType']).toBe(
          cell.envelope === 'jws' ? 'application/jose+json' : 'application/cose',
        );
      },
    );
  },
);
