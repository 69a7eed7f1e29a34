/**
 * `notary login` / `notary logout`: checks credentials against a registry
 * (`GET /v2/` with Basic or a Bearer token obtained with them, as oras-go's
 * Login pings) and saves them where notation reads them (see credentials.ts).
 */
import { type Credential, type OciError, RegistryClient, staticCredentials } from '@x/notary-oci';
import { booleanFlag, type CommandSpec, stringFlag } from '../args.js';
import { isInsecureRegistry, loadNotationConfig } from '../config/notation-config.js';
import { removeCredential, saveCredential } from '../credentials.js';
import { CliError, usageError } from '../errors.js';
import { REGISTRY_FLAGS } from '../target.js';

const HOW_TO_AUTHENTICATE = 'https://notaryproject.dev/docs/how-to/registry-authentication/';

/** A registry host from `login`'s argument: a URL's host, or the argument itself. */
function registryOf(server: string): string {
  const withoutScheme = server.replace(/^[a-z]+:\/\//i, '');
  return withoutScheme.split('/')[0]!;
}

async function ping(registry: string, credential: Credential, insecure: boolean): Promise<void> {
  const client = new RegistryClient({
    credentials: staticCredentials({ [registry]: credential }),
    ...(insecure ? { plainHttp: true } : {}),
    timeoutMs: 30_000,
  });
  const url = new URL('/v2/', client.baseUrl(registry));
  let response: Response;
  try {
    response = await client.request({ registry, method: 'GET', url, scopes: [] });
  } catch (error) {
    throw new CliError('ERR_LOGIN', `failed to log in to ${registry}: ${(error as Error).message}`, { cause: error });
  }
  if (response.status === 200) {
    await response.body?.cancel();
    return;
  }
  const failure: OciError = await client.failure(response, `GET ${url.pathname}`);
  throw new CliError('ERR_LOGIN', `failed to log in to ${registry}: ${failure.message}`, { cause: failure });
}

export const loginCommand: CommandSpec = {
  name: 'login',
  usage: 'login [flags] <server>',
  summary: 'Login to registry',
  flags: {
    ...REGISTRY_FLAGS,
    'password-stdin': { type: 'boolean', description: 'take the password from stdin' },
  },
  async run(context, args) {
    const server = args.positionals[0];
    if (server === undefined) throw usageError('no hostname specified');
    let username = stringFlag(args, 'username') ?? context.env['NOTATION_USERNAME'] ?? '';
    let password = stringFlag(args, 'password') ?? context.env['NOTATION_PASSWORD'] ?? '';
    if (booleanFlag(args, 'password-stdin')) password = (await context.readStdin()).replace(/\r?\n$/, '');
    if (password === '') {
      // notation prompts for what is missing; here the answers are read from stdin, one per line (no hidden echo on a terminal).
      const lines = (await context.readStdin()).split(/\r?\n/);
      let next = 0;
      let isToken = false;
      if (username === '') {
        context.print('Username: ');
        username = (lines[next++] ?? '').trim();
        // An empty username means the password is an identity token.
        isToken = username === '';
      }
      context.print(isToken ? 'Token: ' : 'Password: ');
      password = lines[next] ?? '';
      context.print('\n');
      if (password === '') throw new CliError('ERR_LOGIN', isToken ? 'token required' : 'password required');
    }
    const registry = registryOf(server);
    const config = await loadNotationConfig(context.configDir);
    const insecure =
      booleanFlag(args, 'insecure-registry') ||
      isInsecureRegistry(config, registry) ||
      registry.replace(/:\d+$/, '') === 'localhost';
    const credential: Credential = username === '' ? { refreshToken: password } : { username, password };
    await ping(registry, credential, insecure);
    const saved = await saveCredential(context, registry, credential);
    if (saved.plaintext) {
      context.warn(
        `The credentials store is not set up: the credentials were saved unencrypted in ${saved.path}. It is recommended to configure a credentials store. See ${HOW_TO_AUTHENTICATE}.`,
      );
    }
    context.print('Login Succeeded\n');
  },
};

export const logoutCommand: CommandSpec = {
  name: 'logout',
  usage: 'logout [flags] <server>',
  summary: 'Log out from the logged in registries',
  flags: {},
  async run(context, args) {
    const server = args.positionals[0];
    if (server === undefined) throw usageError('no hostname specified');
    try {
      await removeCredential(context, registryOf(server));
    } catch (error) {
      throw new CliError('ERR_LOGIN', `failed to log out of ${server}: ${(error as Error).message}`, { cause: error });
    }
    context.print('Logout Succeeded\n');
  },
};
