/**
 * `notary certificate` (alias `cert`): the x509 trust store of the config
 * directory (TS-1 … TS-5: `truststore/x509/{ca|signingAuthority|tsa}/<store>/`),
 * and `generate-test`, which makes a self-signed RSA test key and certificate
 * shaped like notation's (subject, one-day validity, extensions), adds the key
 * to signingkeys.json and the certificate to the `ca` store of the same name,
 * as notation does.
 */
import { readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type KeySpec, parseCertificates } from '@x/notary-pki';
import { formatGoTime, formatRfc3339 } from '@x/notary-pki/foundation';
import { isTrustStoreType, isValidTrustStoreName, TRUST_STORE_TYPES, trustStoreNameRule } from '@x/notary-trust-policy';
import { FileTrustStore, trustStoreRootDir } from '@x/notary-trust-policy/node';
import { booleanFlag, type CommandGroup, type CommandSpec, requireFlags, stringFlag } from '../args.js';
import { writeExclusiveFile } from '../config/files.js';
import { addSigningKey, loadSigningKeys, localKeyPaths, saveSigningKeys } from '../config/signing-keys.js';
import { CliError, errorReason, usageError } from '../errors.js';
import { table } from '../output/text.js';
import { generateTestCertificate } from '../test-certificate.js';

const STORE_FLAGS = {
  type: { type: 'string', short: 't', description: 'specify trust store type, options: ca, signingAuthority, tsa' },
  store: { type: 'string', short: 's', description: 'specify named store' },
} as const;

function checkStoreType(type: string | undefined): string {
  if (!type) throw usageError('store type cannot be empty');
  if (!isTrustStoreType(type)) throw usageError(`unsupported store type: ${type}`);
  return type;
}

function checkStoreName(name: string | undefined): string {
  if (!name || !isValidTrustStoreName(name))
    throw usageError(`named store name needs to follow ${trustStoreNameRule(name ?? '')}`);
  return name;
}

const certAddCommand: CommandSpec = {
  name: 'add',
  usage: 'add --type <type> --store <name> [flags] <cert_path>...',
  summary: 'Add certificates to the trust store.',
  flags: STORE_FLAGS,
  async run(context, args) {
    if (args.positionals.length === 0) throw usageError('missing certificate path');
    requireFlags(args, ['type', 'store']);
    const type = checkStoreType(stringFlag(args, 'type'));
    const name = checkStoreName(stringFlag(args, 'store'));
    const store = FileTrustStore.fromConfigDir(context.configDir);
    const added: string[] = [];
    const failed: string[] = [];
    for (const path of args.positionals) {
      try {
        await store.addCertificate(type, name, context.path(path));
        added.push(path);
      } catch (error) {
        failed.push(`${path}, with error "${errorReason(error)}"`);
      }
    }
    if (added.length > 0)
      context.print(
        `Successfully added following certificates to named store ${name} of type ${type}:\n${added.join('\n')}\n`,
      );
    if (failed.length > 0)
      throw new CliError(
        'ERR_FILE',
        `Failed to add following certificates to named store ${name} of type ${type}: ${failed.join('; ')}`,
      );
  },
};

