/**
 * Re-signs a timestamp token with a certificate `openssl ts -reply` refuses.
 *
 * openssl only signs with a TSA certificate whose sole, critical EKU is
 * timeStamping (X509_PURPOSE_TIMESTAMP_SIGN, no config switch), so a token by a
 * signer WITHOUT that EKU cannot come from openssl. The TSTInfo still does
 * (nonce, imprint, policy, genTime answer the real request); only the CMS
 * SignedData around it is rebuilt here, with the same signed attributes openssl
 * would put there (contentType, messageDigest, signing-certificate-v2), so a
 * verifier fails on the EKU and on nothing else.
 */
import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
};

/** DER bodies of the PEM blocks in a file. */
function pemFile(path: string): Uint8Array<ArrayBuffer>[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/g)].map((m) =>
    Uint8Array.from(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')),
  );
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** SigningCertificateV2 { certs: [ESSCertIDv2 { certHash (sha256: the default algorithm, so omitted), issuerSerial }] }. */
function signingCertificateV2(certDer: Uint8Array, cert: pkijs.Certificate): asn1js.Sequence {
  const directoryName = new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 4 },
    value: [cert.issuer.toSchema()],
  });
  const issuerSerial = new asn1js.Sequence({
    value: [new asn1js.Sequence({ value: [directoryName] }), cert.serialNumber],
  });
  const certHash = new asn1js.OctetString({ valueHex: createHash('sha256').update(certDer).digest() });
  return new asn1js.Sequence({
    value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [certHash, issuerSerial] })] })],
  });
}

async function importSigningKey(keyPath: string): Promise<CryptoKey> {
  const pem = readFileSync(keyPath, 'utf8');
  const type = createPrivateKey(pem).asymmetricKeyType;
  const algorithm =
    type === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  return webcrypto.subtle.importKey('pkcs8', pemFile(keyPath)[0]!, algorithm, false, ['sign']) as Promise<CryptoKey>;
}

/** Returns `responseDer` with its token re-signed by `cert`/`key` (a rejection, having no token, is returned as is). */
export async function resignTimestampResponse(
  responseDer: Uint8Array<ArrayBuffer>,
  signer: { cert: string; key: string; chain: string },
): Promise<Uint8Array> {
  const response = pkijs.TimeStampResp.fromBER(responseDer);
  if (!response.timeStampToken) return responseDer;
  const original = new pkijs.SignedData({ schema: response.timeStampToken.content });
  const tstInfo = new Uint8Array(original.encapContentInfo.eContent!.getValue()) as Uint8Array<ArrayBuffer>;

  const certDer = pemFile(signer.cert)[0]!;
  const cert = pkijs.Certificate.fromBER(certDer);
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.tstInfo,
      eContent: new asn1js.OctetString({ valueHex: tstInfo }),
    }),
    certificates: [cert, ...pemFile(signer.chain).map((der) => pkijs.Certificate.fromBER(der))],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.tstInfo })),
            attribute(
              OID.messageDigest,
              new asn1js.OctetString({ valueHex: createHash('sha256').update(tstInfo).digest() }),
            ),
            attribute(OID.signingCertificateV2, signingCertificateV2(certDer, cert)),
          ],
        }),
      }),
    ],
  });
  await signedData.sign(await importSigningKey(signer.key), 0, 'SHA-256');
  const token = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  const resigned = new pkijs.TimeStampResp({ status: response.status, timeStampToken: token });
  return new Uint8Array(resigned.toSchema().toBER());
}
