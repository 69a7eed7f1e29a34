/**
 * RFC 3161 timestamp tokens (TSA-3 … TSA-5) in a JWS envelope's unsigned
 * `io.cncf.notary.timestampSignature`, verified by `verifyBlob` under a strict
 * policy with a tsa store and `verifyTimestamp: always` (TP-14), the token
 * from the loopback `openssl ts` TSA. Mutations: bytes, DER-tree edits, and
 * TSTInfo / CMS edits re-signed with the TSA's key (messageDigest updated),
 * so only the verifier's reading of the edited field stands between them and
 * acceptance.
 */
import { readFile } from 'node:fs/promises';
import type { VerificationResult } from '@x/notary-core';
import { parseCertificates } from '@x/notary-pki';
import { bytesEqual, decodeBase64, encodeBase64 } from '@x/notary-pki/foundation';
import { classifyVerification } from '../classify.js';
import {
  type BlobVerification,
  loadChain,
  MEDIA_TYPE_JWS,
  signFixture,
  strictBlobPolicy,
  trustStoreOf,
  verifyEnvelope,
} from '../fixtures.js';
import { type MutatingServer, type Recording, recordingFetcher, startMutatingServer } from '../mutating-server.js';
import { mutateBytes } from '../mutations/bytes.js';
import { cloneDer, type DerNode, encodeDer, isStrictDer, mutateDerTree, parseDer } from '../mutations/der.js';
import { type DerSigner, generalizedTime, importPkcs8, isOid, sha, signDer } from '../mutations/resign.js';
import type { FuzzCase, FuzzContext, FuzzTarget, Rng } from '../types.js';

const TIMESTAMP = 'io.cncf.notary.timestampSignature';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

interface Edit {
  mutation: string;
  acceptable?: string;
}

interface State {
  envelope: Record<string, unknown> & { header: Record<string, unknown> };
  token: Uint8Array;
  tree: DerNode;
  verification: BlobVerification;
  server: MutatingServer;
  tsa: DerSigner;
}

let state: State | undefined;
const facts = new WeakMap<FuzzCase, Edit>();

/** ContentInfo → [0] → SignedData. */
const signedDataOf = (token: DerNode) => token.children![1]!.children![0]!;

