/**
 * The browser app end to end, in headless Chromium (Debian's chromium,
 * playwright-core):
 *
 * 1. starts the loopback docker-registry with CORS headers (the OCI tests' fixture);
 * 2. pushes an image and signs it with the `notary` CLI (a generate-test key);
 * 3. opens the page (built by Vite, served from http://127.0.0.1) and enters
 *    the registry, the reference, the trust policy and the root PEM;
 * 4. checks that every check passed;
 * 5. replaces the signature by one whose envelope was altered (a new envelope
 *    blob and signature manifest, the old manifest deleted), reloads, and
 *    checks that integrity failed;
 * 6. saves screenshots under test-output/ (and docs/images/browser-verify.png
 *    when it is missing or NOTARY_UPDATE_DOCS_SCREENSHOT=1).
 *
 * Also: a password typed in the form never reaches the console or the page.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  buildSignatureManifest,
  type Descriptor,
  MEDIA_TYPE_OCI_MANIFEST,
  parseSignatureManifest,
  RemoteRepository,
} from '@x/notary-oci';
import { decodeBase64Url, encodeBase64Url } from '@x/notary-pki/foundation';
import { type Chromium, launchChromium } from '@x/notary-test-servers/chromium';
import { type Registry, startRegistry } from '@x/notary-test-servers/oci/registry';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(exampleDir, '../..');
const outputDir = join(exampleDir, 'test-output');
const CLI = join(repoRoot, 'packages/cli/dist/main.js');
const SIGNER = 'browser-verify.example';
const SECRET = 'S3cret-never-logged-4711';
const encoder = new TextEncoder();

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function serveStatic(root: string): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.svg': 'image/svg+xml',
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = resolve(root, '.' + (path === '/' ? '/index.html' : path));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    stat(file).then(
      (s) => {
        if (!s.isFile()) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function pushImage(repository: RemoteRepository): Promise<Descriptor> {
  const config = await repository.pushBlob(encoder.encode('{}'), 'application/vnd.oci.image.config.v1+json');
  const layer = await repository.pushBlob(
    encoder.encode(`browser verify ${Date.now()}`),
    'application/vnd.oci.image.layer.v1.tar',
  );
  const manifest = encoder.encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_OCI_MANIFEST,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
    }),
  );
  return repository.pushManifest(manifest, MEDIA_TYPE_OCI_MANIFEST, { tag: 'v1' });
}

/** Replaces the artifact's one signature by the same envelope with one signature bit flipped. */
async function tamper(repository: RemoteRepository, target: Descriptor): Promise<void> {
  const [original] = await repository.referrers(target, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
  const fetched = await repository.fetchManifest(original!);
  const parsed = parseSignatureManifest(fetched.bytes, fetched.descriptor.mediaType);
  const envelope = JSON.parse(new TextDecoder().decode(await repository.fetchBlob(parsed.envelopeDescriptor))) as {
    signature: string;
    header: { x5c: string[] };
  };
  const signature = decodeBase64Url(envelope.signature);
  signature[signature.length - 1]! ^= 1;
  envelope.signature = encodeBase64Url(signature);
  const built = buildSignatureManifest({
    envelope: encoder.encode(JSON.stringify(envelope)),
    envelopeMediaType: parsed.envelopeMediaType,
    subject: { mediaType: target.mediaType, digest: target.digest, size: target.size },
    certificateChainDer: envelope.header.x5c.map((c) => Uint8Array.from(Buffer.from(c, 'base64'))),
    signingTime: new Date(),
  });
  for (const blob of built.blobs) await repository.pushBlob(blob.bytes, blob.descriptor.mediaType);
  await repository.pushManifest(built.manifest, built.descriptor.mediaType);
  await repository.deleteManifest(original!);
}

async function verifyInPage(page: Page): Promise<void> {
  await page.click('#verify');
  await page.waitForFunction(
    () => ['done', 'error'].includes(document.getElementById('form')?.dataset['state'] ?? ''),
    undefined,
    { timeout: 60_000 },
  );
}

async function outcomes(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-signature="0"] tr[data-check]', (rows) =>
    Object.fromEntries(
      rows.map((r) => [
        (r as HTMLElement).dataset['check']!,
        r.querySelector('[data-role="outcome"]')?.textContent ?? '',
      ]),
    ),
  );
}

