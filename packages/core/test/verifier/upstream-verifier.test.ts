/**
 * notation-go's verifier cases of $NOTARY_VECTORS (VER-1 … VER-10, TSA-3,
 * TP-11, TP-12, TP-14): the `jws-envelope` cases that run a verifier once per
 * level and assert one check's action and error, and the `go/timestamp`
 * cases that call verifyAuthenticTimestamp on an envelope (here the
 * verifier's own authentic-timestamp step, as upstream calls it directly). Revocation is
 * stubbed: the mock chains have no revocation URLs, and the GlobalSign TSA
 * chain's URLs are public hosts this machine must not contact (the manifest
 * says to stub them as OK).
 */
import { readFile } from 'node:fs/promises';
import * as envelope from '@x/notary-envelope';
import * as pki from '@x/notary-pki';
import { loadUpstreamManifest, type UpstreamCase } from '@x/notary-test-servers/upstream-vectors';
import * as policy from '@x/notary-trust-policy';
import { FileTrustStore } from '@x/notary-trust-policy/node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type RevocationChecker,
  VerificationError,
  type VerificationResult,
  verifySignatureEnvelope,
} from '../../src/index.js';
import { verifyAuthenticTimestamp } from '../../src/verifier/authentic-timestamp.js';

const upstream = await loadUpstreamManifest();
/** Messages that quote Go library internals (asn1, x509, crypto, base64 decoders): compared by error code only. */
const GO_INTERNALS = /asn1:|x509:|crypto\/|illegal base64/;
const all = upstream.cases ?? [];
const tally = { run: 0, passed: 0, skipped: 0 };
const file = async (path: string): Promise<Uint8Array> => new Uint8Array(await readFile(`${upstream.dir}/${path}`));

/** No network: every certificate is reported as not revocable (see the file comment). */
const offlineRevocation: RevocationChecker = async (chain) =>
  chain.slice(0, -1).map((certificate) => ({
    certificate,
    status: 'nonRevokable' as const,
    method: 'none' as const,
    serverResults: [],
  }));

function statementOf(c: UpstreamCase, level: string): policy.TrustPolicyStatement {
  const document = c.input!.trustPolicy as { trustPolicies: policy.TrustPolicyStatement[] };
  const statement = document.trustPolicies[0]!;
  // Upstream builds the verifier per level without validating the document.
  return {
    ...statement,
    signatureVerification: { ...statement.signatureVerification, level: level as policy.VerificationLevel },
  };
}

const verifierCases = all.filter((c) => c.kind === 'jws-envelope' && c.expect.resultsPerLevel);
const otherVerifierCases = all.filter(
  (c) => c.kind === 'jws-envelope' && c.id.startsWith('go/verifier/') && !c.expect.resultsPerLevel,
);
const timestampCases = all.filter((c) => c.id.startsWith('go/timestamp/') && c.kind === 'timestamp');

describe('upstream verifier cases (per level)', () => {
  it('the upstream vectors are present (required under CI=true)', () => {
    if (!upstream.dir)
      expect(process.env.CI, `CI=true needs the upstream vectors at ${upstream.looked}`).not.toBe('true');
    else expect(verifierCases.length + otherVerifierCases.length + timestampCases.length).toBeGreaterThan(70);
  });

  for (const c of verifierCases) {
    const perLevel = c.expect.resultsPerLevel as Record<
      string,
      { type: policy.ValidationType; action: string; error: string | null }
    >;
    for (const [level, expected] of Object.entries(perLevel)) {
      it(`VER-10 TP-11 TP-12 upstream ${c.id} at ${level}: ${expected.type} is ${expected.action}${expected.error ? ` and fails: ${expected.error}` : ' and passes'}`, async () => {
        tally.run++;
        const bytes = c.files[0] ? await file(c.files[0]) : new Uint8Array(0);
        const trustStore = new FileTrustStore(`${upstream.dir}/${c.input!.trustStoreRoot as string}`);
        const descriptor = c.input!.artifactDescriptor as { digest: string; size: number; mediaType: string };
        let result: VerificationResult;
        try {
          result = await verifySignatureEnvelope(bytes, c.input!.signatureMediaType as string, {
            statement: statementOf(c, level),
            trustStore,
            target: descriptor,
            revocationChecker: offlineRevocation,
            ...(c.expect.verifyAt ? { now: new Date(c.expect.verifyAt) } : {}),
          });
        } catch (error) {
          expect(error).toBeInstanceOf(VerificationError);
          result = (error as VerificationError).result;
        }
        const check = result.checks[expected.type];
        expect(check.action).toBe(expected.action);
        if (expected.error === null) {
          expect(check.outcome, check.error?.message).toBe('passed');
        } else {
          expect(check.outcome).toBe(expected.action === 'enforce' ? 'failed-enforced' : 'failed-logged');
          const message = check.error!.message;
          if (GO_INTERNALS.test(expected.error)) {
            // The text is Go's decoder's own; the port only promises the kind of failure.
            expect(check.error!.code).toMatch(/^ERR_(ENVELOPE|SIGNATURE|PAYLOAD)/);
          } else {
            // Go formats maps and some wrappers differently; compare the stable part.
            const stable = expected.error
              .split(' [map[')[0]!
              .replace(/^unable to parse the digital signature, error : /, '');
            expect(message).toContain(stable);
          }
        }
        tally.passed++;
      });
    }
  }

  afterAll(() =>
    console.log(`verifier cases (per level): run ${tally.run}, passed ${tally.passed}, skipped ${tally.skipped}`),
  );
});

