/**
 * Credential providers over docker's config.json and notation's own
 * config.json, the way oras-go's `registry/remote/credentials` reads them
 * (notation uses that package):
 *
 * - `auths[<server>]`: `auth` = base64(user:pass), the legacy
 *   `username`/`password`, `identitytoken` (a refresh token for the OAuth2
 *   token endpoint) and `registrytoken` (a ready bearer token);
 * - `credHelpers[<server>]`, else `credsStore`: run
 *   `docker-credential-<name> get` with the server address on stdin; the
 *   answer is `{"Username","Secret"}`, Username `<token>` meaning Secret is
 *   an identity (refresh) token.
 *
 * A helper that is missing, fails, hangs or answers garbage yields a
 * CredentialsError, never an unhandled crash; "credentials not found in
 * native keychain" (the helpers' protocol for "none") yields undefined.
 */
import { spawn } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { concatChunks, decodeBase64 } from '@x/notary-pki/foundation';
import { notationConfigDir } from '@x/notary-pki/node';
import type { Credential, CredentialProvider } from '../credentials.js';
import { OciError } from '../errors.js';

/** Why a credentials lookup failed. */
export type CredentialsErrorReason =
  | 'config-invalid'
  | 'helper-not-found'
  | 'helper-failed'
  | 'helper-timeout'
  | 'helper-output-invalid';

/**
 * A failed credentials lookup. It uses the code ERR_OCI_UNAUTHORIZED (no
 * authentication is possible) and tells the cause apart in `reason`.
 */
export class CredentialsError extends OciError {
  readonly reason: CredentialsErrorReason;
  /** The helper suffix (`docker-credential-<helper>`), when a helper was involved. */
  readonly helper: string | undefined;

  constructor(reason: CredentialsErrorReason, message: string, options?: { cause?: unknown; helper?: string }) {
    super('ERR_OCI_UNAUTHORIZED', message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CredentialsError';
    this.reason = reason;
    this.helper = options?.helper;
  }
}

/** Environment as a plain map, so tests and embedders need not touch process.env. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface CredentialHelperOptions {
  /** Environment of the helper process (PATH picks the executable); default process.env. */
  env?: Environment;
  /** Kill the helper after this long; default 30 s (helpers may prompt an OS keychain). */
  timeoutMs?: number;
}

export interface ConfigCredentialsOptions extends CredentialHelperOptions {}

export interface DockerCredentialsOptions extends CredentialHelperOptions {
  /** An explicit config.json; default `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
  configPath?: string;
}

export interface NotationCredentialsOptions extends CredentialHelperOptions {
  /** notation's config directory ({NOTATION_CONFIG}); default the user config dir + `/notation`. */
  notationConfigDir?: string;
  /** docker's config.json; default as in {@link dockerCredentials}. */
  dockerConfigPath?: string;
  /** Fall back to the platform's default helper when nothing is configured (notation does); default true. */
  detectDefaultHelper?: boolean;
}

const NOT_FOUND_MESSAGE = 'credentials not found in native keychain';
const TOKEN_USERNAME = '<token>';
// Helper names become executable names: no paths, no shell metacharacters.
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_HELPER_OUTPUT = 1024 * 1024;

function envOf(options: CredentialHelperOptions | undefined): Environment {
  return options?.env ?? process.env;
}

/** docker's config.json path: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: Environment = process.env): string {
  const dir = env['DOCKER_CONFIG'];
  return dir
    ? join(dir, 'config.json')
    : join(env['HOME'] || env['USERPROFILE'] || homedir(), '.docker', 'config.json');
}

/**
 * The server address credential stores key Docker Hub under: docker keeps
 * Hub credentials at `https://index.docker.io/v1/` (oras-go
 * ServerAddressFromHostname/Registry). Other hosts are used as given.
 */