/** Edits TSTInfo and/or the CMS around it; `resign` recomputes messageDigest and the signature. */
async function edit(rng: Rng, token: DerNode, tsa: DerSigner): Promise<Edit> {
  const signedData = signedDataOf(token);
  const encap = signedData.children!.find((c) => c.tag === 0x30)!;
  const eContent = encap.children![1]!.children![0]!;
  const tst = parseDer(eContent.value!);
  const fields = tst.children!;
  const certs = signedData.children!.find((c) => c.tag === 0xa0);
  const signerInfo = signedData.children!.at(-1)!.children![0]!;
  const signedAttrs = signerInfo.children!.find((c) => c.tag === 0xa0)!;
  const genIndex = fields.findIndex((c) => c.tag === 0x18);
  const nonceIndex = fields.findIndex((c, i) => i > genIndex && c.tag === 0x02);
  let result: Edit;
  let resign = true;
  let updateDigest = true;
  switch (rng.int(14)) {
    case 0:
      fields[genIndex] = generalizedTime(new Date('2000-01-01T00:00:00Z'));
      result = { mutation: 'tst genTime before the signing certificate, re-signed' };
      break;
    case 1:
      fields[genIndex] = generalizedTime(new Date(Date.now() - 3_600_000));
      result = {
        mutation: 'tst genTime an hour earlier, re-signed',
        acceptable: "re-signed by the TSA: another genTime inside every validity window (the TSA's claim)",
      };
      break;
    case 2:
      fields[genIndex] = { tag: 0x17, value: fields[genIndex]!.value!.slice(2) };
      result = { mutation: 'tst genTime as UTCTime, re-signed' };
      break;
    case 3: {
      const hash = fields[2]!.children![1]!;
      hash.value = hash.value!.map((b, i) => (i === 0 ? b ^ 0xff : b));
      result = { mutation: 'tst messageImprint changed, re-signed' };
      break;
    }
    case 4:
      fields[0] = { tag: 0x02, value: Uint8Array.of(2) };
      result = { mutation: 'tst version 2, re-signed' };
      break;
    case 5: {
      const serial = fields[3]!;
      serial.value = Uint8Array.of(...serial.value!.slice(0, -1), (serial.value!.at(-1)! + 1) & 0x7f);
      result = {
        mutation: 'tst serial changed, re-signed',
        acceptable: "re-signed by the TSA: the serial is the TSA's own numbering, which verification does not read",
      };
      break;
    }
    case 6:
      if (nonceIndex >= 0) fields.splice(nonceIndex, 1);
      result = {
        mutation: 'tst nonce dropped, re-signed',
        acceptable:
          're-signed by the TSA: the nonce binds the reply to a request, which verification of a stored token does not have (TSA-2)',
      };
      break;
    case 7:
      updateDigest = false;
      fields[genIndex] = generalizedTime(new Date(Date.now() - 7_200_000));
      result = { mutation: 'tst edited, messageDigest left stale, re-signed' };
      break;
    case 8:
      if (certs) certs.children = certs.children!.slice(1);
      resign = false;
      result = { mutation: 'cms first certificate dropped' };
      break;
    case 9:
      if (certs && certs.children!.length > 1) certs.children!.reverse();
      resign = false;
      result = {
        mutation: 'cms certificates reversed',
        acceptable: 'the CMS certificates field is an unsigned SET: its order carries no meaning',
      };
      break;
    case 10:
      signedAttrs.children = signedAttrs.children!.filter((a) => !isOid(a.children![0], SIGNING_CERTIFICATE_V2));
      result = { mutation: 'cms signingCertificateV2 dropped, re-signed' };
      break;
    case 11: {
      const signature = signerInfo.children!.at(-1)!;
      signature.value = signature.value!.map((b, i, all) => (i === all.length - 1 ? b ^ 1 : b));
      resign = false;
      result = { mutation: 'cms signature last byte flipped' };
      break;
    }
    case 12:
      fields.push({ tag: 0x05, value: new Uint8Array(0) });
      result = { mutation: 'tst trailing NULL, re-signed' };
      break;
    default:
      result = {
        mutation: 'tst re-signed unchanged (control)',
        acceptable: 're-signed by the TSA with content unchanged',
      };
  }
  eContent.value = encodeDer(tst);
  if (resign) {
    if (updateDigest) {
      const attribute = signedAttrs.children!.find((a) => isOid(a.children![0], MESSAGE_DIGEST))!;
      attribute.children![1]!.children![0]!.value = sha('SHA-256', eContent.value);
    }
    // The signature covers the signed attributes with a SET tag (RFC 5652 §5.4).
    const signature = await signDer(tsa, encodeDer({ ...signedAttrs, tag: 0x31 }));
    signerInfo.children!.at(-1)!.value = signature;
  }
  return result;
}

/**
 * An edit confined to the CMS `certificates` set, where the verified TSA
 * chain uses none of the certificates the edit changed or added: the token
 * carries them unsigned, and the verifier builds the chain from the signer's
 * certificate to the tsa store (Go's x509 pool of intermediates likewise
 * ignores a certificate it never uses). A changed certificate must still be
 * DER, as Go's pkcs7 parsing of the set would otherwise fail.
 */
