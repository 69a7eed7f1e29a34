/**
 * Registry scopes (TP-8) and artifact repositories (TP-9 [impl]) share one
 * grammar: `domain/repository`, split at the first `/`, each part matching
 * the distribution-derived regexes notation-go uses, and no `*` anywhere
 * (the single-character `*` scope is handled by the callers as "global").
 */
import { goQuote } from '@x/notary-pki/foundation';

export const GLOBAL_SCOPE = '*';

const DOMAIN =
  /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))+)?(?::[0-9]+)?$/;
const REPOSITORY =
  /^[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?(?:(?:\/[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?)+)?$/;
const ENSURE =
  'make sure it is a fully qualified repository without the scheme, protocol or tag. For example domain.com/my/repository or a local scope like local/myOCILayout';

/**
 * Why `scope` is not a valid registry scope, in notation's words, or
 * `undefined` when it is valid. `*` alone is not accepted here.
 */
export function registryScopeProblem(scope: string): string | undefined {
  // notation tests `len(scope) > 1`, so a lone `*` falls through to the format error.
  if (scope.length > 1 && scope.includes('*'))
    return `registry scope ${goQuote(scope)} with wild card(s) is not valid, ${ENSURE}`;
  const slash = scope.indexOf('/');
  if (slash < 0) return `registry scope ${goQuote(scope)} is not valid, ${ENSURE}`;
  const domain = scope.slice(0, slash);
  const repository = scope.slice(slash + 1);
  if (domain === '' || repository === '' || !DOMAIN.test(domain) || !REPOSITORY.test(repository)) {
    return `registry scope ${goQuote(scope)} is not valid, ${ENSURE}`;
  }
  return undefined;
}

export function isValidRegistryScope(scope: string): boolean {
  return registryScopeProblem(scope) === undefined;
}
