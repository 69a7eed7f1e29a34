/**
 * Starts the OCI test registries of packages/oci (global-setup's startAll:
 * Debian's docker-registry 2.8.2 with only the tag schema, the in-process
 * Referrers API registry, and olareg 0.1.2 when its binary is there, all on
 * loopback), prints their
 * endpoints as one JSON line, and stops them when stdin closes or on
 * SIGTERM/SIGINT. bench/lib/registries.mjs bundles this file with esbuild
 * (Node 20 cannot run TypeScript) and runs it as a child process, so the
 * in-process registry does not share the bench's event loop.
 */
import { startAll } from '../../packages/test-servers/src/oci/global-setup.ts';

const { servers, stop } = await startAll();
let stopping: Promise<void> | undefined;
const shutdown = () => {
  stopping ??= stop().finally(() => process.exit(0));
  return stopping;
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();
process.stdout.write(
  `${JSON.stringify({
    tagSchema: servers.registries.none,
    referrersApi: { url: servers.referrers.url, host: servers.referrers.host },
    // A real Referrers-API registry (issue 13), or why it is not there.
    olareg: servers.olareg,
  })}\n`,
);