function onlyUnusedCertificateChanged(s: State, token: Uint8Array, result: VerificationResult): string | undefined {
  let mutated: DerNode;
  try {
    mutated = parseDer(token);
    if (!isStrictDer(token)) return undefined;
    const without = (tree: DerNode) => {
      const copy = cloneDer(tree);
      const signedData = signedDataOf(copy);
      signedData.children = signedData.children!.filter((c) => c.tag !== 0xa0);
      return encodeDer(copy);
    };
    if (!bytesEqual(without(mutated), without(s.tree))) return undefined;
  } catch {
    return undefined;
  }
  const certsOf = (tree: DerNode) =>
    (signedDataOf(tree).children!.find((c) => c.tag === 0xa0)?.children ?? []).map(encodeDer);
  const original = certsOf(s.tree);
  const used = result.timestamp?.tsaChain ?? [];
  for (const cert of certsOf(mutated)) {
    if (original.some((o) => bytesEqual(o, cert))) continue;
    if (used.some((c) => bytesEqual(c.der, cert))) return undefined;
  }
  return 'only the unsigned CMS certificates set changed, and the verified TSA chain uses none of the changed certificates';
}

/**
 * Whether `token` differs from the original only in BER length forms
 * (definite, up to 4 length octets) outside the signed attributes, so that
 * re-encoding it with minimal lengths gives the original DER byte for byte.
 * tspclient-go does exactly that before it reads a token
 * (internal/cms/signed.go ParseSignedData calls
 * internal/encoding/asn1/ber.ConvertToDER, whose decodeLength takes long
 * forms and refuses indefinite ones), so notation accepts such a token, and
 * nothing a signature or trust decision reads has changed: the SDK accepting
 * it is correct (issue 12, TSA-3). Inside signedAttrs the SDK is stricter
 * (RFC 5652 §5.3 requires DER there) and rejects, so this never hides that.
 */
function normalisesToOriginal(s: State, token: Uint8Array): boolean {
  try {
    return bytesEqual(encodeDer(parseDer(token)), s.token);
  } catch {
    return false;
  }
}

/**
 * Whether `token` is the original except for SignedData's digestAlgorithms
 * SET (an entry repeated, changed or dropped), still strict DER. The SET is
 * unsigned and only announces the hashes the signers use (RFC 5652 §5.1);
 * the signature is checked with the SignerInfo's own digestAlgorithm, and
 * tspclient-go reads the SET into []pkix.AlgorithmIdentifier without using
 * it, so notation accepts such a token too (issue 12, TSA-3).
 */
function onlyDigestAlgorithmsSetChanged(s: State, token: Uint8Array): boolean {
  try {
    if (!isStrictDer(token)) return false;
    const mutated = parseDer(token);
    const set = signedDataOf(mutated).children![1]!;
    if (set.tag !== 0x31) return false;
    signedDataOf(mutated).children![1] = cloneDer(signedDataOf(s.tree).children![1]!);
    return bytesEqual(encodeDer(mutated), s.token);
  } catch {
    return false;
  }
}

/**
 * Whether `token` is the original with the NULL parameters of the
 * SignerInfo's digestAlgorithm (unsigned; only its OID picks the hash)
 * removed. RFC 5754 §2: SHA-2 parameters are absent or NULL and verifiers
 * accept both; tspclient-go reads pkix.AlgorithmIdentifier and uses the OID
 * alone (internal/cms/signed.go verifySignature → DigestAlgorithm.Algorithm),
 * so it accepts too (issue 12, TSA-3).
 */
function onlyDigestNullParametersDropped(s: State, token: Uint8Array): boolean {
  try {
    const expected = cloneDer(s.tree);
    const algorithm = signedDataOf(expected).children!.at(-1)!.children![0]!.children![2]!;
    if (algorithm.children?.length !== 2 || algorithm.children[1]!.tag !== 0x05) return false;
    algorithm.children = algorithm.children.slice(0, 1);
    return bytesEqual(encodeDer(expected), token);
  } catch {
    return false;
  }
}

