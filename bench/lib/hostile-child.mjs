/**
 * One hostile input of case 8, in its own process (so that a shape that
 * runs unbounded can be killed by the parent's hard timeout): builds the
 * input (not timed), then times the SDK until it rejects it, and prints one
 * JSON line `{ shape, bytes, ms, outcome, code, message }`.
 *
 * `node bench/lib/hostile-child.mjs <shape>`; shapes: the keys of `shapes`
 * below, `pem-begin-flood`, `pem-begin-flood-end` (parseCertificates, the
 * trust-store entry point) and
 * `endless-referrers`.
 */
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { verify, verifyBlob } from '@x/notary-core';
import { RemoteRepository } from '@x/notary-oci';
import { parseCertificates } from '@x/notary-pki';
import { concatBytes } from '@x/notary-pki/foundation';
import { MemoryTrustStore } from '@x/notary-trust-policy';

const MiB = 1024 * 1024;
const SIZE = 32 * MiB;
const shape = process.argv[2];
const encoder = new TextEncoder();
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const b64url = (text) => Buffer.from(text).toString('base64url');

const blob = encoder.encode('hostile input bench\n');
const trustStore = new MemoryTrustStore({});
const blobPolicy = {
  version: '1.0',
  trustPolicies: [
    {
      name: 'hostile',
      globalPolicy: true,
      signatureVerification: { level: 'strict' },
      trustStores: ['ca:none'],
      trustedIdentities: ['*'],
    },
  ],
};

/** A syntactically plausible flattened JWS whose unprotected header carries `x5c`. */
function jwsWith(x5c) {
  const protectedHeader = b64url(
    JSON.stringify({
      alg: 'ES256',
      crit: ['io.cncf.notary.signingScheme'],
      cty: 'application/vnd.cncf.notary.payload.v1+json',
      'io.cncf.notary.signingScheme': 'notary.x509',
      'io.cncf.notary.signingTime': '2026-01-01T00:00:00Z',
    }),
  );
  const payload = b64url(
    JSON.stringify({
      targetArtifact: { digest: `sha256:${'0'.repeat(64)}`, mediaType: 'application/octet-stream', size: blob.length },
    }),
  );
  return encoder.encode(
    JSON.stringify({ payload, protected: protectedHeader, header: { x5c }, signature: b64url('x'.repeat(64)) }),
  );
}

