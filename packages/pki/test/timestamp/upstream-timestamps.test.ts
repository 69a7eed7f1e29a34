/**
 * The upstream `timestamp` cases of $NOTARY_VECTORS/manifest.json (TSA-2 …
 * TSA-4): tspclient-go's tokens and responses, and notation-core-go's root
 * mismatch. The 17 `go/timestamp/*` cases verify timestamps inside envelopes
 * under a trust policy; packages/core/test/upstream-verifier.test.ts runs them.
 */
import { readFile } from 'node:fs/promises';
import { loadUpstreamManifest, type UpstreamCase } from '@x/notary-test-servers/upstream-vectors';
import { afterAll, describe, expect, it } from 'vitest';
import * as pki from '../../src/index.js';
import { checkTokenAgainstRequest, parseTimestampResponse } from '../../src/timestamp/timestamp-response.js';
import { timestampSigners } from '../../src/timestamp/timestamp-token.js';
import { essSigningCertificate, verifySignedAttributes } from '../../src/timestamp/timestamp-verification.js';

const upstream = await loadUpstreamManifest();
const cases = (upstream.cases ?? []).filter((c) => c.kind === 'timestamp' && !c.id.startsWith('go/timestamp/'));
const tally = { run: 0, passed: 0, skipped: 0 };
const notation = new TextEncoder().encode('notation');

async function file(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(`${upstream.dir}/${path}`));
}

async function roots(c: UpstreamCase, key = 'roots'): Promise<pki.Certificate[]> {
  const paths = (c.input?.[key] as string[] | undefined) ?? [];
  return (await Promise.all(paths.map(async (p) => pki.parseCertificates(await file(p))))).flat();
}

const at = (c: UpstreamCase): Date | undefined =>
  c.expect.verifyAt ? new Date(c.expect.verifyAt as string) : undefined;

/** What each family of cases exercises, run the way its upstream test does. */
async function runCase(c: UpstreamCase): Promise<void> {
  const id = c.id;
  if (id.startsWith('core/timestamp/')) {
    const token = pki.TimestampToken.parse(await file(c.input!.token as string));
    await pki.verifyTimestampSignature(token, { roots: await roots(c, 'tsaRoots') });
    return;
  }
  if (id.startsWith('tsp/signing-certificate/')) {
    // tspclient tests the ESS lookup on its own (SigningCertificate(signerInfos[0])).
    const token = pki.TimestampToken.parse(await file(c.files[0]!));
    const signer = essSigningCertificate(token, timestampSigners(token)[0]!.signerInfo);
    expect(token.certificates).toContain(signer);
    return;
  }
  if (id.startsWith('tsp/cms/signed-attributes/')) {
    // ... and the signed-attribute checks on their own, against the embedded certificates.
    const token = pki.TimestampToken.parse(await file(c.files[0]!));
    verifySignedAttributes(token, timestampSigners(token)[0]!.signerInfo, token.certificates);
    return;
  }
  if (id.startsWith('tsp/token/')) {
    const token = pki.TimestampToken.parse(await file(c.files[0]!));
    const trusted = c.input?.roots
      ? await roots(c)
      : pki.parseCertificates(await file('tspclient-go/testdata/GlobalSignRootCA.crt'));
    if (id === 'tsp/token/no-root-pool') {
      await pki.verifyTimestampSignature(token, { roots: [] });
      return;
    }
    token.validateImprint(notation);
    const chain = await pki.verifyTimestampSignature(token, { roots: trusted, ...(at(c) ? { at: at(c)! } : {}) });
    if (c.expect.tsaSigningCertSha256) expect(chain[0]!.sha256Fingerprint).toBe(c.expect.tsaSigningCertSha256);
    if (c.expect.genTime) expect(token.tstInfo.genTime.toISOString().replace('.000Z', 'Z')).toBe(c.expect.genTime);
    if (c.expect.accuracy) expect(`${token.range().accuracyMs / 1000}s`).toBe(c.expect.accuracy);
    return;
  }
  if (id.startsWith('tsp/response-validate/')) {
    const token = pki.TimestampToken.parse(await file(c.input!.timeStampToken as string));
    const request = (c.input!.request ?? {}) as Record<string, unknown>;
    const imprint = request.messageImprint as { hashedMessage?: string } | undefined;
    checkTokenAgainstRequest(token, {
      ...(request.reqPolicy ? { policy: request.reqPolicy as string } : {}),
      ...(request.nonce !== undefined ? { nonce: BigInt(request.nonce as number) } : {}),
      ...(imprint?.hashedMessage
        ? {
            hashAlgorithm: 'SHA-256' as const,
            hashedMessage: Uint8Array.from(imprint.hashedMessage.match(/../g)!, (h) => parseInt(h, 16)),
          }
        : {}),
      ...(typeof request.certReq === 'boolean' ? { certReq: request.certReq } : {}),
    });
    return;
  }
  if (id.startsWith('tsp/response/')) {
    const token = parseTimestampResponse(await file(c.files[0]!), {});
    if (c.expect.outcome === 'valid') {
      token.validateImprint(notation);
      const chain = await pki.verifyTimestampSignature(token, {
        roots: await roots(c),
        ...(at(c) ? { at: at(c)! } : {}),
      });
      expect(chain).toHaveLength(c.expect.tsaCertCount as number);
      expect(chain[0]!.sha256Fingerprint).toBe(c.expect.tsaSigningCertSha256);
    }
    return;
  }
  if (id.startsWith('tsp/cms/')) {
    // tspclient's internal CMS tests: roots = the last embedded certificate unless stated.
    const token = pki.TimestampToken.parse(await file(c.files[0]!));
    const trusted = c.files[1] ? pki.parseCertificates(await file(c.files[1])) : token.certificates.slice(-1);
    await pki.verifyTimestampSignature(token, { roots: trusted, ...(at(c) ? { at: at(c)! } : {}) });
    return;
  }
  throw new Error(`no runner for ${id}`);
}