export function serverAddressOf(registry: string): string {
  return registry === 'docker.io' || registry === 'registry-1.docker.io' || registry === 'index.docker.io'
    ? 'https://index.docker.io/v1/'
    : registry;
}

/** An auths key reduced to its host (oras-go ToHostname): scheme and path dropped. */
function toHostname(address: string): string {
  return address.replace(/^https?:\/\//, '').split('/')[0]!;
}

interface ParsedConfig {
  auths: Record<string, unknown>;
  credsStore: string | undefined;
  credHelpers: Record<string, string>;
}

async function loadConfig(path: string): Promise<ParsedConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // A missing config means "nothing configured", as in oras-go.
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new CredentialsError('config-invalid', `cannot read credentials config ${path}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CredentialsError('config-invalid', `credentials config ${path} is not JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CredentialsError('config-invalid', `credentials config ${path} is not a JSON object`);
  const o = value as Record<string, unknown>;
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (o['auths'] !== undefined && o['auths'] !== null && !isMap(o['auths']))
    throw new CredentialsError('config-invalid', `${path}: auths is not an object`);
  if (o['credsStore'] !== undefined && o['credsStore'] !== null && typeof o['credsStore'] !== 'string')
    throw new CredentialsError('config-invalid', `${path}: credsStore is not a string`);
  const helpers = o['credHelpers'];
  if (
    helpers !== undefined &&
    helpers !== null &&
    (!isMap(helpers) || Object.values(helpers).some((h) => typeof h !== 'string'))
  ) {
    throw new CredentialsError('config-invalid', `${path}: credHelpers is not a map of strings`);
  }
  return {
    auths: isMap(o['auths']) ? o['auths'] : {},
    credsStore: typeof o['credsStore'] === 'string' && o['credsStore'] !== '' ? o['credsStore'] : undefined,
    credHelpers: isMap(helpers) ? (helpers as Record<string, string>) : {},
  };
}

function isConfigured(config: ParsedConfig | undefined): boolean {
  return (
    config !== undefined &&
    (config.credsStore !== undefined ||
      Object.keys(config.credHelpers).length > 0 ||
      Object.keys(config.auths).length > 0)
  );
}

/**
 * oras-go decodes `auth` with Go's padded standard base64. [impl] The
 * foundation's decoder is as strict and also refuses non-zero trailing bits,
 * which Go's non-strict decoder ignores; docker writes canonical base64.
 */
function decodeBase64Utf8(value: string): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64(value));
}

function emptyToUndefined(credential: Credential): Credential | undefined {
  const out: Credential = {};
  if (credential.username) out.username = credential.username;
  if (credential.password) out.password = credential.password;
  if (credential.refreshToken) out.refreshToken = credential.refreshToken;
  if (credential.accessToken) out.accessToken = credential.accessToken;
  return Object.keys(out).length > 0 ? out : undefined;
}

function credentialFromAuthEntry(entry: unknown, where: string): Credential | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new CredentialsError('config-invalid', `${where} is not an object`);
  const e = entry as Record<string, unknown>;
  const str = (k: string): string | undefined =>
    typeof e[k] === 'string' && e[k] !== '' ? (e[k] as string) : undefined;
  const credential: Credential = {};
  const username = str('username');
  const password = str('password');
  if (username) credential.username = username;
  if (password) credential.password = password;
  const auth = str('auth');
  if (auth) {
    let decoded: string;
    try {
      decoded = decodeBase64Utf8(auth);
    } catch (cause) {
      throw new CredentialsError('config-invalid', `${where}: auth is not base64`, { cause });
    }
    const colon = decoded.indexOf(':');
    if (colon === -1)
      throw new CredentialsError('config-invalid', `${where}: auth does not decode to username:password`);
    credential.username = decoded.slice(0, colon);
    credential.password = decoded.slice(colon + 1);
  }
  const identityToken = str('identitytoken');
  const registryToken = str('registrytoken');
  if (identityToken) credential.refreshToken = identityToken;
  if (registryToken) credential.accessToken = registryToken;
  return emptyToUndefined(credential);
}

