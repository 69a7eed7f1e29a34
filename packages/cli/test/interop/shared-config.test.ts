/**
 * A shared config directory (issue 13 finding 4, TP-1): a user of notation
 * v1.3.2 and a user of notation v2 each switch to `notary` and back, and
 * every tool sees the same keys, trust store and trust policy.
 *
 * What the binaries do (docs/guides/shared-config-directory.md):
 * notation v1.3.2 reads and writes only `trustpolicy.json`; notation v2
 * reads `trustpolicy.oci.json`, else `trustpolicy.json`, and its import
 * writes `.oci.json` and deletes `.json`. `notary policy import` writes the
 * file already in use, both when both exist, and `trustpolicy.json` into an
 * empty directory; `notary verify` reads `.oci.json`, else `.json`.
 *
 * Also issue 13 finding 3: the certificate `notary cert generate-test`
 * makes has the shape of notation's, and each tool's test certificate is
 * named by an `x509.subject` identity the other verifies with.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RemoteRepository } from '@x/notary-oci';
import { keySpecOf, parseCertificates } from '@x/notary-pki';
import type {} from '@x/notary-test-servers/oci/global-setup';
import { expect, inject, it } from 'vitest';
import { pushImage } from '../helpers.js';
import { describeWithPeers, makeUser, type NotationVersion, writePolicyFile } from './peers.js';

const oci = inject('ociServers');
const host = oci.registries.none.host;

const LEGACY = 'trustpolicy.json';
const CURRENT = 'trustpolicy.oci.json';

/** A policy for `repository` trusting `store`, named `name`, naming the test certificate of `store` by subject. */
function policyFor(name: string, repository: string, store: string): unknown {
  return {
    version: '1.0',
    trustPolicies: [
      {
        name,
        registryScopes: [`${host}/${repository}`],
        signatureVerification: { level: 'strict' },
        trustStores: [`ca:${store}`],
        trustedIdentities: [`x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=${store}`],
      },
    ],
  };
}

/** The statement name of the policy a `policy show` printed. */
const shownName = (out: string) =>
  (JSON.parse(out) as { trustPolicies: Array<{ name: string }> }).trustPolicies[0]!.name;

async function newArtifact(repository: string, content: string): Promise<string> {
  const remote = new RemoteRepository({ registry: host, repository, plainHttp: true });
  return `${host}/${repository}@${(await pushImage(remote, 'v1', content)).digest}`;
}