/** DER: tag, long-form length (4 octets), contents. */
function longForm(tag, length, contents = new Uint8Array(0)) {
  const out = new Uint8Array(6 + contents.length);
  out.set([tag, 0x84, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);
  out.set(contents, 6);
  return out;
}

/** A CBOR head (major type, argument) in its shortest form. */
function head(major, n) {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 0x100) return Uint8Array.of((major << 5) | 24, n);
  if (n < 0x10000) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff);
  return Uint8Array.of((major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}
const bstr = (bytes) => concatBytes(head(2, bytes.length), bytes);
const tstr = (text) => concatBytes(head(3, encoder.encode(text).length), encoder.encode(text));

/** COSE_Sign1 with protected {alg: ES256}, the given unprotected map entries, then `tail` (payload and signature). */
function cose(unprotectedEntries, count, tail = concatBytes(bstr(encoder.encode('{}')), bstr(new Uint8Array(64)))) {
  return {
    mediaType: 'application/cose',
    bytes: concatBytes(
      Uint8Array.of(0xd2, 0x84),
      bstr(Uint8Array.of(0xa1, 0x01, 0x26)),
      head(5, count),
      ...unprotectedEntries,
      tail,
    ),
  };
}

/** An unprotected header `x` holding `count` arrays, each `inner` (an array head and its items). */
const wideArrays = (count, inner) =>
  cose([concatBytes(tstr('x'), head(4, count), ...Array.from({ length: count }, () => inner))], 1);

const BEGIN_LINE = '-----BEGIN CERTIFICATE-----\n';

const shapes = {
  /** 32 MiB of PEM armour lines, base64'd into one x5c entry (issue 12: a quadratic PEM scan in x5c). */
  'pem-flood-x5c': () => {
    const line = '-----BEGIN CERTIFICATE-----\n';
    const raw = line.repeat(Math.floor((SIZE * 3) / 4 / line.length));
    return { mediaType: 'application/jose+json', bytes: jwsWith([b64(encoder.encode(raw))]) };
  },
  /** A JWS whose unprotected header nests arrays 32 Mi deep. */
  'deep-json': () => {
    const depth = SIZE / 2;
    const text = `{"payload":"","protected":"","header":{"x5c":${'['.repeat(depth)}${']'.repeat(depth)}},"signature":""}`;
    return { mediaType: 'application/jose+json', bytes: encoder.encode(text) };
  },
  /** A COSE_Sign1 tag whose first element nests one-element arrays 32 Mi deep. */
  'deep-cbor': () => {
    const bytes = new Uint8Array(SIZE);
    bytes.set([0xd2, 0x84]);
    bytes.fill(0x81, 2, SIZE - 1);
    bytes[SIZE - 1] = 0x00;
    return { mediaType: 'application/cose', bytes };
  },
  /** x5c holding a certificate made of SEQUENCEs with long-form lengths, nested through 32 MiB. */
  'der-long-form': () => {
    const depth = Math.floor((SIZE * 3) / 4 / 6);
    const der = new Uint8Array(depth * 6);
    for (let i = 0; i < depth; i++) {
      const remaining = (depth - i - 1) * 6;
      der.set(longForm(0x30, remaining), i * 6);
    }
    return { mediaType: 'application/jose+json', bytes: jwsWith([b64(der)]) };
  },
  /** A JWS whose unprotected header holds one array of 16 Mi items. */
  'wide-json': () => ({
    mediaType: 'application/jose+json',
    bytes: encoder.encode(
      `{"payload":"e30","protected":"e30","header":{"x5c":[],"x":[${'0,'.repeat(16 * MiB)}0]},"signature":""}`,
    ),
  }),
  /** COSE x5chain (label 33) holding one 32 MiB bstr of PEM BEGIN lines. */
  'pem-flood-x5chain': () =>
    cose(
      [
        concatBytes(
          head(0, 33),
          head(4, 1),
          bstr(encoder.encode(BEGIN_LINE.repeat(Math.ceil(SIZE / BEGIN_LINE.length)))),
        ),
      ],
      1,
    ),
  /** COSE whose payload bstr declares 2^64-1 bytes, followed by 32 MiB. */
  'cbor-huge-length': () =>
    cose([], 0, concatBytes(Uint8Array.of(0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), new Uint8Array(SIZE))),
  /** COSE with an unprotected array declaring 2^32 items, followed by 32 MiB of zeros. */
  'cbor-huge-array': () =>
    cose([concatBytes(tstr('x'), Uint8Array.of(0x9b, 0, 0, 0, 1, 0, 0, 0, 0), new Uint8Array(SIZE))], 1),
  /** 256 legal-size arrays of 131072 one-byte ints. */
  'cbor-wide-arrays': () => wideArrays(256, concatBytes(head(4, 131_072), new Uint8Array(131_072))),
  /** 128 arrays of 131072 two-byte ints (0x18 0x18). */
  'cbor-wide-ints': () => wideArrays(128, concatBytes(head(4, 131_072), new Uint8Array(2 * 131_072).fill(0x18))),
  /** 256 arrays of 131072 items alternating empty arrays and empty bstrs (heads that are not ints). */
  'cbor-wide-empties': () =>
    wideArrays(
      256,
      concatBytes(
        head(4, 131_072),
        new Uint8Array(131_072).map((_, i) => (i % 2 ? 0x40 : 0x80)),
      ),
    ),
  /** x5c holding a certificate that declares 2 GiB and carries 24 MiB of filler. */
  'der-huge-length': () => {
    const der = longForm(0x30, 0x7fffffff, new Uint8Array((SIZE * 3) / 4 - 6).fill(0x30));
    return { mediaType: 'application/jose+json', bytes: jwsWith([b64(der)]) };
  },
};

async function timeRejection(run) {
  const start = performance.now();
  try {
    await run();
    return { ms: performance.now() - start, outcome: 'accepted' };
  } catch (error) {
    const ms = performance.now() - start;
    let innermost = error;
    for (let i = 0; i < 8 && innermost?.cause && typeof innermost.cause.code === 'string'; i++)
      innermost = innermost.cause;
    return {
      ms,
      outcome: typeof error?.code === 'string' ? 'rejected-typed' : 'rejected-untyped',
      code: innermost?.code ?? error?.code,
      message: String(error?.message ?? error).slice(0, 200),
    };
  }
}

/**
 * A registry whose Referrers API never ends: every page is empty and points
 * at the next (`Link: rel="next"`), so only a bound on pages stops the client.
 */
async function endlessReferrers() {
  const manifest = encoder.encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        size: 2,
      },
      layers: [],
    }),
  );
  const { createHash } = await import('node:crypto');
  const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  let pages = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/v2/') return res.writeHead(200).end('{}');
    if (url.pathname.startsWith('/v2/hostile/manifests/')) {
      res.writeHead(200, {
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
        'docker-content-digest': digest,
        'content-length': manifest.length,
      });
      return res.end(req.method === 'HEAD' ? undefined : manifest);
    }
    if (url.pathname.startsWith('/v2/hostile/referrers/')) {
      pages++;
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [],
      });
      res.writeHead(200, {
        'content-type': 'application/vnd.oci.image.index.v1+json',
        link: `</v2/hostile/referrers/${digest}?page=${pages}>; rel="next"`,
      });
      return res.end(body);
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const repository = new RemoteRepository({
    registry: `127.0.0.1:${port}`,
    repository: 'hostile',
    referrersCapability: true,
  });
  const policy = {
    version: '1.0',
    trustPolicies: [
      {
        name: 'hostile',
        registryScopes: ['*'],
        signatureVerification: { level: 'strict' },
        trustStores: ['ca:none'],
        trustedIdentities: ['*'],
      },
    ],
  };
  const result = await timeRejection(() =>
    verify({ repository, reference: digest, policy, trustStore, maxSignatureAttempts: 1 }),
  );
  server.closeAllConnections();
  server.close();
  return { ...result, bytes: 0, pages };
}

/** PEM shapes: parseCertificates on 32 MiB of BEGIN lines, as a trust-store file (issue 12 finding 1: the PEM scan was quadratic). */
const pemShapes = {
  'pem-begin-flood': () => BEGIN_LINE.repeat(Math.ceil(SIZE / BEGIN_LINE.length)),
  'pem-begin-flood-end': () => `${BEGIN_LINE.repeat(Math.ceil(SIZE / BEGIN_LINE.length))}-----END CERTIFICATE-----\n`,
};

let line;
if (pemShapes[shape]) {
  const bytes = encoder.encode(pemShapes[shape]());
  line = { shape, bytes: bytes.length, ...(await timeRejection(() => parseCertificates(bytes))) };
} else if (shape === 'endless-referrers') {
  line = { shape, ...(await endlessReferrers()) };
} else {
  const input = shapes[shape]?.();
  if (!input) throw new Error(`unknown shape ${shape}`);
  const result = await timeRejection(() =>
    verifyBlob({ blob, signature: input.bytes, signatureMediaType: input.mediaType, policy: blobPolicy, trustStore }),
  );
  line = { shape, bytes: input.bytes.length, ...result };
}
process.stdout.write(`${JSON.stringify(line)}\n`);
process.exit(0);