/**
 * Runs `docker-credential-<helper> get` with `serverAddress` on stdin
 * (docker-credential-helpers protocol).
 */
export function runCredentialHelper(
  helper: string,
  serverAddress: string,
  options?: CredentialHelperOptions,
): Promise<Credential | undefined> {
  if (!HELPER_NAME.test(helper)) {
    return Promise.reject(
      new CredentialsError('config-invalid', `invalid credential helper name ${JSON.stringify(helper)}`, { helper }),
    );
  }
  const executable = `docker-credential-${helper}`;
  const timeoutMs = options?.timeoutMs ?? 30_000;
  return new Promise<Credential | undefined>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(executable, ['get'], {
        env: { ...envOf(options) } as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (cause) {
      reject(new CredentialsError('helper-not-found', `cannot start ${executable}`, { cause, helper }));
      return;
    }
    const stdout: Uint8Array[] = [];
    const stderr: Uint8Array[] = [];
    let outBytes = 0;
    const collect = (sink: Uint8Array[]) => (chunk: Uint8Array) => {
      outBytes += chunk.length;
      if (outBytes > MAX_HELPER_OUTPUT) {
        child.kill('SIGKILL');
        finish(() =>
          reject(
            new CredentialsError('helper-output-invalid', `${executable} wrote more than ${MAX_HELPER_OUTPUT} bytes`, {
              helper,
            }),
          ),
        );
        return;
      }
      sink.push(chunk);
    };
    child.stdout!.on('data', collect(stdout));
    child.stderr!.on('data', collect(stderr));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() =>
        reject(
          new CredentialsError('helper-timeout', `${executable} did not answer within ${timeoutMs} ms`, { helper }),
        ),
      );
    }, timeoutMs);
    child.on('error', (cause: NodeJS.ErrnoException) => {
      const reason: CredentialsErrorReason = cause.code === 'ENOENT' ? 'helper-not-found' : 'helper-failed';
      const message =
        reason === 'helper-not-found'
          ? `credential helper ${executable} is not on PATH`
          : `cannot run ${executable}: ${cause.message}`;
      finish(() => reject(new CredentialsError(reason, message, { cause, helper })));
    });
    child.on('close', (code, signal) => {
      const text = (chunks: Uint8Array[]) => new TextDecoder().decode(concatChunks(chunks)).trim();
      const out = text(stdout);
      if (code !== 0) {
        // The protocol's "no credentials" answer: anonymous, not a failure.
        if (out === NOT_FOUND_MESSAGE) return finish(() => resolve(undefined));
        const detail = out || text(stderr) || (signal ? `killed by ${signal}` : `exit status ${code}`);
        return finish(() =>
          reject(new CredentialsError('helper-failed', `${executable} get failed: ${detail}`, { helper })),
        );
      }
      let answer: unknown;
      try {
        answer = JSON.parse(out);
      } catch (cause) {
        return finish(() =>
          reject(
            new CredentialsError('helper-output-invalid', `${executable} get did not answer JSON`, { cause, helper }),
          ),
        );
      }
      const a = answer as { Username?: unknown; Secret?: unknown } | null;
      if (
        typeof a !== 'object' ||
        a === null ||
        (a.Username !== undefined && typeof a.Username !== 'string') ||
        (a.Secret !== undefined && typeof a.Secret !== 'string')
      ) {
        return finish(() =>
          reject(
            new CredentialsError('helper-output-invalid', `${executable} get answered without string Username/Secret`, {
              helper,
            }),
          ),
        );
      }
      const username = (a.Username as string | undefined) ?? '';
      const secret = (a.Secret as string | undefined) ?? '';
      finish(() =>
        resolve(
          emptyToUndefined(username === TOKEN_USERNAME ? { refreshToken: secret } : { username, password: secret }),
        ),
      );
    });
    // A helper that exits without reading stdin must not crash us with EPIPE.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(serverAddress);
  });
}

