/**
 * TP-13 (issue 13 item 10): a statement at level `skip` verifies nothing, not
 * even whether the signature parses, for OCI artifacts (`notary verify`) and
 * for blobs (`notary blob verify`). Each case has a garbage signature that
 * the same command refuses under a strict statement, so the skip is real.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACT_TYPE_NOTARY_SIGNATURE, MEDIA_TYPE_OCI_MANIFEST } from '@x/notary-oci';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHome, makeLayout, type TestHome } from './helpers.js';

const ALL_SKIPPED = Object.fromEntries(
  ['integrity', 'authenticity', 'authenticTimestamp', 'expiry', 'revocation'].map((c) => [c, ['skipped', 'skip']]),
);

/** `{check: [outcome, action]}` of one signature's JSON result. */
function checksOf(signature: Record<string, any>): Record<string, [string, string]> {
  return Object.fromEntries(
    Object.entries(signature['checks'] as Record<string, { outcome: string; action: string }>).map(([k, v]) => [
      k,
      [v.outcome, v.action],
    ]),
  );
}

describe('skip level (TP-13, issue 13 item 10)', () => {
  let home: TestHome;

  beforeAll(async () => {
    home = await makeHome();
    await home.ok(['cert', 'generate-test', 'skip.example']);
  });

  it('TP-13 issue 13 item 10: notary verify at skip succeeds over a signature whose envelope is garbage; strict refuses it', async () => {
    const layoutDir = join(home.dir, 'layout');
    const { layout, image } = await makeLayout(layoutDir, 'v1', 'an image with a garbage signature');
    // A well-formed signature manifest for the image whose JWS envelope is not JSON.
    const encoder = new TextEncoder();
    const envelope = await layout.pushBlob(
      encoder.encode('{"payload": this is not an envelope'),
      'application/jose+json',
    );
    const config = await layout.pushBlob(encoder.encode('{}'), 'application/vnd.oci.empty.v1+json');
    await layout.pushManifest(
      encoder.encode(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPE_OCI_MANIFEST,
          artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
          config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
          layers: [{ mediaType: envelope.mediaType, digest: envelope.digest, size: envelope.size }],
          subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
        }),
      ),
      MEDIA_TYPE_OCI_MANIFEST,
    );
    const policyFile = join(home.dir, 'oci-policy.json');
    await writeFile(
      policyFile,
      JSON.stringify({
        version: '1.0',
        trustPolicies: [
          { name: 'skipped', registryScopes: ['local.test/skipped'], signatureVerification: { level: 'skip' } },
          {
            name: 'strict',
            registryScopes: ['local.test/strict'],
            signatureVerification: { level: 'strict' },
            trustStores: ['ca:skip.example'],
            trustedIdentities: ['*'],
          },
        ],
      }),
    );
    await home.ok(['policy', 'import', '--force', policyFile]);
    const reference = `${layoutDir}@${image.digest}`;

    expect(await home.ok(['verify', '--oci-layout', '--scope', 'local.test/skipped', reference])).toBe(
      `Trust policy is configured to skip signature verification for ${reference}\n`,
    );
    const json = JSON.parse(
      await home.ok(['verify', '--oci-layout', '--scope', 'local.test/skipped', '-o', 'json', reference]),
    ) as Record<string, any>;
    expect(json['verified']).toBe(true);
    expect(json['signatures']).toHaveLength(1);
    expect(checksOf(json['signatures'][0])).toEqual(ALL_SKIPPED);

    expect(await home.fails(['verify', '--oci-layout', '--scope', 'local.test/strict', reference])).toMatch(
      /^Error: .*(JWS|envelope|JSON)/i,
    );
  });

  it('TP-13 issue 13 item 10: notary blob verify at skip succeeds with a garbage .jws.sig or .cose.sig; strict refuses it', async () => {
    const blob = join(home.dir, 'release.tgz');
    await writeFile(blob, 'the blob\n');
    const policyFile = join(home.dir, 'blob-policy.json');
    await writeFile(
      policyFile,
      JSON.stringify({
        version: '1.0',
        trustPolicies: [
          // BTP-1: a skip statement cannot be the global one.
          { name: 'skipped', signatureVerification: { level: 'skip' } },
          {
            name: 'strict',
            globalPolicy: true,
            signatureVerification: { level: 'strict' },
            trustStores: ['ca:skip.example'],
            trustedIdentities: ['*'],
          },
        ],
      }),
    );
    await home.ok(['blob', 'policy', 'import', '--force', policyFile]);
    for (const extension of ['jws.sig', 'cose.sig']) {
      const signature = join(home.dir, `release.tgz.${extension}`);
      await writeFile(signature, '\u0000\u00ffnot a signature envelope of any kind');
      expect(await home.ok(['blob', 'verify', '--policy-name', 'skipped', '--signature', signature, blob])).toBe(
        `Trust policy is configured to skip signature verification for ${blob}\n`,
      );
      const json = JSON.parse(
        await home.ok(['blob', 'verify', '--policy-name', 'skipped', '-o', 'json', '--signature', signature, blob]),
      ) as Record<string, any>;
      expect(json['verified'], extension).toBe(true);
      expect(checksOf(json['signatures'][0]), extension).toEqual(ALL_SKIPPED);
      expect(await home.fails(['blob', 'verify', '--signature', signature, blob]), extension).toMatch(/^Error: /);
    }
  });
});
