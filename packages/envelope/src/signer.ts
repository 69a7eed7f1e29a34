import {
  algorithmSuiteOf,
  type Certificate,
  decodePem,
  type KeySpec,
  keySpecOf,
  parseCertificates,
} from '@x/notary-pki';
import * as asn1js from 'asn1js';
import { EnvelopeError } from './errors.js';

/**
 * Produces signatures for the signing functions. A signature is returned in
 * envelope form: raw r‖s for ECDSA, and RSASSA-PSS with salt = hash length
 * (AMB-16), over `data` hashed with the key spec's hash (ALG-2).
 *
 * `certificateChain` is read after `sign()` resolves, so a remote signer (a
 * plugin that returns the chain with the signature) may fill it in then.
 */
export interface Signer {
  readonly keySpec: KeySpec;
  /** Leaf first, ending at the root (ATTR-5). */
  readonly certificateChain: readonly Certificate[];
  sign(data: Uint8Array): Promise<Uint8Array>;
}

function toChain(chain: readonly Certificate[] | Uint8Array | string): Certificate[] {
  const certificates = chain instanceof Uint8Array || typeof chain === 'string' ? parseCertificates(chain) : [...chain];
  if (certificates.length === 0) throw new EnvelopeError('ERR_SIGNING_FAILED', 'the certificate chain is empty');
  return certificates;
}

function importParams(keySpec: KeySpec): RsaHashedImportParams | EcKeyImportParams {
  const suite = algorithmSuiteOf(keySpec);
  if (keySpec.startsWith('RSA')) return { name: 'RSA-PSS', hash: suite.hash };
  return {
    name: 'ECDSA',
    namedCurve: ({ 'EC-256': 'P-256', 'EC-384': 'P-384', 'EC-521': 'P-521' } as Record<string, string>)[keySpec]!,
  };
}

function signParams(keySpec: KeySpec): RsaPssParams | EcdsaParams {
  const suite = algorithmSuiteOf(keySpec);
  return keySpec.startsWith('RSA')
    ? { name: 'RSA-PSS', saltLength: suite.hashLength }
    : { name: 'ECDSA', hash: suite.hash };
}

/**
 * The shape of a WebCrypto `CryptoKey` that the signer reads. Declared here,
 * not taken from the DOM lib, so that a Node consumer compiled with
 * `lib: ["ES2022"]` and @types/node (whose v20 has no global CryptoKey) can
 * use the declarations (issue 14 item 4). Both DOM's CryptoKey and Node's
 * webcrypto CryptoKey fit it.
 */
export interface WebCryptoKey {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: { readonly name: string };
  readonly usages: readonly string[];
}

/**
 * A signer over a WebCrypto private key, which may be non-extractable (a
 * browser key that never leaves the crypto module). The key must match the
 * leaf certificate's key spec; `sign()` checks its algorithm.
 */
export function signerFromCryptoKey(
  key: WebCryptoKey,
  certificateChain: readonly Certificate[] | Uint8Array | string,
): Signer {
  // Every CryptoKey is a WebCryptoKey; subtle.sign refuses anything else.
  const privateKey = key as CryptoKey;
  const chain = toChain(certificateChain);
  const keySpec = keySpecOf(chain[0]!.publicKey);
  const expected = importParams(keySpec);
  const algorithm = privateKey.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm>;
  const matches =
    privateKey.type === 'private' &&
    algorithm.name === expected.name &&
    ('namedCurve' in expected
      ? algorithm.namedCurve === expected.namedCurve
      : algorithm.hash?.name === (expected as RsaHashedImportParams).hash);
  if (!matches) {
    throw new EnvelopeError(
      'ERR_SIGNING_FAILED',
      `the private key (${algorithm.name}) does not fit the leaf certificate's key spec ${keySpec}; import it as ${JSON.stringify(expected)}`,
    );
  }
  const params = signParams(keySpec);
  return {
    keySpec,
    certificateChain: chain,
    async sign(data) {
      return new Uint8Array(await crypto.subtle.sign(params, privateKey, data as Uint8Array<ArrayBuffer>));
    },
  };
}

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const CURVE_OIDS: Readonly<Record<string, string>> = {
  'EC-256': '1.2.840.10045.3.1.7',
  'EC-384': '1.3.132.0.34',
  'EC-521': '1.3.132.0.35',
};

/** Wraps a PKCS#1 RSAPrivateKey or SEC1 ECPrivateKey into PKCS#8, the form WebCrypto imports. */
function wrapInPkcs8(keyDer: Uint8Array, keySpec: KeySpec): Uint8Array {
  const algorithm = keySpec.startsWith('RSA')
    ? new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_RSA }), new asn1js.Null()] })
    : new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: OID_EC }),
          new asn1js.ObjectIdentifier({ value: CURVE_OIDS[keySpec]! }),
        ],
      });
  const info = new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 0 }), algorithm, new asn1js.OctetString({ valueHex: keyDer.slice().buffer })],
  });
  return new Uint8Array(info.toBER());
}

function privateKeyDer(key: Uint8Array | string, keySpec: KeySpec): Uint8Array {
  if (typeof key !== 'string') return key;
  let blocks;
  try {
    blocks = decodePem(key);
  } catch (error) {
    throw new EnvelopeError('ERR_SIGNING_FAILED', 'the private key PEM is malformed', { cause: error });
  }
  if (blocks.length === 0) throw new EnvelopeError('ERR_SIGNING_FAILED', 'the private key is neither PEM nor DER');
  const block = blocks.find((b) => /PRIVATE KEY$/.test(b.label));
  if (!block) throw new EnvelopeError('ERR_SIGNING_FAILED', 'no PRIVATE KEY block in the PEM input');
  if (block.label === 'PRIVATE KEY') return block.bytes;
  if (block.label === 'RSA PRIVATE KEY' || block.label === 'EC PRIVATE KEY') return wrapInPkcs8(block.bytes, keySpec);
  throw new EnvelopeError(
    'ERR_SIGNING_FAILED',
    `unsupported private key PEM block "${block.label}" (encrypted keys are not supported)`,
  );
}

/**
 * A signer over a private key given as PKCS#8 DER, or as PEM (`PRIVATE KEY`,
 * `RSA PRIVATE KEY` or `EC PRIVATE KEY`). The key is imported non-extractable.
 */
export async function signerFromPrivateKey(
  key: Uint8Array | string,
  certificateChain: readonly Certificate[] | Uint8Array | string,
): Promise<Signer> {
  const chain = toChain(certificateChain);
  const keySpec = keySpecOf(chain[0]!.publicKey);
  const der = privateKeyDer(key, keySpec);
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey('pkcs8', der.slice(), importParams(keySpec), false, ['sign']);
  } catch (error) {
    throw new EnvelopeError('ERR_SIGNING_FAILED', `the private key cannot be imported as ${keySpec}`, { cause: error });
  }
  return signerFromCryptoKey(privateKey, chain);
}
