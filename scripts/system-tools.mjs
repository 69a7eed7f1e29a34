/**
 * The Debian packages the tests start as real components (DEVELOPERS.md: no
 * mocks), and the preflight `pnpm test` runs before anything else (issue 15
 * item 9): on a fresh machine the README's test command itself brings them.
 * As root it installs what is missing with apt-get; otherwise it stops at
 * once and prints the exact `apt-get install` line, instead of letting
 * suites fail later with `setpriv: failed to execute /usr/bin/docker-registry`.
 */
import { spawnSync } from 'node:child_process';

/** Command → Debian package, with what the tests use it for. */
export const SYSTEM_TOOLS = [
  { command: 'openssl', pkg: 'openssl', why: 'test PKI, the `openssl ts` TSA and the `openssl ocsp` responder' },
  { command: 'docker-registry', pkg: 'docker-registry', why: 'the OCI registry (CNCF distribution)' },
  { command: 'htpasswd', pkg: 'apache2-utils', why: "the registry's Basic auth" },
  { command: 'skopeo', pkg: 'skopeo', why: 'an independent OCI client for the layout and registry interop' },
  { command: 'chromium', pkg: 'chromium', why: 'the runtime suites in headless Chromium' },
  { command: 'go', pkg: 'golang-go', why: "the fuzz oracle (Go's crypto/x509) and Go-quoting comparisons" },
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** The packages whose command is not on PATH. */
export function missingSystemTools() {
  return SYSTEM_TOOLS.filter((tool) => !onPath(tool.command));
}

/**
 * Makes sure every tool is there: returns normally when it is (installing as
 * root), exits the process with the apt-get line to run otherwise.
 */
export function ensureSystemTools() {
  const missing = missingSystemTools();
  if (missing.length === 0) return;
  const packages = missing.map((tool) => tool.pkg);
  const list = missing.map((tool) => `  ${tool.pkg} (${tool.command}: ${tool.why})`).join('\n');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = onPath('apt-get');
  if (isRoot && hasApt) {
    console.log(`> installing the Debian packages the tests need:\n${list}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install =
      update.status === 0
        ? spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env })
        : update;
    if (install.status === 0 && missingSystemTools().length === 0) return;
    console.error(`\napt-get could not install ${packages.join(' ')}; the tests need them (see above).`);
    process.exit(1);
  }
  console.error(`The tests start real components, and these Debian packages are missing:\n${list}\n`);
  console.error(
    hasApt
      ? `Install them, then run the test command again:\n\n  sudo apt-get install -y ${packages.join(' ')}\n`
      : `Install them with your system's package manager (Debian/Ubuntu: apt-get install -y ${packages.join(' ')}).\n`,
  );
  process.exit(1);
}