export const timestampTarget: FuzzTarget = {
  name: 'timestamp',
  needsPkiServers: true,

  async setup(context: FuzzContext) {
    const servers = context.pkiServers!;
    const tsaRootPem = await readFile(servers.scenario.tsa.root.cert, 'utf8');
    const chain = await loadChain('ec-256');
    const signed = await signFixture(chain.signer, MEDIA_TYPE_JWS, {
      url: servers.tsa.routes.good,
      roots: parseCertificates(tsaRootPem),
    });
    const envelope = JSON.parse(new TextDecoder().decode(signed)) as State['envelope'];
    const token = decodeBase64(envelope.header[TIMESTAMP] as string);
    const base = { policy: strictBlobPolicy({ tsa: true }), trustStore: trustStoreOf(chain.rootPem, tsaRootPem) };
    const recording: Recording = new Map();
    const result = await verifyEnvelope(signed, MEDIA_TYPE_JWS, {
      ...base,
      revocation: { fetcher: recordingFetcher(recording) },
    });
    if (!result.timestamp) throw new Error('timestamp: the fixture verified without reading its token');
    // The TSA chain's CRLs are replayed from loopback as the real server answered them (they are not what this target fuzzes).
    await state?.server.close();
    const server = await startMutatingServer();
    const verification: BlobVerification = {
      ...base,
      revocation: { fetcher: server.fetcherFor(undefined, recording) },
    };
    state = {
      envelope,
      token,
      tree: parseDer(token),
      verification,
      server,
      tsa: await importPkcs8(servers.scenario.tsa.leaf.key, 'rsa'),
    };
  },

  async generate(rng, index) {
    const s = state!;
    const id = `timestamp#${index}`;
    const family = rng.int(100);
    let token: Uint8Array;
    let mutation: string;
    let structured: Edit | undefined;
    if (family < 35) {
      const m = mutateBytes(rng, s.token);
      token = m.bytes;
      mutation = `bytes ${m.mutation}`;
    } else if (family < 60) {
      const tree = cloneDer(s.tree);
      mutation = mutateDerTree(rng, tree);
      token = encodeDer(tree);
    } else {
      const tree = cloneDer(s.tree);
      structured = await edit(rng, tree, s.tsa);
      mutation = structured.mutation;
      token = encodeDer(tree);
    }
    const envelope = structuredClone(s.envelope);
    envelope.header[TIMESTAMP] = encodeBase64(token);
    const fuzzCase: FuzzCase = {
      target: 'timestamp',
      id,
      mutation,
      bytes: new TextEncoder().encode(JSON.stringify(envelope)),
    };
    facts.set(fuzzCase, { mutation, ...(structured?.acceptable ? { acceptable: structured.acceptable } : {}) });
    return fuzzCase;
  },

  run(fuzzCase) {
    const s = state!;
    const known = facts.get(fuzzCase);
    return classifyVerification(
      () => verifyEnvelope(fuzzCase.bytes, MEDIA_TYPE_JWS, s.verification),
      (result: VerificationResult) => {
        if (result.checks.authenticTimestamp.outcome !== 'passed') return undefined;
        const envelope = JSON.parse(new TextDecoder().decode(fuzzCase.bytes)) as State['envelope'];
        const token = decodeBase64(envelope.header[TIMESTAMP] as string);
        if (bytesEqual(token, s.token)) return 'the token is identical to the original';
        if (normalisesToOriginal(s, token))
          return 'BER length forms only: the token normalises to the same DER as the original';
        if (onlyDigestAlgorithmsSetChanged(s, token))
          return 'only the unsigned SignedData digestAlgorithms SET changed: it announces hashes; the SignerInfo names the one verified';
        if (onlyDigestNullParametersDropped(s, token))
          return "only the SignerInfo digestAlgorithm's NULL parameters were dropped: RFC 5754 §2 makes absent and NULL equivalent";
        return known?.acceptable ?? onlyUnusedCertificateChanged(s, token, result);
      },
      `${fuzzCase.mutation}: authentic timestamp passed`,
    );
  },

  async teardown() {
    await state?.server.close();
    state = undefined;
  },
};