await describeWithPeers(
  'issue 13 interop: one config directory shared by notation v1.3.2, notation v2 and notary',
  ['notation-v1.3.2', 'notation-v2.0.0-alpha.1'],
  () => {
    it('issue 13 finding 3: notary cert generate-test makes the certificate notation makes (subject RDNs, one-day validity, extensions)', async () => {
      const user = await makeUser();
      await user.notationOk('v1.3.2', ['cert', 'generate-test', 'them.example']);
      await user.ok(['cert', 'generate-test', 'ours.example']);
      const [theirs] = parseCertificates(
        new Uint8Array(await readFile(join(user.configDir, 'localkeys', 'them.example.crt'))),
      );
      const [ours] = parseCertificates(
        new Uint8Array(await readFile(join(user.configDir, 'localkeys', 'ours.example.crt'))),
      );
      expect(ours!.subject).toBe('CN=ours.example,O=Notary,L=Seattle,ST=WA,C=US');
      expect(theirs!.subject).toBe('CN=them.example,O=Notary,L=Seattle,ST=WA,C=US');
      // The same DER Name but for the common name (of the same length): one RDN per attribute, the same string types.
      const withoutCn = (raw: Uint8Array, cn: string) =>
        Buffer.from(raw).toString('hex').replace(Buffer.from(cn).toString('hex'), '');
      expect(withoutCn(ours!.rawSubject, 'ours.example')).toBe(withoutCn(theirs!.rawSubject, 'them.example'));
      expect(ours!.rawIssuer).toEqual(ours!.rawSubject);
      expect(ours!.extensions.map((e) => [e.oid, e.critical, Buffer.from(e.value).toString('hex')])).toEqual(
        theirs!.extensions.map((e) => [e.oid, e.critical, Buffer.from(e.value).toString('hex')]),
      );
      expect(ours!.basicConstraints).toBeUndefined();
      const lifetime = (c: typeof ours) => c!.notAfter.getTime() - c!.notBefore.getTime();
      expect(lifetime(theirs)).toBe(24 * 3600_000);
      // [impl] ours starts five minutes earlier (TSA-4) and ends when notation's would.
      expect(lifetime(ours)).toBe(24 * 3600_000 + 5 * 60_000);
      expect(Math.abs(ours!.notAfter.getTime() - theirs!.notAfter.getTime())).toBeLessThan(10 * 60_000);
      expect(keySpecOf(ours!.publicKey)).toBe(keySpecOf(theirs!.publicKey));
    });

    for (const version of ['v1.3.2', 'v2.0.0-alpha.1'] as const satisfies readonly NotationVersion[]) {
      it(`issue 13 finding 4 TP-1: a notation ${version} user switches to notary and back`, async () => {
        const user = await makeUser();
        const inUse = version === 'v1.3.2' ? LEGACY : CURRENT;
        const other = version === 'v1.3.2' ? CURRENT : LEGACY;
        const repository = `interop-switch/${version.replace(/\W/g, '')}`;
        // As the notation user: a test key, a policy naming its subject, a signature.
        await user.notationOk(version, ['cert', 'generate-test', '--default', 'switcher.example']);
        await user.notationOk(version, [
          'policy',
          'import',
          await writePolicyFile(user, 'p1.json', policyFor('first', repository, 'switcher.example')),
        ]);
        expect(existsSync(join(user.configDir, inUse))).toBe(true);
        expect(existsSync(join(user.configDir, other))).toBe(false);
        const reference = await newArtifact(repository, `switching ${version}`);
        await user.notationOk(version, ['sign', '--insecure-registry', reference]);

        // Switch to notary: the same key, store and policy.
        expect(await user.ok(['verify', '--insecure-registry', reference])).toBe(
          `Successfully verified signature for ${reference}\n`,
        );
        const shown = await user.notary(['policy', 'show']);
        expect(shownName(shown.stdout)).toBe('first');
        expect(shown.stderr).toBe('');
        const imported = await user.ok([
          'policy',
          'import',
          '--force',
          await writePolicyFile(user, 'p2.json', policyFor('second', repository, 'switcher.example')),
        ]);
        expect(imported).toBe(
          `Successfully imported OCI trust policy configuration to ${join(user.configDir, inUse)}.\n`,
        );
        expect(existsSync(join(user.configDir, other))).toBe(false);
        const ours = await newArtifact(repository, `signed by notary for ${version}`);
        await user.ok(['sign', '--insecure-registry', ours]);

        // Back to notation: it sees notary's policy and verifies both signatures.
        expect(shownName(await user.notationOk(version, ['policy', 'show']))).toBe('second');
        for (const ref of [reference, ours])
          expect(await user.notationOk(version, ['verify', '--insecure-registry', ref])).toContain(
            `Successfully verified signature for ${ref}`,
          );
      });
    }

    it('issue 13 finding 4 TP-1: a new notary user’s policy is read by both notation versions', async () => {
      const user = await makeUser();
      const repository = 'interop-switch/fresh';
      await user.ok(['cert', 'generate-test', '--default', 'fresh.example']);
      await user.ok([
        'policy',
        'import',
        await writePolicyFile(user, 'p.json', policyFor('fresh', repository, 'fresh.example')),
      ]);
      expect(existsSync(join(user.configDir, LEGACY))).toBe(true);
      expect(existsSync(join(user.configDir, CURRENT))).toBe(false);
      const reference = await newArtifact(repository, 'a new notary user');
      await user.ok(['sign', '--insecure-registry', reference]);
      for (const version of ['v1.3.2', 'v2.0.0-alpha.1'] as const) {
        expect(shownName(await user.notationOk(version, ['policy', 'show']))).toBe('fresh');
        expect(await user.notationOk(version, ['verify', '--insecure-registry', reference])).toContain(
          `Successfully verified signature for ${reference}`,
        );
      }
      // What notation v2 does next is its own choice: its import moves the policy to .oci.json and deletes
      // trustpolicy.json, after which v1.3.2 has none; notary follows v2's file.
      await user.notationOk('v2.0.0-alpha.1', [
        'policy',
        'import',
        '--force',
        await writePolicyFile(user, 'p2.json', policyFor('by-v2', repository, 'fresh.example')),
      ]);
      expect(existsSync(join(user.configDir, LEGACY))).toBe(false);
      expect(await user.notationFails('v1.3.2', ['policy', 'show'])).toContain(
        'failed to show trust policy as the trust policy file does not exist',
      );
      expect(shownName(await user.ok(['policy', 'show']))).toBe('by-v2');
      expect(await user.ok(['verify', '--insecure-registry', reference])).toBe(
        `Successfully verified signature for ${reference}\n`,
      );
    });

    it('issue 13 finding 4 TP-1: when both files exist and differ, notary warns, and its import writes both', async () => {
      const user = await makeUser();
      const repository = 'interop-switch/both';
      await user.ok(['cert', 'generate-test', '--default', 'both.example']);
      await user.notationOk('v2.0.0-alpha.1', [
        'policy',
        'import',
        await writePolicyFile(user, 'a.json', policyFor('by-v2', repository, 'both.example')),
      ]);
      await user.notationOk('v1.3.2', [
        'policy',
        'import',
        await writePolicyFile(user, 'b.json', policyFor('by-v1', repository, 'both.example')),
      ]);
      expect(existsSync(join(user.configDir, LEGACY)) && existsSync(join(user.configDir, CURRENT))).toBe(true);
      const shown = await user.notary(['policy', 'show']);
      expect(shownName(shown.stdout)).toBe('by-v2');
      expect(shown.stderr).toBe(
        `Warning: ${LEGACY} differs from ${CURRENT}: notary and notation v2 use ${CURRENT}, notation v1.3.2 uses ${LEGACY}; \`notary policy import\` writes both\n`,
      );
      const imported = await user.ok([
        'policy',
        'import',
        '--force',
        await writePolicyFile(user, 'c.json', policyFor('by-notary', repository, 'both.example')),
      ]);
      expect(imported.trimEnd().split('\n')).toEqual(
        [join(user.configDir, CURRENT), join(user.configDir, LEGACY)].map(
          (p) => `Successfully imported OCI trust policy configuration to ${p}.`,
        ),
      );
      expect(await readFile(join(user.configDir, LEGACY), 'utf8')).toBe(
        await readFile(join(user.configDir, CURRENT), 'utf8'),
      );
      for (const version of ['v1.3.2', 'v2.0.0-alpha.1'] as const)
        expect(shownName(await user.notationOk(version, ['policy', 'show']))).toBe('by-notary');
      const quiet = await user.notary(['policy', 'show']);
      expect([shownName(quiet.stdout), quiet.stderr]).toEqual(['by-notary', '']);
    });
  },
);
