/**
 * Lists the Notary signatures of an OCI artifact and verifies each one in
 * the page (WebCrypto only): integrity, authenticity, authentic timestamp,
 * expiry and revocation, under a trust policy whose one trust store
 * (`ca:root`) holds the pasted root certificate.
 *
 * Credentials typed in the form stay in memory for the request and are
 * never logged, stored or shown in an error.
 */
import { VerificationError, type VerificationResult, verifySignatureEnvelope } from '@x/notary-core';
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  type Descriptor,
  MAX_ENVELOPE_BYTES,
  parseSignatureManifest,
  RemoteRepository,
  staticCredentials,
} from '@x/notary-oci';
import {
  MemoryTrustStore,
  parseOciTrustPolicy,
  selectOciStatement,
  type TrustPolicyStatement,
} from '@x/notary-trust-policy';

const CHECKS = ['integrity', 'authenticity', 'authenticTimestamp', 'expiry', 'revocation'] as const;
/** Form fields kept across reloads (never the credentials). */
const REMEMBERED = [
  'registry',
  'reference',
  'referrers',
  'level',
  'identity',
  'usePolicyJson',
  'policyJson',
  'rootPem',
] as const;
const STORAGE_KEY = 'notary-browser-verify';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('form');
const status = $<HTMLElement>('status');
const results = $<HTMLElement>('results');

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const { dataset, ...rest } = props;
  Object.assign(node, rest);
  for (const [k, v] of Object.entries(dataset ?? {})) node.dataset[k] = v;
  node.append(...children);
  return node;
}

function field(name: string): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  return $(name);
}

function remember(): void {
  const values: Record<string, string | boolean> = {};
  for (const name of REMEMBERED) {
    const f = field(name);
    values[name] = f instanceof HTMLInputElement && f.type === 'checkbox' ? f.checked : f.value;
  }
  localStorage.setItem(STORAGE_KEY, JSON.stringify(values));
}

function restore(): void {
  const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, string | boolean>;
  for (const name of REMEMBERED) {
    const f = field(name);
    const value = saved[name];
    if (value === undefined) continue;
    if (f instanceof HTMLInputElement && f.type === 'checkbox') f.checked = value === true;
    else f.value = String(value);
  }
  $<HTMLTextAreaElement>('policyJson').hidden = !$<HTMLInputElement>('usePolicyJson').checked;
}

/** `repository@sha256:…`, `repository:tag`, or a full `host/repository…` whose host must match the registry URL. */
function splitReference(host: string, reference: string): { repository: string; ref: string } {
  let rest = reference.trim();
  if (rest.startsWith(`${host}/`)) rest = rest.slice(host.length + 1);
  const at = rest.indexOf('@');
  if (at > 0) return { repository: rest.slice(0, at), ref: rest.slice(at + 1) };
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) return { repository: rest.slice(0, colon), ref: rest.slice(colon + 1) };
  throw new Error('the artifact reference needs a digest (repository@sha256:…) or a tag (repository:tag)');
}

/** A message for people: what failed and what to check, without credentials or stack traces. */
function readable(error: unknown, registryUrl: string): string {
  const e = error as Error & { code?: string; status?: number };
  const message = (e?.message ?? String(error)).replace(/(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***');
  if (/network error|Failed to fetch|NetworkError/i.test(message)) {
    return `Could not read from the registry at ${registryUrl}: a network error, or the registry does not allow this page (it must send CORS headers: Access-Control-Allow-Origin). Details: ${message}`;
  }
  if (e?.code === 'ERR_OCI_UNAUTHORIZED' || /\b401\b|unauthorized/i.test(message))
    return `The registry refused access (401): check the credentials. Details: ${message}`;
  if (/not found|\b404\b|MANIFEST_UNKNOWN/i.test(message))
    return `Not found in the registry: check the repository and the reference. Details: ${message}`;
  if (e?.code?.startsWith('ERR_CERT') || /certificate|PEM/i.test(message))
    return `The root certificate could not be used: ${message}`;
  if (e?.code === 'ERR_POLICY_INVALID' || e?.code === 'ERR_POLICY_NOT_APPLICABLE' || e?.code === 'ERR_IDENTITY_INVALID')
    return `The trust policy is not usable: ${message}`;
  return e?.code ? `${e.code}: ${message}` : message;
}

function statementFor(artifactReference: string): TrustPolicyStatement {
  if ($<HTMLInputElement>('usePolicyJson').checked) {
    const document = parseOciTrustPolicy($<HTMLTextAreaElement>('policyJson').value);
    return selectOciStatement(document, artifactReference);
  }
  const identity = $<HTMLInputElement>('identity').value.trim() || '*';
  // Validated like a policy file: the same rules apply to the simple form.
  const document = parseOciTrustPolicy({
    version: '1.0',
    trustPolicies: [
      {
        name: 'browser',
        registryScopes: ['*'],
        signatureVerification: { level: field('level').value },
        trustStores: ['ca:root'],
        trustedIdentities: [identity],
      },
    ],
  });
  return document.trustPolicies[0]!;
}

interface SignatureRow {
  manifest: Descriptor;
  envelopeMediaType?: string;
  result?: VerificationResult;
  error?: string;
}

function renderSignature(row: SignatureRow, index: number): HTMLElement {
  const r = row.result;
  const verdict = r ? (r.verified ? 'verified' : 'not verified') : 'not verified';
  const box = el('article', {
    className: 'signature',
    dataset: { signature: String(index), verified: String(r?.verified === true) },
  });
  box.append(
    el(
      'h2',
      {},
      `Signature ${index + 1}: `,
      el('span', { className: r?.verified ? 'verdict-ok' : 'verdict-bad', dataset: { role: 'verdict' } }, verdict),
    ),
  );
  const leaf = r?.certificateChain?.[0];
  box.append(
    el(
      'dl',
      {},
      el('dt', {}, 'manifest'),
      el('dd', {}, row.manifest.digest),
      el('dt', {}, 'envelope'),
      el('dd', {}, row.envelopeMediaType ?? '—'),
      el('dt', {}, 'signer'),
      el('dd', { dataset: { role: 'signer' } }, leaf?.subject ?? '—'),
      el('dt', {}, 'signing time'),
      el('dd', { dataset: { role: 'signing-time' } }, r?.signingTime ? r.signingTime.toISOString() : '—'),
      el('dt', {}, 'timestamp'),
      el(
        'dd',
        {},
        r?.timestamp
          ? `${r.timestamp.range.genTime.toISOString()} (TSA ${r.timestamp.tsaChain[0]?.subject ?? '?'})`
          : 'none',
      ),
    ),
  );
  if (row.error) box.append(el('p', { className: 'error' }, row.error));
  if (r) {
    const body = el('tbody');
    for (const type of CHECKS) {
      const check = r.checks[type];
      body.append(
        el(
          'tr',
          { dataset: { check: type } },
          el('th', {}, type),
          el('td', { className: check.outcome, dataset: { role: 'outcome' } }, check.outcome),
          el('td', {}, check.action),
          el('td', {}, check.error ? check.error.message : ''),
        ),
      );
    }
    box.append(
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el('tr', {}, el('th', {}, 'check'), el('th', {}, 'outcome'), el('th', {}, 'action'), el('th', {}, 'reason')),
        ),
        body,
      ),
    );
  }
  return box;
}

