/**
 * Run by deno.test.ts under Deno with `--allow-net=127.0.0.1`: imports the
 * BUILT package (dist/index.js, the same file browsers and Deno users get),
 * resolves the seeded image on the loopback registry and fetches its
 * manifest and layer, verified. Prints one JSON line for the test to check.
 *
 * Arguments: <module path> <registry host> <repository> <tag>
 */
declare const Deno: { args: string[]; cwd(): string; version: { deno: string } };

interface RemoteRepositoryLike {
  resolve(reference: string): Promise<{ digest: string; size: number; mediaType: string }>;
  fetchManifest(reference: unknown): Promise<{ bytes: Uint8Array }>;
  fetchBlob(descriptor: unknown): Promise<Uint8Array>;
}
const [modulePath, host, repository, tag] = Deno.args;
if (!modulePath || !host || !repository || !tag)
  throw new Error('usage: deno-resolve.ts <module> <host> <repository> <tag>');
const oci = (await import(new URL(modulePath, `file://${Deno.cwd()}/`).href)) as {
  RemoteRepository?: new (options: { reference: string }) => RemoteRepositoryLike;
};
if (typeof oci.RemoteRepository !== 'function') throw new Error(`${modulePath} does not export RemoteRepository`);
const repo = new oci.RemoteRepository({ reference: `${host}/${repository}` });

export {};

const descriptor = await repo.resolve(tag);
const { bytes } = await repo.fetchManifest(descriptor);
const manifest = JSON.parse(new TextDecoder().decode(bytes)) as { layers: unknown[] };
const layer = await repo.fetchBlob(manifest.layers[0]);
let missing = '';
try {
  await repo.resolve('no-such-tag');
} catch (error) {
  missing = (error as { code?: string }).code ?? String(error);
}
console.log(
  JSON.stringify({
    runtime: `deno ${Deno.version.deno}`,
    descriptor,
    manifestBytes: bytes.byteLength,
    layerBytes: layer.byteLength,
    missing,
  }),
);
