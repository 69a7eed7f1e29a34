/**
 * Interop against registries (issue 13): an artifact signed by each notation
 * version is verified by `notary`, and the reverse, in one shared config
 * directory. Registries: olareg (the OCI 1.1 Referrers API, OCI-7; notation
 * is told `--force-referrers-tag=false` there) and Debian's docker-registry
 * (the tag schema, OCI-8). Every cell is one artifact in its own repository,
 * named direction × notation version × envelope × key spec × feature ×
 * registry; every envelope, key spec (ALG-2) and feature appears in each
 * direction with each notation version, without the full cross product.
 *
 * Features: `plain`; `metadata` (`-m` user metadata, VER-8: verification
 * with the same pair passes, with another value fails); `subject` (an
 * `x509.subject` trusted identity, DN-4; the RSA-2048 key is the one
 * `notary cert generate-test` makes, issue 13 finding 3); `timestamp` (an
 * RFC 3161 countersignature from the loopback `openssl ts` TSA, required by
 * `verifyTimestamp: always` with a `tsa` store, TSA-3).
 */

import { RemoteRepository } from '@x/notary-oci';
import type { KeySpec } from '@x/notary-pki';
import type {} from '@x/notary-test-servers/oci/global-setup';
import type {} from '@x/notary-test-servers/pki/global-setup';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { pushImage } from '../helpers.js';
import {
  addKey,
  describeWithPeers,
  type InteropUser,
  makeUser,
  type NotationVersion,
  type Olareg,
  startOlareg,
  writePolicyFile,
} from './peers.js';

const oci = inject('ociServers');
const pki = inject('pkiServers');
const tsaUrl = pki.tsa.routes.good;
const tsaRoot = pki.scenario.tsa.root.cert;

type Direction = 'notation→notary' | 'notary→notation';
type Envelope = 'jws' | 'cose';
type Feature = 'plain' | 'metadata' | 'subject' | 'timestamp';
type RegistryName = 'olareg' | 'docker-registry';

interface Cell {
  direction: Direction;
  notation: NotationVersion;
  envelope: Envelope;
  keySpec: KeySpec;
  feature: Feature;
  registry: RegistryName;
  /** Repository name and policy statement name. */
  id: string;
}

/** The rows run in each direction with each notation version (v2 flips the envelope, so each key spec meets both). */
const PLAN: ReadonlyArray<[Envelope, KeySpec, Feature, RegistryName]> = [
  ['jws', 'RSA-2048', 'subject', 'olareg'],
  ['cose', 'RSA-3072', 'metadata', 'olareg'],
  ['jws', 'RSA-4096', 'timestamp', 'olareg'],
  ['cose', 'EC-256', 'timestamp', 'docker-registry'],
  ['jws', 'EC-384', 'metadata', 'docker-registry'],
  ['cose', 'EC-521', 'subject', 'olareg'],
  ['jws', 'EC-256', 'plain', 'docker-registry'],
];

const flip = (envelope: Envelope): Envelope => (envelope === 'jws' ? 'cose' : 'jws');

const REGISTRY_CELLS: readonly Cell[] = (['notation→notary', 'notary→notation'] as const).flatMap((direction) =>
  (['v1.3.2', 'v2.0.0-alpha.1'] as const).flatMap((notation) =>
    PLAN.map(([envelope, keySpec, feature, registry]) => {
      const env = notation === 'v1.3.2' ? envelope : flip(envelope);
      const id = [direction === 'notation→notary' ? 'n2x' : 'x2n', notation, env, keySpec, feature, registry]
        .join('-')
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '');
      return { direction, notation, envelope: env, keySpec, feature, registry, id };
    }),
  ),
);

/** The key of each key spec: RSA-2048 is `notary cert generate-test`'s, the rest openssl's. */
const keyName = (keySpec: KeySpec) => (keySpec === 'RSA-2048' ? 'generated.example' : `key-${keySpec.toLowerCase()}`);