async function lookup(
  config: ParsedConfig,
  registry: string,
  path: string,
  options: CredentialHelperOptions | undefined,
): Promise<Credential | undefined> {
  const server = serverAddressOf(registry);
  // A per-registry helper wins over the store, which wins over auths (oras-go DynamicStore.getStore).
  const helper = config.credHelpers[server] ?? config.credsStore;
  if (helper !== undefined && helper !== '') return runCredentialHelper(helper, server, options);
  let entry: unknown = config.auths[server];
  let key = server;
  if (entry === undefined) {
    for (const [k, v] of Object.entries(config.auths)) {
      if (toHostname(k) === server) {
        entry = v;
        key = k;
        break;
      }
    }
  }
  return entry === undefined ? undefined : credentialFromAuthEntry(entry, `${path}: auths[${JSON.stringify(key)}]`);
}

/** A provider over one docker-format config.json (docker's, or notation's, which has the same `auths`/`credsStore`/`credHelpers`). Read on every lookup, so a login in between is seen. */
export function configFileCredentials(path: string, options?: ConfigCredentialsOptions): CredentialProvider {
  return async (registry) => {
    const config = await loadConfig(path);
    return config ? lookup(config, registry, path, options) : undefined;
  };
}

/** A provider over docker's config.json (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`). */
export function dockerCredentials(options?: DockerCredentialsOptions): CredentialProvider {
  const path = options?.configPath ?? dockerConfigPath(envOf(options));
  return configFileCredentials(path, options);
}

/** The platform default helper of docker/oras-go, if its executable is on PATH. */
async function defaultHelper(env: Environment): Promise<string | undefined> {
  const candidates =
    process.platform === 'darwin'
      ? ['osxkeychain']
      : process.platform === 'win32'
        ? ['wincred']
        : ['pass', 'secretservice'];
  const dirs = (env['PATH'] ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
  for (const name of candidates) {
    for (const dir of dirs) {
      const file = join(dir, `docker-credential-${name}${process.platform === 'win32' ? '.exe' : ''}`);
      if (
        await access(file, constants.X_OK).then(
          () => true,
          () => false,
        )
      )
        return name;
    }
  }
  return undefined;
}

/**
 * Credentials the way the notation CLI finds them: notation's config.json
 * ({NOTATION_CONFIG}/config.json, `credsStore`/`credHelpers`/`auths`) when
 * it configures anything; else docker's config.json when it does; else the
 * platform's default credential helper when installed.
 */
export function notationCredentials(options?: NotationCredentialsOptions): CredentialProvider {
  const env = envOf(options);
  const notationPath = join(options?.notationConfigDir ?? notationConfigDir({ env }), 'config.json');
  const dockerPath = options?.dockerConfigPath ?? dockerConfigPath(env);
  return async (registry) => {
    const notationConfig = await loadConfig(notationPath);
    if (isConfigured(notationConfig)) return lookup(notationConfig!, registry, notationPath, options);
    const dockerConfig = await loadConfig(dockerPath);
    if (isConfigured(dockerConfig)) return lookup(dockerConfig!, registry, dockerPath, options);
    if (options?.detectDefaultHelper === false) return undefined;
    const helper = await defaultHelper(env);
    return helper ? runCredentialHelper(helper, serverAddressOf(registry), options) : undefined;
  };
}

/**
 * The first provider that answers with a credential wins; an error stops
 * the search (as oras-go's NewStoreWithFallbacks does), so a broken helper
 * is reported instead of silently falling through to anonymous.
 */
export function firstCredentials(...providers: CredentialProvider[]): CredentialProvider {
  return async (registry) => {
    for (const provider of providers) {
      const credential = await provider(registry);
      if (credential !== undefined) return credential;
    }
    return undefined;
  };
}