/** The outcome a go/timestamp case expects, isolated to the authenticTimestamp check like upstream's direct call. */
describe('upstream go/timestamp cases (verifyAuthenticTimestamp)', () => {
  const counts = { run: 0, passed: 0 };
  for (const c of timestampCases) {
    const input = c.input!;
    it(`TSA-3 TSA-4 TP-14 VER-6 upstream ${c.id}: authenticTimestamp ${c.expect.outcome === 'valid' ? 'passes' : `fails: ${c.expect.reason}`}`, async () => {
      counts.run++;
      const mediaType = input.signatureMediaType as string;
      const parsed = await envelope.verifyEnvelopeIntegrity(await file(input.envelope as string), mediaType);
      const signerInfo = {
        ...parsed.content.signerInfo,
        unsignedAttributes: { ...parsed.content.signerInfo.unsignedAttributes },
      };
      if (input.replaceTimestampSignatureWith)
        signerInfo.unsignedAttributes.timestampSignature = await file(input.replaceTimestampSignatureWith as string);
      if (input.replaceSignatureBytesWith)
        signerInfo.signature = new TextEncoder().encode(input.replaceSignatureBytesWith as string);
      const statement = input.trustPolicyStatement as policy.TrustPolicyStatement;
      // Only authenticTimestamp is under test: the other checks are logged or skipped.
      const isolated: policy.TrustPolicyStatement = {
        ...statement,
        signatureVerification: {
          ...statement.signatureVerification,
          override: { authenticity: 'log', expiry: 'log', revocation: 'skip' },
        },
      };
      const trustStore: policy.TrustStore = input.trustStoreOverride
        ? { getCertificates: async () => [] }
        : new FileTrustStore(`${upstream.dir}/${input.trustStoreRoot as string}`);
      const actions = policy.resolveVerificationActions(isolated.signatureVerification);
      let failure: pki.NotaryError | undefined;
      try {
        await verifyAuthenticTimestamp({
          statement: isolated,
          actions,
          trustStore,
          signerInfo,
          revocationChecker: offlineRevocation,
          now: c.expect.verifyAt ? new Date(c.expect.verifyAt as string) : new Date(),
        });
      } catch (error) {
        expect(error).toBeInstanceOf(pki.NotaryError);
        failure = error as pki.NotaryError;
      }
      if (c.expect.outcome === 'valid') {
        expect(failure, failure?.message).toBeUndefined();
      } else {
        // The case's statement enforces authenticTimestamp, so this failure would stop verification.
        expect(actions.authenticTimestamp).toBe('enforce');
        expect(failure).toBeInstanceOf(pki.NotaryError);
        // notation wraps the cause in context ("failed to verify the timestamp countersignature with error: …"); compare the cause.
        const reason = c.expect.reason as string;
        if (GO_INTERNALS.test(reason)) {
          expect(failure!.code).toMatch(/^ERR_TIMESTAMP_/);
          counts.passed++;
          return;
        }
        const cause = reason
          .split(' with error: ')
          .pop()!
          .replace(/^failed to verify signed token: /, '')
          .replace(/^invalid trust policy statement: /, '');
        const core = cause
          .replace(
            /"Tue, 18 Sep 2001 11:54:34 \+0000"|"Mon, 18 Sep 2000 11:54:34 \+0000"|"[A-Z][a-z]{2}, .*? \+0000"/g,
            '',
          )
          .slice(0, 40);
        const ours = failure!.message;
        expect(ours.includes(core) || reason.includes(ours), `ours: ${ours}\nexpected: ${reason}`).toBe(true);
      }
      counts.passed++;
    });
  }
  afterAll(() => console.log(`go/timestamp cases: run ${counts.run}, passed ${counts.passed}`));
});