await describeWithPeers(
  'issue 13 interop: registries, notation ⇄ notary',
  ['notation-v1.3.2', 'notation-v2.0.0-alpha.1', 'olareg-v0.1.2'],
  () => {
    let user: InteropUser;
    let olareg: Olareg;
    const hosts = {} as Record<RegistryName, string>;
    const digests = new Map<string, string>();

    beforeAll(async () => {
      olareg = await startOlareg();
      hosts.olareg = olareg.host;
      hosts['docker-registry'] = oci.registries.none.host;
      user = await makeUser();
      // The RSA-2048 key and its ca store come from generate-test, as a notation user's would.
      await user.ok(['cert', 'generate-test', keyName('RSA-2048')]);
      for (const keySpec of ['RSA-3072', 'RSA-4096', 'EC-256', 'EC-384', 'EC-521'] as const)
        await addKey(user, keyName(keySpec), keySpec);
      await user.ok(['cert', 'add', '-t', 'tsa', '-s', 'loopback-tsa', tsaRoot]);
      const statements = REGISTRY_CELLS.map((cell) => ({
        name: cell.id,
        registryScopes: [`${hosts[cell.registry]}/interop/${cell.id}`],
        signatureVerification: {
          level: 'strict',
          ...(cell.feature === 'timestamp' ? { verifyTimestamp: 'always' } : {}),
        },
        trustStores: [`ca:${keyName(cell.keySpec)}`, ...(cell.feature === 'timestamp' ? ['tsa:loopback-tsa'] : [])],
        trustedIdentities: [
          cell.feature === 'subject'
            ? `x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=${keyName(cell.keySpec)}`
            : '*',
        ],
      }));
      await user.ok([
        'policy',
        'import',
        await writePolicyFile(user, 'registry-policy.json', { version: '1.0', trustPolicies: statements }),
      ]);
      for (const cell of REGISTRY_CELLS) {
        const repository = new RemoteRepository({
          registry: hosts[cell.registry],
          repository: `interop/${cell.id}`,
          plainHttp: true,
        });
        digests.set(cell.id, (await pushImage(repository, 'v1', `interop cell ${cell.id}`)).digest);
      }
    });

    afterAll(async () => {
      await olareg?.stop();
    });

    it.each(REGISTRY_CELLS)(
      'issue 13 registry: $direction $notation $envelope $keySpec $feature @$registry',
      async (cell) => {
        const reference = `${hosts[cell.registry]}/interop/${cell.id}@${digests.get(cell.id)}`;
        const signFlags = [
          '--insecure-registry',
          '--key',
          keyName(cell.keySpec),
          '--signature-format',
          cell.envelope,
          ...(cell.feature === 'metadata' ? ['-m', 'team=blue'] : []),
          ...(cell.feature === 'timestamp' ? ['--timestamp-url', tsaUrl, '--timestamp-root-cert', tsaRoot] : []),
        ];
        const verifyFlags = ['--insecure-registry', ...(cell.feature === 'metadata' ? ['-m', 'team=blue'] : [])];
        const verified = `Successfully verified signature for ${reference}`;

        if (cell.direction === 'notation→notary') {
          // On olareg notation uses the Referrers API; v1.3.2's default is the tag schema.
          const referrers = cell.registry === 'olareg' ? ['--force-referrers-tag=false'] : [];
          expect(await user.notationOk(cell.notation, ['sign', ...referrers, ...signFlags, reference])).toContain(
            `Successfully signed ${reference}`,
          );
          expect(await user.ok(['verify', ...verifyFlags, reference])).toContain(verified);
          if (cell.feature === 'metadata') {
            expect(await user.fails(['verify', '--insecure-registry', '-m', 'team=red', reference])).toMatch(
              /^Error: signature verification failed/,
            );
          }
        } else {
          expect(await user.ok(['sign', ...signFlags, reference])).toContain(`Successfully signed ${reference}`);
          expect(await user.notationOk(cell.notation, ['verify', ...verifyFlags, reference])).toContain(verified);
          if (cell.feature === 'metadata') {
            expect(
              await user.notationFails(cell.notation, ['verify', '--insecure-registry', '-m', 'team=red', reference]),
            ).toMatch(/^Error: signature verification failed for all the signatures associated with /);
          }
        }

        // The signature as notation itself reads it: the envelope type, and the countersignature when timestamped.
        const inspected = JSON.parse(
          await user.notationOk('v2.0.0-alpha.1', ['inspect', '--insecure-registry', '-o', 'json', reference]),
        ) as { signatures: Array<Record<string, any>> };
        expect(inspected.signatures).toHaveLength(1);
        const [signature] = inspected.signatures;
        expect(signature!['signatureEnvelopeType']).toBe(
          cell.envelope === 'jws' ? 'application/jose+json' : 'application/cose',
        );
        if (cell.feature === 'timestamp')
          expect(signature!['unsignedAttributes']['timestampSignature']['timestamp']).toBeDefined();
        if (cell.feature === 'metadata') expect(signature!['userDefinedAttributes']).toEqual({ team: 'blue' });
      },
    );
  },
);
