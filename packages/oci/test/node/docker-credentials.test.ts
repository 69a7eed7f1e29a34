import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticCredentials } from '../../src/credentials.js';
import {
  CredentialsError,
  configFileCredentials,
  dockerConfigPath,
  dockerCredentials,
  type Environment,
  firstCredentials,
  notationCredentials,
  runCredentialHelper,
  serverAddressOf,
} from '../../src/node/docker-credentials.js';

let dir: string;
let env: Environment;

// A fake docker-credential helper speaking the docker-credential-helpers protocol.
const HELPER = `#!/bin/sh
[ "$1" = get ] || { echo "unexpected action $1" >&2; exit 2; }
server=$(cat)
printf '%s' "$server" >> "$HELPER_LOG"
printf '\\n' >> "$HELPER_LOG"
case "$server" in
  helper.example) echo '{"ServerURL":"helper.example","Username":"alice","Secret":"s3cret"}' ;;
  token.example) echo '{"ServerURL":"token.example","Username":"<token>","Secret":"refresh-me"}' ;;
  https://index.docker.io/v1/) echo '{"Username":"hub","Secret":"hubpass"}' ;;
  missing.example) echo 'credentials not found in native keychain'; exit 1 ;;
  broken.example) echo 'keychain locked' >&2; exit 3 ;;
  garbage.example) echo 'this is not json' ;;
  slow.example) exec sleep 5 ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'docker-creds-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'docker-credential-test'), HELPER);
  await chmod(join(bin, 'docker-credential-test'), 0o755);
  env = {
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    HOME: join(dir, 'home'),
    HELPER_LOG: join(dir, 'helper.log'),
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(name: string, config: unknown): Promise<string> {
  const path = join(dir, name, 'config.json');
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(path, typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<CredentialsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialsError);
    return error as CredentialsError;
  }
  throw new Error('expected a CredentialsError');
}

describe('docker config.json auths', () => {
  it('decodes auth (user:pass, the password may contain colons), identitytoken, registrytoken and the legacy fields', async () => {
    const path = await writeConfig('auths', {
      auths: {
        'basic.example': { auth: btoa('bob:pa:ss') },
        'https://scheme.example/v1/': { auth: btoa('carol:pw') },
        'identity.example:5000': { auth: btoa('<token>:'), identitytoken: 'refresh-token' },
        'registry-token.example': { registrytoken: 'access-token' },
        'legacy.example': { username: 'dave', password: 'old' },
        'empty.example': {},
      },
    });
    const provider = dockerCredentials({ configPath: path, env });
    expect(await provider('basic.example')).toEqual({ username: 'bob', password: 'pa:ss' });
    // Keys with a scheme or path match their host, as oras-go's ToHostname does.
    expect(await provider('scheme.example')).toEqual({ username: 'carol', password: 'pw' });
    expect(await provider('identity.example:5000')).toEqual({ username: '<token>', refreshToken: 'refresh-token' });
    expect(await provider('registry-token.example')).toEqual({ accessToken: 'access-token' });
    expect(await provider('legacy.example')).toEqual({ username: 'dave', password: 'old' });
    expect(await provider('empty.example')).toBeUndefined();
    expect(await provider('unknown.example')).toBeUndefined();
  });

  it('finds config.json through $DOCKER_CONFIG, else ~/.docker', async () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/cfg' })).toBe(join('/cfg', 'config.json'));
    expect(dockerConfigPath({ HOME: '/home/u' })).toBe(join('/home/u', '.docker', 'config.json'));
    await writeConfig('dockercfg', { auths: { 'env.example': { auth: btoa('eve:pw') } } });
    expect(await dockerCredentials({ env: { ...env, DOCKER_CONFIG: join(dir, 'dockercfg') } })('env.example')).toEqual({
      username: 'eve',
      password: 'pw',
    });
    await writeConfig(join('home', '.docker'), { auths: { 'home.example': { auth: btoa('hal:pw') } } });
    expect(await dockerCredentials({ env })('home.example')).toEqual({ username: 'hal', password: 'pw' });
  });

  it('a missing config means no credentials; a malformed one is a CredentialsError (config-invalid)', async () => {
    expect(await dockerCredentials({ configPath: join(dir, 'nope', 'config.json'), env })('x.example')).toBeUndefined();
    const bad = await writeConfig('bad', '{not json');
    expect((await rejection(dockerCredentials({ configPath: bad, env })('x.example'))).reason).toBe('config-invalid');
    const badAuth = await writeConfig('badauth', { auths: { 'x.example': { auth: '!!!' } } });
    const error = await rejection(dockerCredentials({ configPath: badAuth, env })('x.example'));
    expect(error.reason).toBe('config-invalid');
    expect(error.code).toBe('ERR_OCI_UNAUTHORIZED');
    const noColon = await writeConfig('nocolon', { auths: { 'x.example': { auth: btoa('nocolon') } } });
    expect((await rejection(dockerCredentials({ configPath: noColon, env })('x.example'))).reason).toBe(
      'config-invalid',
    );
    const badHelpers = await writeConfig('badhelpers', { credHelpers: { 'x.example': 1 } });
    expect((await rejection(dockerCredentials({ configPath: badHelpers, env })('x.example'))).reason).toBe(
      'config-invalid',
    );
  });
});

describe('docker credential helpers', () => {
  it('credHelpers runs docker-credential-<name> get with the server address on stdin; Username <token> means a refresh token', async () => {
    const path = await writeConfig('helpers', {
      auths: { 'helper.example': { auth: btoa('ignored:ignored') } },
      credHelpers: { 'helper.example': 'test', 'token.example': 'test', 'missing.example': 'test' },
    });
    const provider = dockerCredentials({ configPath: path, env });
    // A per-registry helper wins over auths.
    expect(await provider('helper.example')).toEqual({ username: 'alice', password: 's3cret' });
    expect(await provider('token.example')).toEqual({ refreshToken: 'refresh-me' });
    // "credentials not found in native keychain" is anonymous, not an error.
    expect(await provider('missing.example')).toBeUndefined();
    const log = await readFile(env['HELPER_LOG']!, 'utf8');
    expect(log.split('\n')).toEqual(expect.arrayContaining(['helper.example', 'token.example', 'missing.example']));
  });

  it('credsStore serves every registry without its own helper; Docker Hub is asked as https://index.docker.io/v1/', async () => {
    const path = await writeConfig('store', { credsStore: 'test' });
    const provider = dockerCredentials({ configPath: path, env });
    expect(await provider('helper.example')).toEqual({ username: 'alice', password: 's3cret' });
    expect(await provider('docker.io')).toEqual({ username: 'hub', password: 'hubpass' });
    expect(await provider('registry-1.docker.io')).toEqual({ username: 'hub', password: 'hubpass' });
    expect(serverAddressOf('localhost:5000')).toBe('localhost:5000');
  });

  it('a missing, failing, garbage-answering or hanging helper is a typed CredentialsError, never a crash', async () => {
    const missing = await rejection(runCredentialHelper('absent-helper', 'x.example', { env }));
    expect(missing.reason).toBe('helper-not-found');
    expect(missing.helper).toBe('absent-helper');
    expect(missing.message).toContain('docker-credential-absent-helper');
    const failed = await rejection(runCredentialHelper('test', 'broken.example', { env }));
    expect(failed.reason).toBe('helper-failed');
    expect(failed.message).toContain('keychain locked');
    expect((await rejection(runCredentialHelper('test', 'garbage.example', { env }))).reason).toBe(
      'helper-output-invalid',
    );
    expect((await rejection(runCredentialHelper('test', 'slow.example', { env, timeoutMs: 200 }))).reason).toBe(
      'helper-timeout',
    );
    expect((await rejection(runCredentialHelper('../evil', 'x.example', { env }))).reason).toBe('config-invalid');
    const viaConfig = await writeConfig('absent', { credsStore: 'absent-helper' });
    expect((await rejection(dockerCredentials({ configPath: viaConfig, env })('x.example'))).reason).toBe(
      'helper-not-found',
    );
  });
});

describe('notation credentials and the combinator', () => {
  it("issue 14 finding 2: without notationConfigDir, notation's config.json is read from pki's {NOTATION_CONFIG} ($XDG_CONFIG_HOME/notation)", async () => {
    const xdg = join(dir, 'xdg-home');
    await mkdir(join(xdg, 'notation'), { recursive: true });
    await writeFile(
      join(xdg, 'notation', 'config.json'),
      JSON.stringify({ auths: { 'xdg.example': { auth: btoa('from:xdg') } } }),
    );
    const provider = notationCredentials({
      env: { ...env, XDG_CONFIG_HOME: xdg, DOCKER_CONFIG: join(dir, 'no-docker') },
      detectDefaultHelper: false,
    });
    expect(await provider('xdg.example')).toEqual({ username: 'from', password: 'xdg' });
  });

  it("notation's own config (credsStore/credHelpers/auths) wins when it configures anything; otherwise docker's config is used", async () => {
    const notationDir = join(dir, 'notation-config');
    await mkdir(notationDir, { recursive: true });
    const dockerPath = await writeConfig('docker-for-notation', {
      auths: { 'helper.example': { auth: btoa('from:docker') } },
    });
    const provider = notationCredentials({
      notationConfigDir: notationDir,
      dockerConfigPath: dockerPath,
      env,
      detectDefaultHelper: false,
    });
    // No notation config yet: docker's answers.
    expect(await provider('helper.example')).toEqual({ username: 'from', password: 'docker' });
    // notation's config.json has insecureRegistries and credHelpers (notation-go config.Config).
    await writeFile(
      join(notationDir, 'config.json'),
      JSON.stringify({ insecureRegistries: [], credHelpers: { 'helper.example': 'test' } }),
    );
    expect(await provider('helper.example')).toEqual({ username: 'alice', password: 's3cret' });
    // Configured notation config is used alone, as the notation CLI does: no fallback to docker's.
    expect(await provider('other.example')).toBeUndefined();
    // A notation config with only insecureRegistries configures no auth: docker's is used.
    await writeFile(join(notationDir, 'config.json'), JSON.stringify({ insecureRegistries: ['localhost:5000'] }));
    expect(await provider('helper.example')).toEqual({ username: 'from', password: 'docker' });
    expect(await configFileCredentials(join(notationDir, 'config.json'), { env })('helper.example')).toBeUndefined();
  });

  it('firstCredentials returns the first answer and stops at an error', async () => {
    const none = staticCredentials({});
    const some = staticCredentials({ 'a.example': { username: 'u', password: 'p' } });
    expect(await firstCredentials(none, some)('a.example')).toEqual({ username: 'u', password: 'p' });
    expect(await firstCredentials(none, none)('a.example')).toBeUndefined();
    const failing = () => Promise.reject(new CredentialsError('helper-failed', 'boom'));
    await expect(firstCredentials(none, failing, some)('a.example')).rejects.toBeInstanceOf(CredentialsError);
  });
});
