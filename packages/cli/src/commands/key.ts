/**
 * `notary key add|list|update|delete`: the signing keys of signingkeys.json
 * (AMB-6, PLG-12). Beyond notation, `key add` also takes an existing local
 * key and certificate chain (`--key-file`, `--cert-file`); notation's own
 * form, `--plugin` with `--id` (and `--plugin-config`), records a key held
 * by an installed plugin (PLG-12), which `sign` and `blob sign` then use.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signerFromPrivateKey } from '@x/notary-envelope';
import { parseCertificates } from '@x/notary-pki';
import {
  booleanFlag,
  type CommandGroup,
  type CommandSpec,
  listFlag,
  parseKeyValuePairs,
  requireExclusive,
  requireTogether,
  stringFlag,
} from '../args.js';
import { addSigningKey, loadSigningKeys, type SigningKeyEntry, saveSigningKeys } from '../config/signing-keys.js';
import { CliError, usageError } from '../errors.js';
import { table } from '../output/text.js';

/**
 * Checks a local key pair as notation's tls.LoadX509KeyPair does: the chain
 * parses, the private key parses and is the leaf certificate's key; and that
 * the key is one of the Notary key specs (ALG-2), by building a signer.
 */
async function checkKeyPair(keyPath: string, certPath: string): Promise<void> {
  const [keyBytes, certBytes] = await Promise.all([readFile(keyPath), readFile(certPath)]);
  const chain = parseCertificates(new Uint8Array(certBytes));
  if (chain.length === 0) throw new CliError('ERR_KEY', `no certificate found in ${certPath}`);
  let publicFromKey: Buffer;
  try {
    const privateKey = keyBytes.includes('-----BEGIN')
      ? createPrivateKey(keyBytes)
      : createPrivateKey({ key: keyBytes, format: 'der', type: 'pkcs8' });
    publicFromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  } catch (error) {
    throw new CliError('ERR_KEY', `failed to read the private key ${keyPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const publicFromCert = new X509Certificate(Buffer.from(chain[0]!.der)).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  if (!publicFromKey.equals(publicFromCert))
    throw new CliError('ERR_KEY', 'tls: private key does not match public key');
  await signerFromPrivateKey(
    keyBytes.includes('-----BEGIN') ? keyBytes.toString('utf8') : new Uint8Array(keyBytes),
    chain,
  );
}

const keyAddCommand: CommandSpec = {
  name: 'add',
  usage: 'add (--key-file <key> --cert-file <cert> | --plugin <plugin_name> --id <key_id>) [flags] <key_name>',
  summary: 'Add key to signing key list',
  flags: {
    'key-file': { type: 'string', description: 'private key file (PEM or PKCS#8 DER) of a local key' },
    'cert-file': { type: 'string', description: 'certificate chain file (PEM or DER, leaf first) of a local key' },
    plugin: { type: 'string', description: 'signing plugin name' },
    id: { type: 'string', description: 'key id (required if --plugin is set)' },
    'plugin-config': {
      type: 'string',
      multiple: true,
      description: '{key}={value} pairs that are passed as it is to a plugin',
    },
    default: { type: 'boolean', description: 'mark as default' },
  },
  async run(context, args) {
    if (args.positionals.length !== 1) throw usageError('either missing key name or unnecessary parameters passed');
    const name = args.positionals[0]!;
    requireTogether(args, ['key-file', 'cert-file']);
    requireExclusive(args, ['key-file', 'plugin']);
    const keys = await loadSigningKeys(context.configDir);
    let entry: SigningKeyEntry;
    const keyFile = stringFlag(args, 'key-file');
    const certFile = stringFlag(args, 'cert-file');
    if (keyFile !== undefined && certFile !== undefined) {
      const keyPath = context.path(keyFile);
      const certPath = context.path(certFile);
      await checkKeyPair(keyPath, certPath);
      entry = { name, keyPath, certPath };
    } else {
      const plugin = stringFlag(args, 'plugin');
      if (plugin === undefined)
        throw usageError('required flag(s) "plugin" not set (or use --key-file and --cert-file for a local key)');
      const id = stringFlag(args, 'id');
      if (!id) throw new CliError('ERR_KEY', 'missing key id');
      if (plugin === '') throw new CliError('ERR_KEY', 'plugin name cannot be empty');
      const pluginConfig = parseKeyValuePairs(listFlag(args, 'plugin-config'), '--plugin-config');
      // notation-go checks that the plugin is installed (PLG-1).
      const executable = join(context.configDir, 'plugins', plugin, `notation-${plugin}`);
      try {
        await access(executable);
      } catch (error) {
        throw new CliError('ERR_KEY', `plugin executable file is either not found or inaccessible: ${executable}`, {
          cause: error,
        });
      }
      entry = { name, id, pluginName: plugin, ...(Object.keys(pluginConfig).length > 0 ? { pluginConfig } : {}) };
    }
    addSigningKey(keys, entry, booleanFlag(args, 'default'));
    await saveSigningKeys(context.configDir, keys);
    context.print(booleanFlag(args, 'default') ? `${name}: marked as default\n` : `${name}\n`);
  },
};

const keyListCommand: CommandSpec = {
  name: 'list',
  aliases: ['ls'],
  usage: 'list [flags]',
  summary: 'List keys used for signing',
  flags: {},
  async run(context) {
    const keys = await loadSigningKeys(context.configDir);
    const rows = keys.keys.map((k) => [
      k.name === keys.default ? `* ${k.name}` : k.name,
      k.keyPath ?? '',
      k.certPath ?? '',
      k.id ?? '',
      k.pluginName ?? '',
    ]);
    context.print(table([['NAME', 'KEY PATH', 'CERTIFICATE PATH', 'ID', 'PLUGIN NAME'], ...rows]));
  },
};

const keyUpdateCommand: CommandSpec = {
  name: 'update',
  aliases: ['set'],
  usage: 'update [flags] <key_name>',
  summary: 'Update key in signing key list',
  flags: { default: { type: 'boolean', description: 'mark as default' } },
  async run(context, args) {
    const name = args.positionals[0];
    if (name === undefined) throw usageError('missing key name');
    if (!booleanFlag(args, 'default')) {
      context.warn('--default flag is not set, command did not take effect');
      return;
    }
    const keys = await loadSigningKeys(context.configDir);
    if (name === '') throw new CliError('ERR_KEY', 'key name cannot be empty');
    if (!keys.keys.some((k) => k.name === name)) throw new CliError('ERR_KEY', `signing key ${name} not found`);
    keys.default = name;
    await saveSigningKeys(context.configDir, keys);
    context.print(`${name}: marked as default\n`);
  },
};

const keyDeleteCommand: CommandSpec = {
  name: 'delete',
  usage: 'delete [flags] <key_name>...',
  summary: 'Remove key from signing key list',
  flags: {},
  async run(context, args) {
    if (args.positionals.length === 0) throw usageError('missing key names');
    const keys = await loadSigningKeys(context.configDir);
    const previousDefault = keys.default;
    // notation-go's Remove: all or nothing, stopping at the first unknown name.
    for (const name of args.positionals) {
      if (name === '') throw new CliError('ERR_KEY', 'key name cannot be empty');
      const index = keys.keys.findIndex((k) => k.name === name);
      if (index < 0) throw new CliError('ERR_KEY', `signing key ${name} not found`);
      keys.keys.splice(index, 1);
      if (keys.default === name) delete keys.default;
    }
    await saveSigningKeys(context.configDir, keys);
    const names = args.positionals;
    if (names.length === 1) {
      const name = names[0]!;
      context.print(
        `Removed ${name === previousDefault ? 'default key ' : ''}${name} from signing key list. The source key still exists.\n`,
      );
    } else {
      context.print('Removed the following keys from signing key list. The source keys still exist.\n');
      for (const name of names) context.print(`${name}${name === previousDefault ? ' (default)' : ''}\n`);
    }
  },
};

export const keyGroup: CommandGroup = {
  name: 'key',
  summary: 'Manage keys used for signing',
  commands: [keyAddCommand, keyUpdateCommand, keyListCommand, keyDeleteCommand],
};