async function listDirectory(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Regular files holding at least one certificate, as notation's ListCerts keeps. */
async function certificateFiles(storeDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of await listDirectory(storeDir)) {
    const path = join(storeDir, name);
    const info = await stat(path);
    if (!info.isFile()) continue;
    try {
      if (parseCertificates(new Uint8Array(await readFile(path))).length > 0) files.push(name);
    } catch (error) {
      throw new CliError('ERR_FILE', `failed to list certificates: ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return files;
}

const certListCommand: CommandSpec = {
  name: 'list',
  aliases: ['ls'],
  usage: 'list [flags]',
  summary: 'List certificates in the trust store.',
  flags: STORE_FLAGS,
  async run(context, args) {
    const type = stringFlag(args, 'type');
    const name = stringFlag(args, 'store');
    // notation lists nothing (and succeeds) for an unknown type.
    if (type && !isTrustStoreType(type)) return;
    const root = trustStoreRootDir(context.configDir);
    const rows: string[][] = [];
    for (const storeType of type ? [type] : TRUST_STORE_TYPES) {
      const stores = name ? [name] : await listDirectory(join(root, storeType));
      for (const store of stores) {
        const dir = join(root, storeType, store);
        if (
          !(await stat(dir).then(
            (s) => s.isDirectory(),
            () => false,
          ))
        )
          continue;
        for (const file of await certificateFiles(dir)) rows.push([storeType, store, file]);
      }
    }
    if (rows.length > 0) context.print(table([['STORE TYPE', 'STORE NAME', 'CERTIFICATE'], ...rows]));
  },
};

const RULE = '-'.repeat(80);

const certShowCommand: CommandSpec = {
  name: 'show',
  usage: 'show --type <type> --store <name> [flags] <cert_fileName>',
  summary: 'Show certificate details given trust store type, named store, and certificate file name.',
  flags: STORE_FLAGS,
  async run(context, args) {
    if (args.positionals.length === 0) throw usageError('missing certificate file name');
    if (args.positionals.length > 1) throw usageError('show only supports single certificate file');
    requireFlags(args, ['type', 'store']);
    const type = checkStoreType(stringFlag(args, 'type'));
    const name = checkStoreName(stringFlag(args, 'store'));
    const file = args.positionals[0]!;
    if (file === '') throw usageError('certificate fileName cannot be empty');
    const path = join(trustStoreRootDir(context.configDir), type, name, file);
    let certificates;
    try {
      certificates = parseCertificates(new Uint8Array(await readFile(path)));
    } catch (error) {
      throw new CliError(
        'ERR_FILE',
        `failed to show details of certificate ${file}, with error: ${errorReason(error)}`,
        { cause: error },
      );
    }
    if (certificates.length === 0)
      throw new CliError(
        'ERR_FILE',
        `failed to show details of certificate ${file}, with error: no valid certificate found in the file`,
      );
    const blocks = certificates.map((c) =>
      [
        `Issuer: ${c.issuer}`,
        `Subject: ${c.subject}`,
        `Valid from: ${formatGoTime(c.notBefore)}`,
        `Valid to: ${formatGoTime(c.notAfter)}`,
        `IsCA: ${c.basicConstraints?.ca === true}`,
        `SHA256 Thumbprint: ${c.sha256Fingerprint}`,
      ].join('\n'),
    );
    context.print(`Certificate details\n${RULE}\n${blocks.join(`\n${RULE}\n`)}\n`);
  },
};

const certDeleteCommand: CommandSpec = {
  name: 'delete',
  usage: 'delete --type <type> --store <name> [flags] (--all | <cert_fileName>)',
  summary: 'Delete certificates from the trust store.',
  flags: {
    ...STORE_FLAGS,
    all: { type: 'boolean', short: 'a', description: 'delete all certificates in the named store' },
    yes: { type: 'boolean', short: 'y', description: 'do not prompt for confirmation' },
  },
  async run(context, args) {
    const all = booleanFlag(args, 'all');
    if (all && args.positionals.length > 0)
      throw usageError(
        'cannot delete a single certificate file when --all flag is set. use --help flag for more details',
      );
    if (!all && args.positionals.length === 0) {
      throw usageError(
        'delete requires either the certificate file name that needs to be deleted or --all flag to delete all certificates in the given named trust store',
      );
    }
    requireFlags(args, ['type', 'store']);
    const name = checkStoreName(stringFlag(args, 'store'));
    const type = checkStoreType(stringFlag(args, 'type'));
    const storeDir = join(trustStoreRootDir(context.configDir), type, name);
    const confirmed = booleanFlag(args, 'yes');
    if (all) {
      if (
        !confirmed &&
        !(await context.confirm(`Are you sure you want to delete all certificates in "${name}" of type "${type}"?`))
      )
        return;
      try {
        await stat(storeDir);
      } catch (error) {
        throw new CliError(
          'ERR_FILE',
          `failed to delete the named trust store: stat ${storeDir}: no such file or directory`,
          { cause: error },
        );
      }
      await rm(storeDir, { recursive: true });
      context.print(`Successfully deleted ${storeDir}\n`);
      return;
    }
    const file = args.positionals[0]!;
    if (file === '') throw usageError('to delete a specific certificate, certificate fileName cannot be empty');
    const path = join(storeDir, file);
    if (
      !confirmed &&
      !(await context.confirm(`Are you sure you want to delete "${file}" in "${name}" of type "${type}"?`))
    )
      return;
    try {
      await rm(path);
    } catch (error) {
      throw new CliError('ERR_FILE', `failed to delete the certificate file: ${errorReason(error)}`, { cause: error });
    }
    // notation removes the store directory once it is empty (an empty store is an error: TS-4).
    if ((await listDirectory(storeDir)).length === 0) {
      await rmdir(storeDir).catch((error: Error) =>
        context.warn(`failed to remove the empty trust store directory ${storeDir}: ${error.message}`),
      );
    }
    context.print(`Successfully deleted ${file} from trust store ${name} of type ${type}\n`);
  },
};

/**
 * How far back a test certificate's validity starts. [impl] notation starts
 * it at "now"; we start it a few minutes earlier because a timestamp's range,
 * genTime ± accuracy, must lie inside the certificate's validity (TSA-4) and
 * the TSA's clock may run a little behind ours.
 */
const TEST_CERTIFICATE_BACKDATE_MS = 5 * 60_000;
/** notation's test certificate is valid for one day from its creation. */
const TEST_CERTIFICATE_LIFETIME_MS = 24 * 60 * 60_000;

const RSA_KEY_SPECS: Readonly<Record<string, KeySpec>> = { '2048': 'RSA-2048', '3072': 'RSA-3072', '4096': 'RSA-4096' };

function pem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

const certGenerateTestCommand: CommandSpec = {
  name: 'generate-test',
  usage: 'generate-test [flags] <common_name>',
  summary: 'Generate a test RSA key and a corresponding self-signed certificate.',
  flags: {
    bits: {
      type: 'int',
      short: 'b',
      default: '2048',
      description: 'RSA key bits: 2048, 3072 or 4096, the Notary key sizes',
    },
    default: { type: 'boolean', description: 'mark as default signing key' },
  },
  async run(context, args) {
    const name = args.positionals[0];
    if (name === undefined) throw usageError('missing certificate common_name');
    if (!isValidTrustStoreName(name)) throw usageError('name needs to follow [a-zA-Z0-9_.-]+ format');
    const bits = stringFlag(args, 'bits') ?? '2048';
    const keySpec = RSA_KEY_SPECS[bits];
    if (keySpec === undefined) throw usageError(`RSA key bits must be one of 2048, 3072 or 4096, got ${bits}`);
    // Refuse an existing name before making anything, so a failure leaves no half-made key.
    const keys = await loadSigningKeys(context.configDir);
    if (keys.keys.some((k) => k.name === name))
      throw new CliError('ERR_KEY', `signing key with name "${name}" already exists`);
    context.print(`generating RSA Key with ${bits} bits\n`);
    // notation's test certificate (issue 13 finding 3): C, ST, L, O, CN one RDN each, valid for a
    // day, a critical keyUsage digitalSignature and the codeSigning EKU, and no basicConstraints.
    const now = Date.now();
    const generated = await generateTestCertificate({
      name,
      keySpec,
      extractable: true,
      notBefore: new Date(now - TEST_CERTIFICATE_BACKDATE_MS),
      notAfter: new Date(now + TEST_CERTIFICATE_LIFETIME_MS),
      basicConstraints: false,
    });
    context.print(`generated certificate expiring on ${formatRfc3339(generated.certificate.notAfter)}\n`);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', generated.privateKey));
    const { keyPath, certPath } = localKeyPaths(context.configDir, name);
    try {
      await writeExclusiveFile(keyPath, pem('PRIVATE KEY', pkcs8), 0o600);
    } catch (error) {
      throw new CliError('ERR_FILE', `failed to write key file: ${errorReason(error)}`, { cause: error });
    }
    context.print(`wrote key: ${keyPath}\n`);
    try {
      await writeExclusiveFile(certPath, pem('CERTIFICATE', generated.certificate.der), 0o644);
    } catch (error) {
      throw new CliError('ERR_FILE', `failed to write certificate file: ${errorReason(error)}`, { cause: error });
    }
    context.print(`wrote certificate: ${certPath}\n`);
    addSigningKey(keys, { name, keyPath: resolve(keyPath), certPath: resolve(certPath) }, booleanFlag(args, 'default'));
    await saveSigningKeys(context.configDir, keys);
    await FileTrustStore.fromConfigDir(context.configDir).addCertificate('ca', name, certPath);
    context.print(`Successfully added ${name}.crt to named store ${name} of type ca\n`);
    context.print(`${name}: added to the key list\n`);
    if (booleanFlag(args, 'default')) context.print(`${name}: marked as default signing key\n`);
  },
};

export const certGroup: CommandGroup = {
  name: 'certificate',
  aliases: ['cert'],
  summary: 'Manage certificates in trust store',
  commands: [certAddCommand, certListCommand, certShowCommand, certDeleteCommand, certGenerateTestCommand],
};