function requirementIds(c: UpstreamCase): string {
  if (c.id.startsWith('tsp/response')) return 'TSA-2';
  if (c.id.startsWith('tsp/signing-certificate')) return 'TSA-3';
  if (c.id.includes('sha1') || c.id.includes('version-2') || c.id.includes('tstinfo')) return 'TSA-3 AMB-19';
  return 'TSA-3 TSA-4';
}

describe('upstream timestamp cases', () => {
  it('the upstream vectors are present (required under CI=true)', () => {
    if (!upstream.dir)
      expect(process.env.CI, `CI=true needs the upstream vectors at ${upstream.looked}`).not.toBe('true');
    else expect(cases.length).toBe(52);
  });

  for (const c of cases) {
    const expected = c.expect.outcome;
    const title = `${requirementIds(c)} upstream ${c.id}: ${expected === 'valid' ? 'verifies' : `fails${c.expect.reason ? ` (${c.expect.reason})` : ''}`}`;
    if (expected === 'unknown') {
      it.skip(`${title} [skipped: ${c.expect.reason as string}]`, () => {});
      tally.skipped++;
      continue;
    }
    it(title, async () => {
      tally.run++;
      if (expected === 'valid') {
        await runCase(c);
      } else {
        const error = await runCase(c).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, 'expected a failure').toBeInstanceOf(pki.NotaryError);
        const e = error as pki.NotaryError;
        expect(e.code).toMatch(/^ERR_TIMESTAMP_/);
        if (
          c.expect.match === 'exact' &&
          typeof c.expect.reason === 'string' &&
          !/asn1|Go |x509:|crypto\//.test(c.expect.reason)
        ) {
          expect(e.message).toContain(c.expect.reason.replace(/^failed to verify signed token: /, ''));
        }
      }
      tally.passed++;
    });
  }

  afterAll(() => console.log(`timestamp cases: run ${tally.run}, passed ${tally.passed}, skipped ${tally.skipped}`));
});
