/**
 * Fresh certificate chains made with the openssl CLI at bench start, for the
 * cold case: one root per key spec (the trust anchor, as in real life), and
 * per round a new intermediate and a new leaf, each with its own new key
 * and a random serial. A chain of round k shares no certificate bytes and
 * no key with any other round, so no cache of the SDK (by object identity,
 * by DER hash or by SPKI bytes) can have seen it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pemBlocks, pemToDer } from './vectors.mjs';

const run = promisify(execFile);
const OPENSSL = process.env.OPENSSL || 'openssl';

const CONFIG = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ root_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ inter_ext ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

export const LEAF_SUBJECT_DN = 'C=US, ST=WA, O=Notary Bench, CN=bench-leaf';
const LEAF_SUBJECT = '/C=US/ST=WA/O=Notary Bench/CN=bench-leaf';

/** Runs `tasks` (functions returning promises) with at most `limit` at a time. */
export async function pool(tasks, limit = Math.max(2, os.cpus().length)) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function keyArgs(spec) {
  return spec.rsa
    ? ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec.bits}`]
    : ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${spec.curve}`, '-pkeyopt', 'ec_param_enc:named_curve'];
}

const serial = () => `0x4${randomBytes(15).toString('hex')}`;

/**
 * Makes `count` chains of `spec` in `dir`: returns the root and, per chain,
 * its PEM (leaf, intermediate, root), DERs and the leaf key PEM.
 */
export async function makeChains(spec, count, dir, { freshKeys = true } = {}) {
  await mkdir(dir, { recursive: true });
  const cnf = join(dir, 'openssl.cnf');
  await writeFile(cnf, CONFIG);
  const key = (path) => () => run(OPENSSL, ['genpkey', ...keyArgs(spec), '-out', path]);
  const rootKey = join(dir, 'root.key');
  const rootPem = join(dir, 'root.pem');
  const keyTasks = [key(rootKey)];
  // freshKeys false (--quick): one intermediate and one leaf key for every chain; certificates stay new.
  const keyName = (kind, i) => join(dir, `${kind}-${freshKeys ? i : 0}.key`);
  for (let i = 0; i < (freshKeys ? count : 1); i++) keyTasks.push(key(keyName('int', i)), key(keyName('leaf', i)));
  await pool(keyTasks);
  const cert = (args) =>
    run(OPENSSL, [
      'req',
      '-new',
      '-x509',
      '-days',
      '3650',
      '-sha256',
      '-config',
      cnf,
      '-set_serial',
      serial(),
      ...args,
    ]);
  await cert([
    '-key',
    rootKey,
    '-subj',
    `/C=US/O=Notary Bench/CN=bench-root-${spec.id}`,
    '-extensions',
    'root_ext',
    '-out',
    rootPem,
  ]);
  await pool(
    Array.from({ length: count }, (_, i) => async () => {
      const intKey = keyName('int', i);
      const intPem = join(dir, `int-${i}.pem`);
      await cert([
        '-key',
        intKey,
        '-CA',
        rootPem,
        '-CAkey',
        rootKey,
        '-subj',
        `/C=US/O=Notary Bench/CN=bench-intermediate-${spec.id}-${i}`,
        '-extensions',
        'inter_ext',
        '-out',
        intPem,
      ]);
      await cert([
        '-key',
        keyName('leaf', i),
        '-CA',
        intPem,
        '-CAkey',
        intKey,
        '-subj',
        LEAF_SUBJECT,
        '-extensions',
        'leaf_ext',
        '-out',
        join(dir, `leaf-${i}.pem`),
      ]);
    }),
  );
  const root = await readFile(rootPem, 'utf8');
  const chains = [];
  for (let i = 0; i < count; i++) {
    const chainPem =
      (await readFile(join(dir, `leaf-${i}.pem`), 'utf8')) + (await readFile(join(dir, `int-${i}.pem`), 'utf8')) + root;
    chains.push({
      chainPem,
      ders: pemBlocks(chainPem).map(pemToDer),
      leafKeyPem: await readFile(keyName('leaf', i), 'utf8'),
    });
  }
  return { rootPem: root, chains };
}
