/**
 * `{NOTATION_CONFIG}/signingkeys.json` (AMB-6: this file, not the spec's
 * `config.json`; PLG-12: `pluginName`, `id`, `pluginConfig`): the named
 * signing keys, local (`keyPath`, `certPath`) or plugin-held, and the
 * default. Validation and messages follow notation-go's `config/keys.go`.
 */
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { readJsonConfig, writeJsonConfig } from './files.js';

export const SIGNING_KEYS_FILE = 'signingkeys.json';
export const LOCAL_KEYS_DIR = 'localkeys';

/** One entry of `keys[]`: a local key pair, or a key held by a plugin (PLG-12). */
export interface SigningKeyEntry {
  name: string;
  keyPath?: string;
  certPath?: string;
  id?: string;
  pluginName?: string;
  pluginConfig?: Record<string, string>;
}

export interface SigningKeysDocument {
  default?: string;
  keys: SigningKeyEntry[];
}

/** `{configDir}/localkeys/{name}.key` and `.crt`, where `generate-test` writes (TS-6). */
export function localKeyPaths(configDir: string, name: string): { keyPath: string; certPath: string } {
  return {
    keyPath: join(configDir, LOCAL_KEYS_DIR, `${name}.key`),
    certPath: join(configDir, LOCAL_KEYS_DIR, `${name}.crt`),
  };
}

function malformed(detail: string): CliError {
  return new CliError('ERR_CONFIG', `malformed ${SIGNING_KEYS_FILE}: ${detail}`);
}

function optionalString(entry: Record<string, unknown>, field: string): string | undefined {
  const value = entry[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw malformed(`${field} of a key must be a string`);
  return value;
}

/** notation-go validateKeys: names non-empty and unique; the default, when set, non-empty and present. */
function validate(document: SigningKeysDocument): SigningKeysDocument {
  const names = new Set<string>();
  for (const key of document.keys) {
    if (key.name === '') throw malformed('key name cannot be empty');
    if (names.has(key.name)) throw malformed(`multiple keys with name '${key.name}' found`);
    names.add(key.name);
  }
  if (document.default !== undefined) {
    if (document.default === '') throw malformed('default key name cannot be empty');
    if (!names.has(document.default)) throw malformed(`default key '${document.default}' not found`);
  }
  return document;
}

function decode(json: unknown): SigningKeysDocument {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('expected a JSON object');
  const raw = json as Record<string, unknown>;
  const keysValue = raw['keys'] ?? [];
  if (!Array.isArray(keysValue)) throw malformed('"keys" must be an array');
  const keys = keysValue.map((value): SigningKeyEntry => {
    if (typeof value !== 'object' || value === null) throw malformed('every key must be an object');
    const entry = value as Record<string, unknown>;
    if (typeof entry['name'] !== 'string') throw malformed('key name must be a string');
    const pluginConfig = entry['pluginConfig'];
    if (
      pluginConfig !== undefined &&
      pluginConfig !== null &&
      (typeof pluginConfig !== 'object' || Object.values(pluginConfig).some((v) => typeof v !== 'string'))
    ) {
      throw malformed('pluginConfig must map strings to strings');
    }
    const fields = {
      keyPath: optionalString(entry, 'keyPath'),
      certPath: optionalString(entry, 'certPath'),
      id: optionalString(entry, 'id'),
      pluginName: optionalString(entry, 'pluginName'),
    };
    return {
      name: entry['name'],
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      ...(pluginConfig && Object.keys(pluginConfig).length > 0
        ? { pluginConfig: { ...(pluginConfig as Record<string, string>) } }
        : {}),
    };
  });
  const defaultValue = raw['default'];
  if (defaultValue !== undefined && defaultValue !== null && typeof defaultValue !== 'string')
    throw malformed('"default" must be a string');
  return validate({ ...(typeof defaultValue === 'string' ? { default: defaultValue } : {}), keys });
}

/** Loads `signingkeys.json`; an absent file is an empty key list (notation's LoadSigningKeys). */
export async function loadSigningKeys(configDir: string): Promise<SigningKeysDocument> {
  const json = await readJsonConfig(join(configDir, SIGNING_KEYS_FILE));
  return json === undefined ? { keys: [] } : decode(json);
}

/** Validates and writes `signingkeys.json` in notation's layout (`default` first, then `keys`). */
export async function saveSigningKeys(configDir: string, document: SigningKeysDocument): Promise<void> {
  validate(document);
  const keys = document.keys.map((k) => ({
    name: k.name,
    ...(k.keyPath ? { keyPath: k.keyPath } : {}),
    ...(k.certPath ? { certPath: k.certPath } : {}),
    ...(k.id ? { id: k.id } : {}),
    ...(k.pluginName ? { pluginName: k.pluginName } : {}),
    ...(k.pluginConfig && Object.keys(k.pluginConfig).length > 0 ? { pluginConfig: k.pluginConfig } : {}),
  }));
  await writeJsonConfig(join(configDir, SIGNING_KEYS_FILE), {
    ...(document.default !== undefined ? { default: document.default } : {}),
    keys,
  });
}

/** A key by name, or the default when no name is given (notation's resolveKey). */
export function findSigningKey(document: SigningKeysDocument, name: string | undefined): SigningKeyEntry {
  const wanted = name ?? document.default;
  if (name === undefined && wanted === undefined) {
    throw new CliError('ERR_KEY', 'default signing key not set. Please set default signing key or specify a key name');
  }
  if (wanted === '') throw new CliError('ERR_KEY', 'key name cannot be empty');
  const key = document.keys.find((k) => k.name === wanted);
  if (key === undefined) throw new CliError('ERR_KEY', `signing key ${wanted} not found`);
  return key;
}

/** Adds a key; a duplicate name is refused (notation-go's `add`). */
export function addSigningKey(document: SigningKeysDocument, key: SigningKeyEntry, markDefault: boolean): void {
  if (key.name === '') throw new CliError('ERR_KEY', 'key name cannot be empty');
  if (document.keys.some((k) => k.name === key.name))
    throw new CliError('ERR_KEY', `signing key with name "${key.name}" already exists`);
  document.keys.push(key);
  if (markDefault) document.default = key.name;
}
