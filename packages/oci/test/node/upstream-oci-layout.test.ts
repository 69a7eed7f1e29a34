/**
 * The 28 `oci-layout` cases of the upstream vectors (notation's e2e OCI
 * image layouts), read through OciLayoutRepository opened read-only: resolve
 * the case's reference, list the signature referrers (OCI-7), fetch and
 * parse each signature manifest (OCI-1 … OCI-5, OCI-9) and its envelope, and
 * check every expectation that needs no envelope verification. Verification
 * outcomes (valid / invalid / skipped under a trust policy) belong to the
 * core workflow's tests; here those cases assert the storage part.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadUpstreamManifest, type UpstreamCase } from '@x/notary-test-servers/upstream-vectors';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACT_TYPE_NOTARY_SIGNATURE, type Descriptor, MEDIA_TYPE_OCI_MANIFEST } from '../../src/descriptor.js';
import { OciError } from '../../src/errors.js';
import { OciLayoutRepository } from '../../src/node/oci-layout.js';
import {
  ANNOTATION_CREATED,
  ANNOTATION_X509_CHAIN_THUMBPRINT,
  isSignatureReferrer,
  type ParsedSignatureManifest,
  parseSignatureManifest,
  parseThumbprintAnnotation,
} from '../../src/signature-manifest.js';
import { type JwsFacts, readJws } from './vector-helpers.js';

const EXPECTED_CASES = 28;
const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const utcSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Signature manifests per layout, read off the vector listing (README notes and index.json). */
const SIGNATURES_PER_LAYOUT: Readonly<Record<string, number>> = {
  e2e: 0,
  'e2e-valid-signature': 1,
  'e2e-expired-signature': 1,
  'e2e-invalid-signature': 1,
  'e2e-valid-multiple-signatures': 2,
  'e2e-with-expired-cert': 1,
  'e2e-with-timestamped-signature': 1,
  'e2e-with-invalid-timestamped-signature': 1,
};
/** The one layout whose signature layer is not an envelope (a tar layer "invalid signature"). */
const NON_ENVELOPE_LAYOUT = 'e2e-invalid-signature';

/** notation's names of JWS algorithms (ALG). */
const JWS_ALGORITHMS: Readonly<Record<string, string>> = {
  PS256: 'RSASSA-PSS-SHA-256',
  PS384: 'RSASSA-PSS-SHA-384',
  PS512: 'RSASSA-PSS-SHA-512',
  ES256: 'ECDSA-SHA-256',
  ES384: 'ECDSA-SHA-384',
  ES512: 'ECDSA-SHA-512',
};

const { dir, looked, cases } = await loadUpstreamManifest();
const layoutCases = (cases ?? []).filter((c) => c.kind === 'oci-layout');
let run = 0;
let passed = 0;

afterAll(() => {
  const skipped = dir ? layoutCases.length - run : EXPECTED_CASES;
  console.log(`oci-layout cases: run ${run}, passed ${passed}, skipped ${skipped}`);
});

interface ReadSignature {
  referrer: Descriptor;
  manifestBytes: Uint8Array;
  parsed?: ParsedSignatureManifest;
  parseError?: OciError;
  jws?: JwsFacts;
}

function describeCase(c: UpstreamCase): string {
  const outcome = c.expect.outcome;
  if (outcome === 'parse-ok') return `${c.id}: the signature parses and its inspect fields match (parse-ok)`;
  if (outcome === 'no-signatures') return `${c.id}: the artifact resolves and has no signatures (no-signatures)`;
  const reason = c.expect.reason ? `: ${c.expect.reason}` : '';
  return `${c.id}: signatures are found and read through the layout store; the verification outcome (${outcome}${reason}) is checked by the core workflow`;
}

