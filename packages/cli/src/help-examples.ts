/**
 * The examples every command's `--help` shows (issue 13 item 7), in
 * notation's layout (`Example - <what>:` then the command line), keyed by
 * the command's path under `notary`. Kept apart from the command modules so
 * the help text of all commands can be read and checked in one place; a
 * test walks the command tree and requires examples for every command.
 */
import type { HelpExample } from './args.js';

const REF = '<registry>/<repository>@<digest>';
const TAG_REF = '<registry>/<repository>:<tag>';

export const HELP_EXAMPLES: Readonly<Record<string, readonly HelpExample[]>> = {
  sign: [
    { title: 'Sign an artifact in a registry with the default key, as a JWS envelope', command: `notary sign ${REF}` },
    { title: 'Sign with a COSE envelope', command: `notary sign --signature-format cose ${REF}` },
    {
      title: 'Sign with a named key and user metadata, valid for 24 hours',
      command: `notary sign --key <key_name> -m team=blue --expiry 24h ${REF}`,
    },
    { title: 'Sign with a key held by a plugin', command: `notary sign --plugin <plugin_name> --id <key_id> ${REF}` },
    {
      title: 'Sign and have the signature timestamped by an RFC 3161 TSA',
      command: `notary sign --timestamp-url <tsa_url> --timestamp-root-cert <tsa_root.pem> ${REF}`,
    },
    { title: 'Sign an artifact in an OCI image layout', command: 'notary sign --oci-layout <layout_dir>@<digest>' },
  ],
  verify: [
    { title: 'Verify the signatures of an artifact by digest', command: `notary verify ${REF}` },
    { title: 'Verify by tag (resolved to a digest first)', command: `notary verify ${TAG_REF}` },
    { title: 'Verify that a signature carries user metadata', command: `notary verify -m team=blue ${REF}` },
    { title: 'Print every check of every signature tried as JSON', command: `notary verify -o json ${REF}` },
    {
      title: 'Verify an artifact in an OCI image layout under the policy scope of a repository',
      command: 'notary verify --oci-layout --scope <registry>/<repository> <layout_dir>@<digest>',
    },
  ],
  list: [
    { title: 'List the signatures of an artifact', command: `notary list ${REF}` },
    { title: 'List by tag, at most 10 signatures', command: `notary ls --max-signatures 10 ${TAG_REF}` },
  ],
  inspect: [
    { title: 'Inspect the signatures of an artifact', command: `notary inspect ${REF}` },
    { title: 'Inspect them as JSON', command: `notary inspect -o json ${REF}` },
    {
      title: 'Inspect the signatures in an OCI image layout',
      command: 'notary inspect --oci-layout <layout_dir>:<tag>',
    },
  ],
  'blob sign': [
    {
      title: 'Sign a file with the default key; the signature is written next to it',
      command: 'notary blob sign <blob_path>',
    },
    {
      title: 'Sign as COSE into a directory, overwriting an earlier signature',
      command: 'notary blob sign --signature-format cose --signature-directory <dir> --force <blob_path>',
    },
    {
      title: 'Sign with a media type and timestamping',
      command:
        'notary blob sign --media-type application/gzip --timestamp-url <tsa_url> --timestamp-root-cert <tsa_root.pem> <blob_path>',
    },
  ],
  'blob verify': [
    {
      title: 'Verify a file against its signature',
      command: 'notary blob verify --signature <blob_path>.jws.sig <blob_path>',
    },
    {
      title: 'Verify under a named blob policy, requiring user metadata',
      command: 'notary blob verify --policy-name <policy_name> -m team=blue --signature <signature_path> <blob_path>',
    },
    {
      title: 'Print every check as JSON',
      command: 'notary blob verify -o json --signature <signature_path> <blob_path>',
    },
  ],
  'blob inspect': [
    { title: 'Inspect a blob signature', command: 'notary blob inspect <blob_path>.cose.sig' },
    { title: 'Inspect it as JSON', command: 'notary blob inspect -o json <blob_path>.jws.sig' },
  ],
  'blob policy import': [
    { title: 'Import a blob trust policy document', command: 'notary blob policy import ./trustpolicy.blob.json' },
    {
      title: 'Replace the current one without asking',
      command: 'notary blob policy import --force ./trustpolicy.blob.json',
    },
  ],
  'blob policy show': [
    { title: 'Print the blob trust policy', command: 'notary blob policy show' },
    { title: 'Save it to a file to edit', command: 'notary blob policy show > trustpolicy.blob.json' },
  ],
  'blob policy init': [
    {
      title: 'Create a blob policy trusting one store and identity',
      command:
        'notary blob policy init --name release --trust-store ca:acme --trusted-identity "x509.subject: C=US, O=Acme, CN=release.acme"',
    },
    {
      title: 'Create it as the global policy, trusting any identity of the store',
      command: 'notary blob policy init --name any --trust-store ca:acme --trusted-identity "*" --global',
    },
  ],
  'certificate add': [
    {
      title: 'Add a CA root to the "ca" store named acme',
      command: 'notary cert add --type ca --store acme ./acme-root.crt',
    },
    {
      title: 'Add a TSA root to the "tsa" store named timestamp',
      command: 'notary cert add -t tsa -s timestamp ./tsa-root.pem',
    },
  ],
  'certificate list': [
    { title: 'List every trusted certificate', command: 'notary cert ls' },
    { title: 'List the certificates of the "ca" store named acme', command: 'notary cert ls --type ca --store acme' },
  ],
  'certificate show': [
    {
      title: 'Show a certificate of the "ca" store named acme',
      command: 'notary cert show --type ca --store acme acme-root.crt',
    },
  ],
  'certificate delete': [
    { title: 'Delete one certificate', command: 'notary cert delete --type ca --store acme acme-root.crt' },
    {
      title: 'Delete every certificate of a store without asking',
      command: 'notary cert delete --type ca --store acme --all -y',
    },
  ],
  'certificate generate-test': [
    {
      title: 'Make a test key and self-signed certificate, trusted in the "ca" store of the same name',
      command: 'notary cert generate-test test.example',
    },
    {
      title: 'Make a 3072-bit one and use it as the default signing key',
      command: 'notary cert generate-test --bits 3072 --default test.example',
    },
  ],
  'policy import': [
    { title: 'Import an OCI trust policy document', command: 'notary policy import ./trustpolicy.oci.json' },
    { title: 'Replace the current one without asking', command: 'notary policy import --force ./trustpolicy.oci.json' },
  ],
  'policy show': [
    { title: 'Print the OCI trust policy', command: 'notary policy show' },
    { title: 'Save it to a file to edit', command: 'notary policy show > trustpolicy.oci.json' },
  ],
  'key add': [
    {
      title: 'Add a local key and its certificate chain as the default signing key',
      command: 'notary key add --key-file ./signer.key --cert-file ./signer.crt --default signer',
    },
    { title: 'Add a key held by a plugin', command: 'notary key add --plugin <plugin_name> --id <key_id> kms-key' },
  ],
  'key update': [{ title: 'Make a key the default signing key', command: 'notary key update --default signer' }],
  'key list': [{ title: 'List the signing keys (the default one is marked with *)', command: 'notary key ls' }],
  'key delete': [
    { title: 'Remove signing keys from the list (their files stay)', command: 'notary key delete signer old-signer' },
  ],
  'plugin install': [
    { title: 'Install a plugin executable', command: 'notary plugin install --file ./notation-example' },
    {
      title: 'Install a plugin archive from a URL, checked against its SHA-256',
      command: 'notary plugin install --url https://example.com/notation-example.tar.gz --sha256sum <sha256_hex>',
    },
    { title: 'Replace an installed version', command: 'notary plugin install --file ./notation-example.zip --force' },
  ],
  'plugin uninstall': [
    { title: 'Uninstall a plugin without asking', command: 'notary plugin uninstall --yes example' },
  ],
  'plugin list': [{ title: 'List the installed plugins', command: 'notary plugin ls' }],
  login: [
    { title: 'Log in with a password read from stdin', command: 'notary login -u <user> --password-stdin <registry>' },
    {
      title: 'Log in to a plain-HTTP registry for testing',
      command: 'notary login --insecure-registry -u <user> -p <password> localhost:5000',
    },
  ],
  logout: [{ title: 'Remove the stored credential of a registry', command: 'notary logout <registry>' }],
  version: [{ title: 'Show the version', command: 'notary version' }],
  'completion bash': [
    { title: 'Load completions in the current shell', command: 'source <(notary completion bash)' },
    {
      title: 'Load them in every new shell',
      command: 'notary completion bash > ~/.local/share/bash-completion/completions/notary',
    },
  ],
  'completion zsh': [
    { title: 'Load completions in every new zsh', command: `echo 'source <(notary completion zsh)' >> ~/.zshrc` },
  ],
  'completion fish': [
    {
      title: 'Load completions in every new fish',
      command: 'notary completion fish > ~/.config/fish/completions/notary.fish',
    },
  ],
  'completion powershell': [
    {
      title: 'Load completions in the current session',
      command: 'notary completion powershell | Out-String | Invoke-Expression',
    },
  ],
};

/** The examples of the command at `path` (`notary cert add` → `certificate add`, aliases resolved by the caller). */
export function examplesFor(canonicalPath: string): readonly HelpExample[] {
  return HELP_EXAMPLES[canonicalPath.replace(/^notary ?/, '')] ?? [];
}
