/**
 * Turning what the verifier did with one case into a {@link Verdict}.
 *
 * A rejection is typed when the thrown error has a string `code` and nothing
 * on its cause chain is a programming error: the trust-policy pipeline's
 * catch-all `ERR_UNEXPECTED`, or a TypeError / ReferenceError that a parser
 * hit in the SDK's own code on hostile input and a caller wrapped (one
 * without a `code`: Node's own validation TypeErrors carry one; one thrown
 * inside a dependency's decoder is that decoder's way to fail; issue 12: "untyped TypeError
 * from parseCertificate on bad SPKI" reaches `verifyBlob` wrapped in a typed
 * ERR_ENVELOPE_MALFORMED). Hostile input must be refused by a check, not by
 * a crash that happens to be caught. An acceptance is
 * correct only when the target can say why, mechanically; otherwise it is
 * `accepted-must-reject`.
 */
import type { Verdict } from './types.js';

const MAX_CAUSES = 16;

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}

/** Whether the error's first stack frame is in a dependency (node_modules), not in the SDK's own code. */
function thrownInDependency(error: Error): boolean {
  const frame = error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  return frame !== undefined && frame.includes('/node_modules/');
}

/** The verdict of a thrown value. The code reported is the outer one and the innermost typed one, e.g. `ERR_VERIFICATION_FAILED<ERR_ENVELOPE_MALFORMED`. */
export function verdictOfError(error: unknown): Verdict {
  const outer = codeOf(error);
  if (outer === undefined) return { kind: 'rejected-untyped', error: describe(error) };
  let innermost = outer;
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && current !== undefined && current !== null; depth++) {
    const code = codeOf(current);
    if (code === 'ERR_UNEXPECTED') {
      const cause = (current as { cause?: unknown }).cause;
      return { kind: 'rejected-untyped', error: `ERR_UNEXPECTED wrapping ${describe(cause ?? current)}` };
    }
    // A TypeError with a code is a runtime's own input validation (Node's TextDecoder: ERR_ENCODING_INVALID_ENCODED_DATA), not a bug;
    // one thrown inside a third-party decoder (cbor2 on a 2^53-byte length) is that decoder's failure, which the SDK rightly wrapped.
    if (
      depth > 0 &&
      (current instanceof TypeError || current instanceof ReferenceError) &&
      code === undefined &&
      !thrownInDependency(current)
    ) {
      return { kind: 'rejected-untyped', error: `${innermost} wrapping ${describe(current)}` };
    }
    if (code !== undefined) innermost = code;
    current = (current as { cause?: unknown }).cause;
  }
  return { kind: 'rejected-typed', code: innermost === outer ? outer : `${outer}<${innermost}` };
}

/**
 * Runs one verification and classifies it: an acceptance goes to `judge`,
 * which returns the reason it is correct, or undefined when it is not (the
 * detail then says what was accepted).
 */
export async function classifyVerification<T>(
  verify: () => Promise<T>,
  judge: (result: T) => string | undefined,
  detail: string,
): Promise<Verdict> {
  let result: T;
  try {
    result = await verify();
  } catch (error) {
    return verdictOfError(error);
  }
  const reason = judge(result);
  return reason === undefined ? { kind: 'accepted-must-reject', detail } : { kind: 'accepted', reason };
}

/** Verdict kinds that fail a run (a deliberate disagreement is counted apart and does not). */
export const FAILING_KINDS = ['accepted-must-reject', 'rejected-untyped', 'hang', 'crash', 'disagreement'] as const;

/** The key a verdict is counted under in the summary. */
export function countKey(verdict: Verdict): string {
  return verdict.kind === 'disagreement' && verdict.deliberate ? 'disagreement-deliberate' : verdict.kind;
}