describe('OCI-1, OCI-3, OCI-4, OCI-5, OCI-7, OCI-8, OCI-9, AMB-3, AMB-20: upstream oci-layout vectors read through OciLayoutRepository', () => {
  if (!dir) {
    if (process.env.CI === 'true') {
      it('upstream vectors are present (required under CI)', () => {
        throw new Error(`upstream vectors not found at ${looked}`);
      });
    } else {
      console.warn(`upstream vectors not found at ${looked}: skipping the ${EXPECTED_CASES} oci-layout cases`);
      it.skip(`${EXPECTED_CASES} oci-layout cases (vectors absent)`, () => undefined);
    }
    return;
  }

  it(`the manifest lists ${EXPECTED_CASES} oci-layout cases`, () => {
    expect(layoutCases).toHaveLength(EXPECTED_CASES);
  });

  it.each(layoutCases.map((c) => [describeCase(c), c] as const))('%s', async (_title, c) => {
    run++;
    const input = c.input as { layout: string; subjectDigest: string | null };
    const root = join(dir, input.layout);
    const layoutName = basename(root);
    expect(Object.keys(SIGNATURES_PER_LAYOUT), `unknown layout ${layoutName}`).toContain(layoutName);
    const indexBefore = await readFile(join(root, 'index.json'));

    // Read-only: the vectors are read in place and must not change.
    const repo = await OciLayoutRepository.open(root, { readOnly: true });

    // WF-1 step 2: resolve the reference the case gives (its digest), else the tag v1.
    const byTag = await repo.resolve('v1');
    const subject = input.subjectDigest ? await repo.resolve(input.subjectDigest) : byTag;
    if (input.subjectDigest) expect(subject.digest).toBe(input.subjectDigest);
    expect(byTag).toEqual(subject);
    expect(subject.mediaType).toBe(MEDIA_TYPE_OCI_MANIFEST);
    const subjectBytes = (await repo.fetchManifest(subject)).bytes;
    expect(subjectBytes.length).toBe(subject.size);

    // WF-1 step 3, OCI-7: signature referrers.
    const referrers = await repo.referrers(subject, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
    expect(referrers).toHaveLength(SIGNATURES_PER_LAYOUT[layoutName]!);
    expect(new Set(referrers.map((d) => d.digest)).size).toBe(referrers.length);

    // WF-1 step 4: fetch each signature manifest and its envelope.
    const signatures: ReadSignature[] = [];
    for (const referrer of referrers) {
      expect(isSignatureReferrer(referrer)).toBe(true);
      const { bytes } = await repo.fetchManifest(referrer);
      const read: ReadSignature = { referrer, manifestBytes: bytes };
      try {
        read.parsed = parseSignatureManifest(bytes, referrer.mediaType);
      } catch (error) {
        if (!(error instanceof OciError)) throw error;
        read.parseError = error;
      }
      signatures.push(read);
    }

    for (const s of signatures) {
      if (layoutName === NON_ENVELOPE_LAYOUT) {
        // OCI-1, OCI-9: its one layer is a tar, not an envelope; the core workflow turns this into a failed signature.
        expect(s.parseError?.code).toBe('ERR_OCI_UNSUPPORTED_MEDIA_TYPE');
        const raw = JSON.parse(new TextDecoder().decode(s.manifestBytes)) as {
          layers: Descriptor[];
          subject: Descriptor;
        };
        expect(raw.layers).toHaveLength(1);
        expect(raw.layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
        expect(raw.subject.digest).toBe(subject.digest);
        expect(new TextDecoder().decode(await repo.fetchBlob(raw.layers[0]!))).toBe('invalid signature\n');
        continue;
      }
      expect(s.parseError).toBeUndefined();
      const parsed = s.parsed!;
      // AMB-20: every stored upstream signature is in the legacy form (OCI-3), which must stay readable.
      expect(parsed.form).toBe('legacy');
      // OCI-4: the subject is the resolved artifact.
      expect(parsed.subject).toEqual({ mediaType: subject.mediaType, digest: subject.digest, size: subject.size });
      expect(parsed.envelopeMediaType).toBe('application/jose+json');
      // The referrer descriptor carries the manifest's annotations.
      expect(s.referrer.annotations).toEqual(parsed.annotations);
      const envelope = await repo.fetchBlob(parsed.envelopeDescriptor);
      const jws = readJws(envelope);
      s.jws = jws;
      // OCI-5, AMB-3: the thumbprint annotation lists SHA-256 of every x5c certificate, in order, in lowercase.
      expect(parsed.annotations[ANNOTATION_X509_CHAIN_THUMBPRINT]).toMatch(/^\["[0-9a-f]{64}"(,"[0-9a-f]{64}")*\]$/);
      expect(parseThumbprintAnnotation(parsed.annotations)).toEqual(jws.x5c.map(sha256Hex));
      // OCI-5 [impl]: created = the signing time in UTC, to the second.
      expect(parsed.annotations[ANNOTATION_CREATED]).toBe(utcSeconds(jws.signingTime));
      // The envelope signs this very artifact (a payload read, not a verification).
      expect(jws.payload.targetArtifact.digest).toBe(subject.digest);
      expect(jws.payload.targetArtifact.size).toBe(subject.size);
    }

    // OCI-8: a tag-schema referrers index, where the layout has one, lists only signatures the walk also found.
    const schemaTag = `sha256-${subject.digest.slice('sha256:'.length)}`;
    if ((await repo.tags()).includes(schemaTag)) {
      const index = await repo.fetchManifest(schemaTag);
      const entries = (JSON.parse(new TextDecoder().decode(index.bytes)) as { manifests: Descriptor[] }).manifests;
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(entry.artifactType).toBe(ARTIFACT_TYPE_NOTARY_SIGNATURE);
        expect(referrers.map((d) => d.digest)).toContain(entry.digest);
      }
    }

    // The case's own expectations that need no envelope verification.
    const expected = c.expect as Record<string, unknown>;
    switch (c.expect.outcome) {
      case 'no-signatures': {
        expect(referrers).toEqual([]);
        const json = expected['stdoutJSON'] as { mediaType: string; signatures: unknown[] };
        expect(subject.mediaType).toBe(json.mediaType);
        expect(json.signatures).toEqual([]);
        break;
      }
      case 'parse-ok': {
        const s = signatures.find((x) => x.referrer.digest === expected['signatureManifestDigest']);
        expect(s, 'the expected signature manifest is a referrer').toBeDefined();
        const jws = s!.jws!;
        if (expected['envelopeType']) expect(s!.parsed!.envelopeMediaType).toBe(expected['envelopeType']);
        expect(sha256Hex(jws.x5c[0]!)).toBe(expected['signerCertSha256']);
        const signed = expected['signedArtifact'] as Descriptor;
        expect({ mediaType: subject.mediaType, digest: subject.digest, size: subject.size }).toEqual(signed);
        expect(jws.payload.targetArtifact).toMatchObject(signed);
        if (expected['signatureAlgorithm'])
          expect(JWS_ALGORITHMS[jws.protectedHeader['alg'] as string]).toBe(expected['signatureAlgorithm']);
        const attributes = (expected['signedAttributes'] ?? {}) as Record<string, string>;
        if (attributes['signingTime']) expect(utcSeconds(jws.signingTime)).toBe(attributes['signingTime']);
        if (attributes['signingScheme'])
          expect(jws.protectedHeader['io.cncf.notary.signingScheme']).toBe(attributes['signingScheme']);
        if (attributes['contentType']) expect(jws.protectedHeader['cty']).toBe(attributes['contentType']);
        if (attributes['expiry'])
          expect(utcSeconds(new Date(jws.protectedHeader['io.cncf.notary.expiry'] as string))).toBe(
            attributes['expiry'],
          );
        if (expected['userDefinedAttributes'])
          expect(jws.payload.targetArtifact.annotations).toEqual(expected['userDefinedAttributes']);
        if (expected['signingAgent']) {
          const envelope = await repo.fetchBlob(s!.parsed!.envelopeDescriptor);
          const header = (JSON.parse(new TextDecoder().decode(envelope)) as { header: Record<string, unknown> }).header;
          expect(header['io.cncf.notary.signingAgent']).toBe(expected['signingAgent']);
        }
        // The countersignature fields (timestamp, TSA chain, timestampSignatureError) need CMS parsing: the envelope and core packages check them.
        break;
      }
      default:
        // valid / invalid / skipped: a verification outcome. The storage side must hand the workflow at least one signature.
        expect(referrers.length).toBeGreaterThan(0);
    }

    // Read-only really is read-only.
    expect(await readFile(join(root, 'index.json'))).toEqual(indexBefore);
    passed++;
  });
});
