/**
 * `{NOTATION_CONFIG}/config.json` (notation-go `config/config.go`): insecure
 * registries, the default signature format, and the credential store settings
 * that take precedence over docker's.
 */
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { readJsonConfig } from './files.js';

export const NOTATION_CONFIG_FILE = 'config.json';

export interface NotationConfig {
  insecureRegistries: string[];
  credsStore?: string;
  credHelpers?: Record<string, string>;
  /** `jws` or `cose`, lower-cased; the default of `--signature-format`. */
  signatureFormat?: string;
}

/** Loads config.json; an absent file is the empty config. */
export async function loadNotationConfig(configDir: string): Promise<NotationConfig> {
  const json = await readJsonConfig(join(configDir, NOTATION_CONFIG_FILE));
  if (json === undefined) return { insecureRegistries: [] };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new CliError('ERR_CONFIG', `malformed ${NOTATION_CONFIG_FILE}: expected a JSON object`);
  const raw = json as Record<string, unknown>;
  const insecure = Array.isArray(raw['insecureRegistries'])
    ? raw['insecureRegistries'].filter((r): r is string => typeof r === 'string')
    : [];
  const helpers = raw['credHelpers'];
  return {
    insecureRegistries: insecure,
    ...(typeof raw['credsStore'] === 'string' && raw['credsStore'] !== '' ? { credsStore: raw['credsStore'] } : {}),
    ...(helpers && typeof helpers === 'object'
      ? {
          credHelpers: Object.fromEntries(Object.entries(helpers).filter(([, v]) => typeof v === 'string')) as Record<
            string,
            string
          >,
        }
      : {}),
    ...(typeof raw['signatureFormat'] === 'string' && raw['signatureFormat'] !== ''
      ? { signatureFormat: raw['signatureFormat'].toLowerCase() }
      : {}),
  };
}

/** notation's IsRegistryInsecure: listed in insecureRegistries (case-insensitive). */
export function isInsecureRegistry(config: NotationConfig, registry: string): boolean {
  return config.insecureRegistries.some((r) => r.toLowerCase() === registry.toLowerCase());
}
