/**
 * The envelope conformance suite, written once and run by every runtime
 * (registry.ts: Node under vitest, Deno and Chromium, on the built packages). It uses
 * no test framework: each case is a name and an async function that throws on
 * failure, and the runtime supplies the SDK modules and a file reader.
 *
 * Sources:
 * - own vectors: test-vectors/out at the repository root, made by openssl (test-vectors/generate.mjs);
 * - upstream vectors: $NOTARY_VECTORS/manifest.json, the Notary Project's own test data.
 */
import type * as Envelope from '@x/notary-envelope';
import type * as Pki from '@x/notary-pki';
import { check, equal, expectCode } from './types.ts';

export interface SuiteEnvironment {
  pki: typeof Pki;
  envelope: typeof Envelope;
  readFile(path: string): Promise<Uint8Array>;
  exists(path: string): Promise<boolean>;
  /** Folder of test-vectors/out. */
  ownVectorsDir: string;
  /** Folder of the upstream vectors, or undefined when absent. */
  upstreamVectorsDir: string | undefined;
}

export interface ConformanceCase {
  /** Case name; requirement IDs are named here (req-coverage reads them). */
  name: string;
  /** Group for the per-kind counts. */
  kind: string;
  run(): Promise<void>;
  /** Set when the case is skipped; the reason comes from the case's manifest entry. */
  skip?: string;
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

interface OwnCase {
  id: string;
  kind: 'chain' | 'jws-envelope' | 'cose-envelope';
  file: string;
  chain?: string;
  keySpec: string;
  alg: string;
  expect: { outcome: 'valid' | 'invalid'; code?: string };
  payload?: string;
  signingTime?: string;
  expiry?: string;
  description: string;
}

/** Requirement IDs each own-vector case exercises, for the case title. */
function requirementsOf(c: OwnCase): string {
  const id = c.id.replace(/^(jws|cose|chain)\//, '');
  const format = c.kind === 'cose-envelope' ? 'ENV-COSE' : 'ENV-JWS';
  const map: Record<string, string> = {
    'tampered-payload': c.kind === 'cose-envelope' ? 'ENV-COSE-6' : 'ENV-JWS-2',
    'tampered-protected': c.kind === 'cose-envelope' ? 'ENV-COSE-6 ENV-COSE-8' : 'ENV-JWS-2',
    'alg-mismatch': c.kind === 'cose-envelope' ? 'ENV-COSE-7 ALG-2' : 'ENV-JWS-6 ALG-2',
    'crit-missing-scheme': c.kind === 'cose-envelope' ? 'ENV-COSE-4 SCH-1' : 'ENV-JWS-4 SCH-1',
    'unknown-critical': 'ATTR-3 AMB-7',
    'wrong-cty': c.kind === 'cose-envelope' ? 'ENV-COSE-3 ATTR-1 PAY-1' : 'ENV-JWS-3 ATTR-1 PAY-1',
    'missing-x5c': 'ENV-JWS-5 ATTR-5',
    'missing-x5chain': 'ENV-COSE-5 ATTR-5',
    'ecdsa-der-signature': c.kind === 'cose-envelope' ? 'ENV-COSE-7' : 'ENV-JWS-7',
    'leaf-eku-serverauth': 'CERT-4 AMB-10',
    'leaf-ca-true': 'CERT-2 AMB-10',
    'chain-out-of-order': 'CERT-8 AMB-10',
    'out-of-order': 'CERT-8',
    'sha1-intermediate': 'CERT-9',
    'leaf-missing-digital-signature': 'CERT-3',
    'intermediate-no-keycertsign': 'CERT-1',
    untagged: 'ENV-COSE-1',
    'general-serialization': 'ENV-JWS-1',
    'extra-top-level-member': 'ENV-JWS-1',
    'signing-time-missing': 'SCH-2 ATTR-1',
    'expiry-not-after-signing-time': 'ATTR-6 ATTR-7',
    'bad-scheme': 'SCH-1',
    'duplicate-map-key': 'ENV-COSE-1',
    'indefinite-length': 'ENV-COSE-1',
    'time-untagged': 'ENV-COSE-3 ATTR-6',
    'signing-time-offset': 'ENV-JWS-8 AMB-15',
    'with-expiry': c.kind === 'cose-envelope' ? 'ENV-COSE-3 ATTR-6' : 'ENV-JWS-3 ATTR-6',
  };
  const ids = map[id] ?? (c.kind === 'chain' ? 'CERT-1 CERT-7 ALG-2' : `${format}-1 ALG-1 ALG-2 PAY-2`);
  return ids;
}

async function ownVectorCases(env: SuiteEnvironment): Promise<ConformanceCase[]> {
  const { pki, envelope } = env;
  const dir = env.ownVectorsDir;
  const manifest = JSON.parse(text(await env.readFile(`${dir}/manifest.json`))) as OwnCase[];
  return manifest.map((c): ConformanceCase => {
    const name = `own ${c.id} (${requirementsOf(c)}): ${c.expect.outcome === 'valid' ? 'verifies' : `fails with ${c.expect.code}`} — ${c.description}`;
    if (c.kind === 'chain') {
      return {
        name,
        kind: 'own-chain',
        async run() {
          const chain = pki.parseCertificates(await env.readFile(`${dir}/${c.file}`));
          if (c.expect.outcome === 'valid') {
            await pki.validateCodeSigningChain(chain);
            equal(pki.algorithmSuiteOf(pki.keySpecOf(chain[0]!.publicKey)).keySpec, c.keySpec, 'key spec');
          } else {
            await expectCode(() => pki.validateCodeSigningChain(chain), c.expect.code!);
          }
        },
      };
    }
    const mediaType = c.kind === 'jws-envelope' ? envelope.MEDIA_TYPE_JWS : envelope.MEDIA_TYPE_COSE;
    return {
      name,
      kind: `own-${c.kind}`,
      async run() {
        const bytes = await env.readFile(`${dir}/${c.file}`);
        if (c.expect.outcome === 'invalid') {
          await expectCode(() => envelope.verifyEnvelopeIntegrity(bytes, mediaType), c.expect.code!);
          return;
        }
        const verified = await envelope.verifyEnvelopeIntegrity(bytes, mediaType);
        const info = verified.content.signerInfo;
        // PAY-6: the payload bytes are exactly what was signed, never re-serialised.
        equal(text(verified.content.payload.bytes), c.payload!, 'payload bytes');
        equal(
          info.signatureAlgorithm,
          pki.algorithmSuiteOf(c.keySpec as Pki.KeySpec).signatureAlgorithm,
          'signature algorithm',
        );
        equal(info.signedAttributes.signingScheme, 'notary.x509', 'signing scheme');
        equal(info.signedAttributes.signingTime?.getTime(), Date.parse(c.signingTime!), 'signing time');
        equal(info.signedAttributes.expiry?.getTime(), c.expiry ? Date.parse(c.expiry) : undefined, 'expiry');
        equal(info.unsignedAttributes.signingAgent, 'openssl-vector-generator/1.0', 'signing agent');
        equal(info.certificateChain.length, 3, 'chain length');
        const parsed = JSON.parse(c.payload!) as { targetArtifact: Envelope.TargetArtifact };
        equal(verified.payload.targetArtifact.digest, parsed.targetArtifact.digest, 'target digest');
      },
    };
  });
}

/** Own-vector signing round trips: the SDK signs with each key spec, and verifies its own output. */
async function signingCases(env: SuiteEnvironment): Promise<ConformanceCase[]> {
  const { envelope } = env;
  const specs = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-256', 'ec-384', 'ec-521'];
  const cases: ConformanceCase[] = [];
  for (const spec of specs) {
    for (const mediaType of [envelope.MEDIA_TYPE_JWS, envelope.MEDIA_TYPE_COSE] as const) {
      cases.push({
        name: `sign ${spec} ${mediaType} (SIGN-2 ALG-2 ${mediaType === envelope.MEDIA_TYPE_JWS ? 'ENV-JWS-8' : 'ENV-COSE-8'}): signs, re-verifies, and a flipped signature bit fails`,
        kind: 'sign-roundtrip',
        async run() {
          const chainDir = `${env.ownVectorsDir}/chains/${spec}`;
          const signer = await envelope.signerFromPrivateKey(
            text(await env.readFile(`${chainDir}/leaf.key.pem`)),
            text(await env.readFile(`${chainDir}/chain.pem`)),
          );
          const signed = await envelope.signEnvelope({
            mediaType,
            signer,
            targetArtifact: {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: `sha256:${'ab'.repeat(32)}`,
              size: 42,
              annotations: { 'org.example.k': 'v<&>' },
            },
            signingTime: new Date('2026-11-25T10:20:30.999Z'),
            expiresInSeconds: 3600,
          });
          const verified = await envelope.verifyEnvelopeIntegrity(signed.bytes, mediaType);
          equal(
            verified.content.signerInfo.signedAttributes.signingTime?.toISOString(),
            '2026-11-25T10:20:30.000Z',
            'signing time truncated to seconds',
          );
          equal(
            verified.content.signerInfo.signedAttributes.expiry?.toISOString(),
            '2026-11-25T11:20:30.000Z',
            'expiry',
          );
          let tampered: Uint8Array;
          if (mediaType === envelope.MEDIA_TYPE_COSE) {
            tampered = signed.bytes.slice();
            tampered[tampered.length - 1]! ^= 1; // last byte of the signature bstr
          } else {
            const json = JSON.parse(text(signed.bytes)) as { signature: string };
            // Flip one bit of the signature's first byte in its base64url text ('A' ↔ 'B' is bit 2): no codec needed.
            json.signature = (json.signature.startsWith('A') ? 'B' : 'A') + json.signature.slice(1);
            tampered = new TextEncoder().encode(JSON.stringify(json));
          }
          await expectCode(
            () => envelope.verifyEnvelopeIntegrity(tampered, mediaType),
            'ERR_SIGNATURE_VERIFICATION_FAILED',
          );
        },
      });
    }
  }
  return cases;
}

interface UpstreamCase {
  id: string;
  kind: string;
  files: string[];
  expect: Record<string, unknown> & { outcome: string; reason?: string; validationType?: string };
  input?: Record<string, unknown>;
  notes?: string;
}

/** An integrity-stage failure, judged from the upstream reason text. */
function isIntegrityFailure(c: UpstreamCase): boolean {
  if (c.expect.validationType) return c.expect.validationType === 'integrity';
  return /unable to parse|failed to parse|signature is invalid|integrity/i.test(c.expect.reason ?? '');
}

async function upstreamCases(env: SuiteEnvironment): Promise<ConformanceCase[]> {
  const { pki, envelope } = env;
  const dir = env.upstreamVectorsDir!;
  const manifest = JSON.parse(text(await env.readFile(`${dir}/manifest.json`))) as UpstreamCase[];
  const cases: ConformanceCase[] = [];
  for (const c of manifest) {
    if (c.kind !== 'jws-envelope' && c.kind !== 'cose-envelope') continue;
    const mediaType =
      (c.input?.signatureMediaType as string | undefined) ??
      (c.kind === 'jws-envelope' ? envelope.MEDIA_TYPE_JWS : envelope.MEDIA_TYPE_COSE);
    const read = async (): Promise<Uint8Array> =>
      c.files[0] ? env.readFile(`${dir}/${c.files[0]}`) : new Uint8Array(0);
    const kind = `upstream-${c.kind}`;

    // The byte-identical encoding cases need envelope's internal encoders: they run in
    // envelope's own tests (envelope/test/upstream-encoding.test.ts), not on the public API.
    if (c.expect.outcome === 'encoding-conformance') continue;
    if (c.expect.outcome === 'parse-ok') {
      cases.push({
        name: `upstream ${c.id} (ATTR-5 ENV-JWS-5 ENV-COSE-5): parses with the expected attributes`,
        kind,
        async run() {
          const verified = await envelope.verifyEnvelopeIntegrity(await read(), mediaType);
          const info = verified.content.signerInfo;
          const e = c.expect as Record<string, any>;
          equal(info.signatureAlgorithm, e.signatureAlgorithm, 'signature algorithm');
          equal(info.signedAttributes.signingScheme, e.signedAttributes.signingScheme, 'signing scheme');
          equal(
            info.signedAttributes.signingTime?.toISOString().replace('.000Z', 'Z'),
            e.signedAttributes.signingTime,
            'signing time',
          );
          equal(info.unsignedAttributes.signingAgent, e.signingAgent, 'signing agent');
          equal(info.certificateChain[0]!.sha256Fingerprint, e.signerCertSha256, 'signer fingerprint');
          check(
            info.unsignedAttributes.timestampSignature && info.unsignedAttributes.timestampSignature.length > 0,
            'timestamp token present',
          );
          equal(verified.payload.targetArtifact.digest, e.signedArtifact.digest, 'target digest');
          equal(verified.payload.targetArtifact.size, e.signedArtifact.size, 'target size');
        },
      });
      continue;
    }
    if (c.expect.outcome === 'valid' || c.expect.outcome === 'no-plugin-version-error') {
      const deferred = c.input?.trustPolicy ? ' (the policy stage is checked by the trust-policy verifier)' : '';
      cases.push({
        name: `upstream ${c.id} (VER-2): integrity verifies${deferred}`,
        kind,
        async run() {
          const verified = await envelope.verifyEnvelopeIntegrity(await read(), mediaType);
          const e = c.expect as Record<string, any>;
          if (e.signerCertSha256)
            equal(
              verified.content.signerInfo.certificateChain[0]!.sha256Fingerprint,
              e.signerCertSha256,
              'signer fingerprint',
            );
          if (e.signedArtifact) equal(verified.payload.targetArtifact.digest, e.signedArtifact.digest, 'target digest');
        },
      });
      continue;
    }
    if (c.expect.outcome === 'invalid' && isIntegrityFailure(c)) {
      cases.push({
        name: `upstream ${c.id} (VER-2 ENV-JWS-7): integrity fails — ${c.expect.reason}`,
        kind,
        async run() {
          const bytes = await read();
          let failed: (Error & { code?: string }) | undefined;
          try {
            await envelope.verifyEnvelopeIntegrity(bytes, mediaType);
          } catch (error) {
            failed = error as Error & { code?: string };
          }
          check(failed, 'expected an integrity failure');
          check(failed instanceof pki.NotaryError, `expected a typed NotaryError, got ${String(failed)}`);
          check(
            ['ERR_ENVELOPE_MALFORMED', 'ERR_UNSUPPORTED_MEDIA_TYPE'].includes(failed.code!),
            `unexpected code ${failed.code}`,
          );
          if (/media type/.test(c.expect.reason ?? ''))
            check(failed.message.includes(mediaType), 'message names the media type');
        },
      });
      continue;
    }
    // The failure is in a later stage (authenticity, expiry, trust policy, plugin):
    // integrity must pass here; the verifier of the trust-policy package checks the rest.
    cases.push({
      name: `upstream ${c.id} (VER-2): integrity verifies before the later-stage failure "${c.expect.reason}"`,
      kind,
      async run() {
        await envelope.verifyEnvelopeIntegrity(await read(), mediaType);
      },
    });
  }
  return cases;
}

/** Every case of the suite; a missing upstream folder yields no upstream cases (the runner reports it). */
export async function envelopeConformanceCases(env: SuiteEnvironment): Promise<ConformanceCase[]> {
  return [
    ...(await ownVectorCases(env)),
    ...(await signingCases(env)),
    ...(env.upstreamVectorsDir ? await upstreamCases(env) : []),
  ];
}