async function listSignatures(repository: RemoteRepository, target: Descriptor): Promise<Descriptor[]> {
  return repository.referrers(target, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
}

async function run(): Promise<void> {
  results.replaceChildren();
  status.replaceChildren(el('p', {}, 'Working…'));
  form.dataset['state'] = 'running';
  const registryUrl = field('registry').value.trim();
  try {
    const url = new URL(registryUrl);
    const host = url.host;
    const { repository: repositoryName, ref } = splitReference(host, field('reference').value);
    const username = $<HTMLInputElement>('username').value;
    const password = $<HTMLInputElement>('password').value;
    const mode = field('referrers').value;
    const make = (capability?: boolean) =>
      new RemoteRepository({
        registry: host,
        repository: repositoryName,
        plainHttp: url.protocol === 'http:',
        ...(capability === undefined ? {} : { referrersCapability: capability }),
        ...(username || password ? { credentials: staticCredentials({ [host]: { username, password } }) } : {}),
      });
    let repository = make(mode === 'api' ? true : mode === 'tags' ? false : undefined);
    const target = await repository.resolve(ref);
    const notes: string[] = [];
    let signatures: Descriptor[];
    try {
      signatures = await listSignatures(repository, target);
    } catch (error) {
      if (mode !== 'auto') throw error;
      // A registry without the Referrers API may answer its probe with a 404 that lacks CORS
      // headers (distribution 2.8): the page then sees a network error. Try the tag schema.
      repository = make(false);
      signatures = await listSignatures(repository, target);
      notes.push(
        'The Referrers API answer was not readable here (no such API, or no CORS headers on it); the signatures were found through the tag schema.',
      );
    }
    const artifactReference = `${host}/${repositoryName}@${target.digest}`;
    const statement = statementFor(artifactReference);
    const trustStore = new MemoryTrustStore({ 'ca:root': $<HTMLTextAreaElement>('rootPem').value });
    status.replaceChildren(
      el(
        'p',
        {},
        `${artifactReference}: ${signatures.length} signature${signatures.length === 1 ? '' : 's'} (statement "${statement.name}", level ${statement.signatureVerification.level}).`,
      ),
      ...notes.map((n) => el('p', { className: 'note' }, n)),
    );
    if (signatures.length === 0)
      status.append(el('p', { className: 'error' }, 'No Notary signature is associated with this artifact.'));
    const rows: SignatureRow[] = [];
    for (const manifest of signatures) {
      const row: SignatureRow = { manifest };
      rows.push(row);
      try {
        const fetched = await repository.fetchManifest(manifest);
        const parsed = parseSignatureManifest(fetched.bytes, fetched.descriptor.mediaType);
        row.envelopeMediaType = parsed.envelopeMediaType;
        const envelope = await repository.fetchBlob(parsed.envelopeDescriptor, { maxBytes: MAX_ENVELOPE_BYTES });
        row.result = await verifySignatureEnvelope(envelope, parsed.envelopeMediaType, {
          statement,
          trustStore,
          target,
        });
      } catch (error) {
        if (error instanceof VerificationError) {
          row.result = error.result;
          row.error = `Verification failed at ${error.check}: ${error.message}`;
        } else {
          row.error = readable(error, registryUrl);
        }
      }
      results.append(renderSignature(row, rows.length - 1));
    }
    form.dataset['state'] = 'done';
  } catch (error) {
    status.replaceChildren(el('p', { className: 'error', dataset: { role: 'error' } }, readable(error, registryUrl)));
    form.dataset['state'] = 'error';
  }
}

restore();
$<HTMLInputElement>('usePolicyJson').addEventListener('change', (event) => {
  $<HTMLTextAreaElement>('policyJson').hidden = !(event.target as HTMLInputElement).checked;
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  remember();
  void run();
});
document.body.dataset['ready'] = 'true';
