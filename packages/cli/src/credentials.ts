/**
 * Registry credentials as notation keeps them: read through the oci
 * package's provider (notation's config.json when it configures a store,
 * else docker's config.json, else the platform helper), and written by
 * `login` / removed by `logout` in that same store: a credential helper
 * (`docker-credential-<name> store|erase`), or docker's config.json `auths`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Credential, CredentialProvider } from '@x/notary-oci';
import { dockerConfigPath, notationCredentials, serverAddressOf } from '@x/notary-oci/node';
import { readJsonConfig, writeJsonConfig } from './config/files.js';
import { NOTATION_CONFIG_FILE } from './config/notation-config.js';
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** The saved credentials, looked up the way notation does (notation config, docker config, default helper). */
export function savedCredentials(context: CommandContext): CredentialProvider {
  return notationCredentials({ notationConfigDir: context.configDir, env: context.env });
}

type ConfigJson = {
  auths?: Record<string, Record<string, unknown>>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
};

function isConfigured(config: ConfigJson | undefined): boolean {
  return (
    !!config &&
    (!!config.credsStore ||
      Object.keys(config.credHelpers ?? {}).length > 0 ||
      Object.keys(config.auths ?? {}).length > 0)
  );
}

/** Where `login` saves: the config file (notation's if it configures credentials, else docker's) and its helper, if any, for this registry. */
async function credentialStore(
  context: CommandContext,
  registry: string,
): Promise<{ path: string; config: ConfigJson; helper: string | undefined; isDocker: boolean }> {
  const notationPath = join(context.configDir, NOTATION_CONFIG_FILE);
  const notationConfig = (await readJsonConfig(notationPath)) as ConfigJson | undefined;
  if (isConfigured(notationConfig)) {
    return {
      path: notationPath,
      config: notationConfig!,
      helper: notationConfig!.credHelpers?.[registry] ?? notationConfig!.credsStore,
      isDocker: false,
    };
  }
  const dockerPath = dockerConfigPath(context.env);
  const dockerConfig = ((await readJsonConfig(dockerPath)) as ConfigJson | undefined) ?? {};
  return {
    path: dockerPath,
    config: dockerConfig,
    helper: dockerConfig.credHelpers?.[registry] ?? dockerConfig.credsStore,
    isDocker: true,
  };
}

function runHelper(context: CommandContext, helper: string, action: 'store' | 'erase', input: string): Promise<void> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(helper))
    return Promise.reject(new CliError('ERR_LOGIN', `invalid credential helper name "${helper}"`));
  return new Promise((resolve, reject) => {
    const child = execFile(
      `docker-credential-${helper}`,
      [action],
      { env: { ...context.env } as NodeJS.ProcessEnv, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new CliError(
              'ERR_LOGIN',
              `credential helper docker-credential-${helper} ${action} failed: ${(stderr || stdout || error.message).trim()}`,
              { cause: error },
            ),
          );
        else resolve();
      },
    );
    child.stdin?.end(input);
  });
}

/** Saves a credential for `registry` (`login`). Returns where it went, for the message. */
export async function saveCredential(
  context: CommandContext,
  registry: string,
  credential: Credential,
): Promise<{ plaintext: boolean; path: string }> {
  const store = await credentialStore(context, registry);
  const server = serverAddressOf(registry);
  const username = credential.username ?? '';
  const secret = credential.password ?? credential.refreshToken ?? '';
  if (store.helper) {
    await runHelper(
      context,
      store.helper,
      'store',
      JSON.stringify({ ServerURL: server, Username: username === '' ? '<token>' : username, Secret: secret }),
    );
    return { plaintext: false, path: store.path };
  }
  const auths = { ...(store.config.auths ?? {}) };
  auths[server] =
    username === ''
      ? { identitytoken: secret }
      : { auth: Buffer.from(`${username}:${secret}`, 'utf8').toString('base64') };
  await writeJsonConfig(store.path, { ...store.config, auths });
  return { plaintext: true, path: store.path };
}

/** Removes the credential of `registry` (`logout`); an absent one is not an error. */
export async function removeCredential(context: CommandContext, registry: string): Promise<void> {
  const store = await credentialStore(context, registry);
  const server = serverAddressOf(registry);
  if (store.helper) {
    await runHelper(context, store.helper, 'erase', server);
    return;
  }
  const auths = { ...(store.config.auths ?? {}) };
  if (!(server in auths) && !(registry in auths)) return;
  delete auths[server];
  delete auths[registry];
  await writeJsonConfig(store.path, { ...store.config, auths });
}
