/**
 * Choosing the statement that governs an artifact (TP-9) or a blob (BTP-2).
 * Errors are `ERR_POLICY_NOT_APPLICABLE`: notation reports every selection
 * failure, a malformed reference included, as "no applicable trust policy".
 */

import { goQuote } from '@x/notary-pki/foundation';
import { TrustPolicyError } from './errors.js';
import type {
  BlobTrustPolicyDocument,
  BlobTrustPolicyStatement,
  OciTrustPolicyDocument,
  OciTrustPolicyStatement,
} from './policy-document.js';
import { GLOBAL_SCOPE, registryScopeProblem } from './registry-scope.js';

const TRUST_POLICY_LINK = 'https://notaryproject.dev/docs/quickstart/#create-a-trust-policy';

function notApplicable(message: string, statement?: string): TrustPolicyError {
  return new TrustPolicyError('ERR_POLICY_NOT_APPLICABLE', message, statement === undefined ? {} : { statement });
}

/**
 * TP-9 [impl]: the repository of `registry/repo@digest` (everything before
 * the last `@`), checked against the registry-scope grammar (TP-8).
 */
export function repositoryOfReference(artifactReference: string): string {
  const at = artifactReference.lastIndexOf('@');
  if (at < 0) {
    throw notApplicable(
      `artifact URI ${goQuote(artifactReference)} could not be parsed, make sure it is the fully qualified oci artifact URI without the scheme/protocol. e.g domain.com:80/my/repository@sha256:digest`,
    );
  }
  const repository = artifactReference.slice(0, at);
  const problem = registryScopeProblem(repository);
  if (problem !== undefined) throw notApplicable(problem);
  return repository;
}

/**
 * TP-9: the statement whose scopes contain the artifact's repository,
 * otherwise the global (`*`) statement, otherwise
 * {@link TrustPolicyError} `ERR_POLICY_NOT_APPLICABLE`.
 */
export function selectOciStatement(
  document: OciTrustPolicyDocument,
  artifactReference: string,
): OciTrustPolicyStatement {
  const repository = repositoryOfReference(artifactReference);
  let exact: OciTrustPolicyStatement | undefined;
  let global: OciTrustPolicyStatement | undefined;
  for (const statement of document.trustPolicies) {
    if (statement.registryScopes.includes(GLOBAL_SCOPE)) global = statement;
    else if (statement.registryScopes.includes(repository)) exact = statement;
  }
  const selected = exact ?? global;
  if (selected === undefined) {
    throw notApplicable(
      `artifact ${goQuote(artifactReference)} has no applicable oci trust policy statement. Trust policy applicability for a given artifact is determined by registryScopes. To create a trust policy, see: ${TRUST_POLICY_LINK}`,
    );
  }
  return selected;
}

/**
 * BTP-2: with a name, the statement of exactly that name (a blank name is an
 * error, as in notation); without one (`undefined`), the `globalPolicy`
 * statement. Throws `ERR_POLICY_NOT_APPLICABLE` when there is none.
 */
export function selectBlobStatement(document: BlobTrustPolicyDocument, name?: string): BlobTrustPolicyStatement {
  if (name === undefined) {
    const global = document.trustPolicies.find((s) => s.globalPolicy === true);
    if (global === undefined) throw notApplicable('no global blob trust policy');
    return global;
  }
  if (name.trim() === '') throw notApplicable('policy name cannot be empty');
  const statement = document.trustPolicies.find((s) => s.name === name);
  if (statement === undefined) throw notApplicable(`no applicable blob trust policy with name ${goQuote(name)}`, name);
  return statement;
}
