/**
 * Test helpers over the upstream vectors' OCI layouts: the minimum of JWS
 * reading needed to reconstruct a signature manifest's inputs (x5c chain,
 * signing time, signed descriptor). No verification happens here: that is
 * the envelope and core packages' job.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export function base64ToBytes(value: string): Uint8Array {
  const normal = value.replace(/-/g, '+').replace(/_/g, '/');
  const padded = normal + '='.repeat((4 - (normal.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export function base64UrlJson(value: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64ToBytes(value))) as Record<string, unknown>;
}

export interface JwsFacts {
  x5c: Uint8Array[];
  protectedHeader: Record<string, unknown>;
  payload: {
    targetArtifact: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> };
  };
  /** io.cncf.notary.signingTime as a Date. */
  signingTime: Date;
}

/** Reads the JWS JSON serialisation notation writes (ENV-JWS). */
export function readJws(bytes: Uint8Array): JwsFacts {
  const envelope = JSON.parse(new TextDecoder().decode(bytes)) as {
    protected: string;
    payload: string;
    header: { x5c: string[] };
  };
  const protectedHeader = base64UrlJson(envelope.protected);
  return {
    x5c: envelope.header.x5c.map(base64ToBytes),
    protectedHeader,
    payload: base64UrlJson(envelope.payload) as JwsFacts['payload'],
    signingTime: new Date(protectedHeader['io.cncf.notary.signingTime'] as string),
  };
}

/** Every blob of a layout directory, as digest → bytes. */
export async function readLayoutBlobs(layoutDir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const alg of await readdir(join(layoutDir, 'blobs'))) {
    for (const hex of await readdir(join(layoutDir, 'blobs', alg))) {
      out.set(`${alg}:${hex}`, new Uint8Array(await readFile(join(layoutDir, 'blobs', alg, hex))));
    }
  }
  return out;
}

export const LAYOUTS_DIR = 'notation/test/e2e/testdata/registry/oci_layout';