describe('examples/browser-verify in headless Chromium', () => {
  let registry: Registry;
  let site: { url: string; server: Server };
  let home: string;
  let context: BrowserContext;
  let browser: Chromium | undefined;
  let page: Page;
  const consoleLines: string[] = [];
  let target: Descriptor;
  let rootPem: string;
  let subject: string;
  const repositoryName = 'browser-verify/app';

  beforeAll(async () => {
    await mkdir(outputDir, { recursive: true });
    registry = await startRegistry({ auth: 'none' });
    const siteDir = join(outputDir, 'site');
    await build({ root: exampleDir, logLevel: 'warn', build: { outDir: siteDir, emptyOutDir: true } });
    site = await serveStatic(siteDir);

    const repository = new RemoteRepository({ registry: registry.host, repository: repositoryName });
    target = await pushImage(repository);

    home = await mkdtemp(join(tmpdir(), 'browser-verify-home-'));
    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
    };
    const generated = await run(['cert', 'generate-test', '--default', SIGNER], env);
    expect(generated.code, generated.stderr).toBe(0);
    const signed = await run(
      ['sign', '--insecure-registry', `${registry.host}/${repositoryName}@${target.digest}`],
      env,
    );
    expect(signed.code, signed.stderr).toBe(0);
    rootPem = await readFile(join(home, '.config/notation/localkeys', `${SIGNER}.crt`), 'utf8');
    subject = `C=US, ST=WA, L=Seattle, O=Notary, CN=${SIGNER}`;

    browser = await launchChromium({ viewport: { width: 1100, height: 1000 } });
    context = browser.context;
    page = await context.newPage();
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => consoleLines.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    site?.server.close();
    await registry?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('shows every check passed for the CLI-signed artifact, with the signer and the signing time', async () => {
    await page.goto(`${site.url}/`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
    await page.fill('#registry', registry.url);
    await page.fill('#reference', `${repositoryName}@${target.digest}`);
    await page.selectOption('#referrers', 'auto');
    await page.selectOption('#level', 'strict');
    await page.fill('#identity', `x509.subject:${subject}`);
    await page.fill('#rootPem', rootPem);
    await page.click('summary');
    await page.fill('#username', 'someone');
    await page.fill('#password', SECRET);
    await verifyInPage(page);
    const error = await page.locator('[data-role="error"]').allTextContents();
    expect(error).toEqual([]);
    expect(await outcomes(page)).toEqual({
      integrity: 'passed',
      authenticity: 'passed',
      authenticTimestamp: 'passed',
      expiry: 'passed',
      revocation: 'passed',
    });
    expect(await page.textContent('[data-signature="0"] [data-role="verdict"]')).toBe('verified');
    expect(await page.textContent('[data-signature="0"] [data-role="signer"]')).toContain(`CN=${SIGNER}`);
    const signingTime = await page.textContent('[data-signature="0"] [data-role="signing-time"]');
    expect(Math.abs(Date.parse(signingTime ?? '') - Date.now())).toBeLessThan(10 * 60_000);
    // distribution 2.8 has no Referrers API and its 404 carries no CORS headers: the page fell back to the tag schema.
    expect(await page.textContent('#status')).toContain('tag schema');
    await page.screenshot({ path: join(outputDir, 'browser-verify-passed.png'), fullPage: true });
    const docsImage = join(repoRoot, 'docs/images/browser-verify.png');
    const missing = await stat(docsImage).then(
      () => false,
      () => true,
    );
    if (missing || process.env['NOTARY_UPDATE_DOCS_SCREENSHOT'] === '1') {
      await mkdir(dirname(docsImage), { recursive: true });
      await copyFile(join(outputDir, 'browser-verify-passed.png'), docsImage);
    }
  });

  it('after the signature blob is tampered with in the registry, a reload shows integrity failed', async () => {
    await tamper(
      new RemoteRepository({ registry: registry.host, repository: repositoryName, referrersCapability: false }),
      target,
    );
    await page.reload();
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
    expect(await page.inputValue('#reference')).toBe(`${repositoryName}@${target.digest}`); // kept across the reload
    expect(await page.inputValue('#password')).toBe(''); // credentials are not
    await verifyInPage(page);
    const checks = await outcomes(page);
    expect(checks['integrity']).toBe('failed-enforced');
    expect(await page.textContent('[data-signature="0"] [data-role="verdict"]')).toBe('not verified');
    expect(await page.locator('[data-signature]').count()).toBe(1);
    await page.screenshot({ path: join(outputDir, 'browser-verify-tampered.png'), fullPage: true });
  });

  it('never logs or shows the password typed in the form', async () => {
    expect(consoleLines.filter((l) => l.includes(SECRET))).toEqual([]);
    expect(await page.content()).not.toContain(SECRET);
  });
});
