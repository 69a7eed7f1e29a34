/**
 * The CLI's own failures, and how any failure becomes the one line notation
 * users expect on stderr: `Error: <reason>`, exit status 1.
 */
import { VerificationError, type VerificationResult, WorkflowError } from '@x/notary-core';
import { NotaryError } from '@x/notary-pki';
import { TrustPolicyError } from '@x/notary-trust-policy';
import { describeFailure } from './output/verification.js';

/** Codes of {@link CliError}. */
export type CliErrorCode =
  /** Bad command line: unknown command or flag, missing argument, flags that must (not) go together. */
  | 'ERR_USAGE'
  /** A notation config file (`signingkeys.json`, `config.json`, a policy) that cannot be used. */
  | 'ERR_CONFIG'
  /** No such signing key, no default key, or a key whose files do not match. */
  | 'ERR_KEY'
  /** A plugin that cannot do what was asked (an ENVELOPE plugin for a blob, timestamping with an ENVELOPE plugin, PLG-7). */
  | 'ERR_PLUGIN_UNSUPPORTED'
  /** `plugin install` / `uninstall` refused the package or the operation (PLG-1 … PLG-3). */
  | 'ERR_PLUGIN_INSTALL'
  /** A file or directory the command needs cannot be read or written. */
  | 'ERR_FILE'
  /** Registry login or logout failed. */
  | 'ERR_LOGIN'
  /** The command ran but reports failure (e.g. `inspect` skipped a signature). */
  | 'ERR_INCOMPLETE';

/** A failure the CLI itself detects. */
export class CliError extends NotaryError<CliErrorCode> {}

/** Shorthand for a usage error (cobra-style messages, as notation prints them). */
export function usageError(message: string): CliError {
  return new CliError('ERR_USAGE', message);
}

/** Go's wording for the common errno codes, as `os.Open` and friends print them. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
};

function nodeFsMessage(error: NodeJS.ErrnoException): string | undefined {
  if (typeof error.code !== 'string' || typeof error.path !== 'string') return undefined;
  const text = ERRNO_TEXT[error.code];
  if (text === undefined) return undefined;
  const operation =
    error.syscall === 'lstat' || error.syscall === 'stat'
      ? 'stat'
      : error.syscall === 'scandir'
        ? 'open'
        : (error.syscall ?? 'open');
  return `${operation} ${error.path}: ${text}`;
}

/** The failing check of the last failed signature, when verification ran. */
function withFailingCheck(message: string, results: readonly VerificationResult[], cause: unknown): string {
  const last = results.at(-1);
  if (last === undefined) return message;
  const failure = describeFailure(last, cause instanceof VerificationError ? cause : undefined);
  return failure ? `${message}: ${failure.check} check failed: ${failure.message}` : message;
}

/** The first error in `error`'s cause chain (itself included) with `code`. */
function findCode(error: unknown, code: string): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth += 1) {
    if ((current as { code?: unknown }).code === code) return true;
  }
  return false;
}

/** Hints notation users know, by the code somewhere in the failure. */
function withHint(error: unknown, reason: string): string {
  const login = error instanceof CliError && error.code === 'ERR_LOGIN';
  if (!login && findCode(error, 'ERR_OCI_UNAUTHORIZED'))
    return `${reason}. Use \`notary login <registry>\` or --username/--password to authenticate`;
  if (findCode(error, 'ERR_PLUGIN_TIMEOUT')) return `${reason}. Use --plugin-timeout to allow the plugin more time`;
  return reason;
}

/**
 * The reason shown after `Error: `. Typed errors keep their message (the SDK
 * packages already use notation's wording); some codes get notation's hints
 * or, for a failed verification, the check that failed.
 */
export function errorReason(error: unknown): string {
  return withoutRequirementIds(reasonOf(error));
}

function reasonOf(error: unknown): string {
  if (error instanceof WorkflowError) {
    if (error.code === 'ERR_VERIFICATION_FAILED' || error.code === 'ERR_VERIFICATION_INCONCLUSIVE') {
      return withFailingCheck(error.message, error.results, error.cause);
    }
    return error.message;
  }
  if (error instanceof VerificationError) {
    const failure = describeFailure(error.result, error);
    const base = error.message.replace(/^signature verification failed: .*$/s, 'signature verification failed');
    return failure ? `${base}: ${failure.check} check failed: ${failure.message}` : error.message;
  }
  if (error instanceof TrustPolicyError) {
    // notation: a missing store is a setup step the user skipped; say which command fixes it.
    if (error.code === 'ERR_TRUST_STORE_NOT_FOUND')
      return `${error.message}. Use command 'notary cert add' to create and add trusted certificates to the trust store`;
    return error.message;
  }
  if (error instanceof Error) {
    const fsMessage = nodeFsMessage(error as NodeJS.ErrnoException);
    if (fsMessage !== undefined) return fsMessage;
    return error.message || error.name;
  }
  return String(error);
}

/** The prefixes of the requirement IDs in notary-requirements.md (`PLG-2`, `ENV-JWS-4`, …). */
const REQUIREMENT_ID = String.raw`\b(?:AMB|ALG|ATTR|BTP|CERT|DN|ENV-COSE|ENV-JWS|OCI|PAY|PLG|REV|SCH|SIGN|TP|TS|TSA|VER|WF)-\d+\b`;
/** ` (PLG-2)`, ` (OCI-1, OCI-9)`, ` (OCI-9 limit)`: a parenthesis holding only requirement IDs. */
const REQUIREMENT_ID_NOTE = new RegExp(
  String.raw`\s*\((?:${REQUIREMENT_ID})(?:,\s*${REQUIREMENT_ID})*(?:\s+limit)?\)`,
  'g',
);

/**
 * issue 13 item 7: the SDK packages cite requirement IDs in their messages
 * (useful in a stack trace, noise to a user); the CLI drops them from what
 * it prints. Algorithm names such as `RSASSA-PSS-SHA-256` do not match.
 */
export function withoutRequirementIds(text: string): string {
  return text.replace(REQUIREMENT_ID_NOTE, '');
}

/** The single stderr line for a failure: multi-line reasons are joined so scripts can read one line. */
export function errorLine(error: unknown): string {
  const reason = withoutRequirementIds(withHint(error, errorReason(error)))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  return `Error: ${reason}`;
}
