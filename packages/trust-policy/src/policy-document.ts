/**
 * Trust policy documents (TP-2 … TP-10, BTP-1) as validated, deeply frozen
 * plain data. Parsing never touches the file system; the loaders in
 * `./node` read `trustpolicy.oci.json` / `trustpolicy.blob.json` and call
 * these functions.
 *
 * The rules and their order follow notation-go's `OCIDocument.Validate` /
 * `BlobDocument.Validate`, and so do the messages, because the upstream
 * vectors quote them. Where notation leaves a rule unenforced (BTP-1's
 * global + skip check, AMB-13) this parser enforces it.
 */

import { goQuote } from '@x/notary-pki/foundation';
import { TrustPolicyError } from './errors.js';
import { deepFreeze } from './freeze.js';
import { GLOBAL_SCOPE, registryScopeProblem } from './registry-scope.js';
import {
  isTrustStoreType,
  isValidTrustStoreName,
  splitTrustStoreReference,
  trustStoreNameRule,
} from './trust-store-reference.js';
import { validateTrustedIdentities } from './trusted-identities.js';
import {
  resolveVerificationActions,
  type SignatureVerification,
  type ValidationAction,
  type ValidationType,
  VERIFY_TIMESTAMP_OPTIONS,
  type VerificationLevel,
  type VerifyTimestampOption,
} from './verification-level.js';

export type { SignatureVerification, ValidationAction, ValidationType, VerificationLevel, VerifyTimestampOption };

/** TP-2: the only supported document version. */
export const TRUST_POLICY_VERSION = '1.0';

/** TP-3 / BTP-1: one statement; `registryScopes` only in OCI documents, `globalPolicy` only in blob documents. */
export interface TrustPolicyStatement {
  readonly name: string;
  readonly registryScopes?: readonly string[];
  readonly signatureVerification: SignatureVerification;
  /** `type:name` references (TP-7); absent or empty only for `skip`. */
  readonly trustStores?: readonly string[];
  /** `*`, `x509.subject:<DN>` or other `prefix:value` entries (TP-10); absent or empty only for `skip`. */
  readonly trustedIdentities?: readonly string[];
  readonly globalPolicy?: boolean;
}

export interface OciTrustPolicyStatement extends TrustPolicyStatement {
  readonly registryScopes: readonly string[];
  readonly globalPolicy?: never;
}

export interface BlobTrustPolicyStatement extends TrustPolicyStatement {
  readonly registryScopes?: never;
}

export interface OciTrustPolicyDocument {
  readonly version: typeof TRUST_POLICY_VERSION;
  readonly trustPolicies: readonly OciTrustPolicyStatement[];
}

export interface BlobTrustPolicyDocument {
  readonly version: typeof TRUST_POLICY_VERSION;
  readonly trustPolicies: readonly BlobTrustPolicyStatement[];
}

type Kind = 'oci' | 'blob';
const CONFIG_LABEL: Record<Kind, string> = { oci: 'OCI', blob: 'blob' };

/* ------------------------------------------------------------------------ */
/* JSON shape: what Go's json.Unmarshal into notation's structs would accept */
/* ------------------------------------------------------------------------ */

interface Shaped {
  version: string;
  trustPolicies: ShapedStatement[];
}

interface ShapedStatement {
  name: string;
  registryScopes?: string[];
  signatureVerification: { level: string; override?: Record<string, string>; verifyTimestamp?: string };
  trustStores?: string[];
  trustedIdentities?: string[];
  globalPolicy?: boolean;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** A member of the wrong JSON type; caught below and reported with the file's label (a NotaryError too, issue 14 finding 3). */
class ShapeError extends TrustPolicyError {
  constructor(field: string, message: string) {
    super('ERR_POLICY_INVALID', message, { field });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go decodes JSON null into a zero value, so null is the same as absent. */
function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ShapeError(field, `${field} must be a string, got ${describe(value)}`);
  return value;
}

function optionalStringArray(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value))
    throw new ShapeError(field, `${field} must be an array of strings, got ${describe(value)}`);
  return value.map((item, i) => optionalString(item, `${field}[${i}]`) ?? '');
}

function shapeStatement(value: unknown, kind: Kind, field: string): ShapedStatement {
  if (value === null) value = {};
  if (!isObject(value)) throw new ShapeError(field, `${field} must be an object, got ${describe(value)}`);
  const svRaw = value['signatureVerification'] ?? {};
  if (!isObject(svRaw))
    throw new ShapeError(
      `${field}.signatureVerification`,
      `${field}.signatureVerification must be an object, got ${describe(svRaw)}`,
    );
  const sv: ShapedStatement['signatureVerification'] = {
    level: optionalString(svRaw['level'], `${field}.signatureVerification.level`) ?? '',
  };
  const overrideRaw = svRaw['override'];
  if (overrideRaw !== undefined && overrideRaw !== null) {
    if (!isObject(overrideRaw)) {
      throw new ShapeError(
        `${field}.signatureVerification.override`,
        `${field}.signatureVerification.override must be an object, got ${describe(overrideRaw)}`,
      );
    }
    const override: Record<string, string> = {};
    for (const [key, action] of Object.entries(overrideRaw)) {
      override[key] = optionalString(action, `${field}.signatureVerification.override.${key}`) ?? '';
    }
    if (Object.keys(override).length > 0) sv.override = override;
  }
  const verifyTimestamp = optionalString(svRaw['verifyTimestamp'], `${field}.signatureVerification.verifyTimestamp`);
  if (verifyTimestamp !== undefined && verifyTimestamp !== '') sv.verifyTimestamp = verifyTimestamp;

  const statement: ShapedStatement = {
    name: optionalString(value['name'], `${field}.name`) ?? '',
    signatureVerification: sv,
  };
  if (kind === 'oci')
    statement.registryScopes = optionalStringArray(value['registryScopes'], `${field}.registryScopes`) ?? [];
  const trustStores = optionalStringArray(value['trustStores'], `${field}.trustStores`);
  if (trustStores !== undefined) statement.trustStores = trustStores;
  const trustedIdentities = optionalStringArray(value['trustedIdentities'], `${field}.trustedIdentities`);
  if (trustedIdentities !== undefined) statement.trustedIdentities = trustedIdentities;
  if (kind === 'blob') {
    const globalPolicy = value['globalPolicy'];
    if (globalPolicy !== undefined && globalPolicy !== null && typeof globalPolicy !== 'boolean') {
      throw new ShapeError(
        `${field}.globalPolicy`,
        `${field}.globalPolicy must be a boolean, got ${describe(globalPolicy)}`,
      );
    }
    if (globalPolicy === true) statement.globalPolicy = true;
  }
  // Members notation does not know (e.g. `registryScopes` in a blob policy) are ignored, as Go's decoder does.
  return statement;
}

function shapeDocument(value: unknown, kind: Kind): Shaped {
  if (!isObject(value)) throw new ShapeError('', `the document must be a JSON object, got ${describe(value)}`);
  const statements = value['trustPolicies'];
  if (statements !== undefined && statements !== null && !Array.isArray(statements)) {
    throw new ShapeError('trustPolicies', `trustPolicies must be an array, got ${describe(statements)}`);
  }
  return {
    version: optionalString(value['version'], 'version') ?? '',
    trustPolicies: (statements ?? []).map((s: unknown, i: number) => shapeStatement(s, kind, `trustPolicies[${i}]`)),
  };
}

function readDocument(json: unknown, kind: Kind): Shaped {
  const label = CONFIG_LABEL[kind];
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new TrustPolicyError(
        'ERR_POLICY_INVALID',
        `failed to parse ${label} trust policy configuration: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  try {
    return shapeDocument(value, kind);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new TrustPolicyError(
      'ERR_POLICY_INVALID',
      `failed to parse ${label} trust policy configuration: ${error.message}`,
      {
        field: error.field || undefined,
        cause: error,
      },
    );
  }
}

/* ------------------------------------------------------------------------ */
/* Rules                                                                     */
/* ------------------------------------------------------------------------ */

function policyError(
  message: string,
  options: { statement?: string; field?: string; cause?: unknown } = {},
): TrustPolicyError {
  return new TrustPolicyError('ERR_POLICY_INVALID', message, options);
}

/** TP-7: every entry is `type:name` with a known type and a portable name. Duplicates are allowed (loaded once). */
function validateTrustStores(name: string, trustStores: readonly string[], field: string): void {
  const q = goQuote(name);
  trustStores.forEach((reference, i) => {
    const at = `${field}[${i}]`;
    const parts = splitTrustStoreReference(reference);
    if (parts === undefined) {
      throw policyError(
        `trust policy statement ${q} has malformed trust store value ${goQuote(reference)}. The required format is <TrustStoreType>:<TrustStoreName>`,
        {
          statement: name,
          field: at,
        },
      );
    }
    if (!isTrustStoreType(parts.type)) {
      throw policyError(
        `trust policy statement ${q} uses an unsupported trust store type ${goQuote(parts.type)} in trust store value ${goQuote(reference)}`,
        {
          statement: name,
          field: at,
        },
      );
    }
    if (!isValidTrustStoreName(parts.name)) {
      throw policyError(
        `trust policy statement ${q} uses an unsupported trust store name ${goQuote(parts.name)} in trust store value ${goQuote(reference)}. Named store name needs to follow ${trustStoreNameRule(parts.name)}`,
        { statement: name, field: at },
      );
    }
  });
}

/**
 * The rules shared by OCI and blob statements (notation's `validatePolicyCore`):
 * name (TP-2), level and overrides (TP-4, TP-6), verifyTimestamp (TP-5),
 * stores and identities required unless skip and forbidden with skip (TP-3),
 * store references (TP-7) and identities (TP-10, DN-1 … DN-3).
 */
function validateStatementCore(statement: ShapedStatement, field: string): void {
  const name = statement.name;
  if (name === '')
    throw policyError('a trust policy statement is missing a name, every statement requires a name', {
      field: `${field}.name`,
    });
  const q = goQuote(name);
  const sv = statement.signatureVerification;
  try {
    resolveVerificationActions(sv);
  } catch (error) {
    if (!(error instanceof TrustPolicyError)) throw error;
    throw policyError(`trust policy statement ${q} has invalid signatureVerification: ${error.message}`, {
      statement: name,
      field: `${field}.signatureVerification${error.field ? `.${error.field}` : ''}`,
      cause: error,
    });
  }
  if (
    sv.verifyTimestamp !== undefined &&
    !(VERIFY_TIMESTAMP_OPTIONS as readonly string[]).includes(sv.verifyTimestamp)
  ) {
    throw policyError(
      `trust policy statement ${q} has invalid signatureVerification: verifyTimestamp must be "always" or "afterCertExpiry", but got ${goQuote(sv.verifyTimestamp)}`,
      { statement: name, field: `${field}.signatureVerification.verifyTimestamp` },
    );
  }
  const trustStores = statement.trustStores ?? [];
  const trustedIdentities = statement.trustedIdentities ?? [];
  if (sv.level === 'skip') {
    if (trustStores.length > 0 || trustedIdentities.length > 0) {
      throw policyError(
        `trust policy statement ${q} is set to skip signature verification but configured with trust stores and/or trusted identities, remove them if signature verification needs to be skipped`,
        { statement: name, field: trustStores.length > 0 ? `${field}.trustStores` : `${field}.trustedIdentities` },
      );
    }
    return;
  }
  if (trustStores.length === 0 || trustedIdentities.length === 0) {
    throw policyError(
      `trust policy statement ${q} is either missing trust stores or trusted identities, both must be specified`,
      {
        statement: name,
        field: trustStores.length === 0 ? `${field}.trustStores` : `${field}.trustedIdentities`,
      },
    );
  }
  validateTrustStores(name, trustStores, `${field}.trustStores`);
  validateTrustedIdentities(name, trustedIdentities, `${field}.trustedIdentities`);
}

/** Re-throws a statement-level error with notation's document prefix (`oci trust policy: …`). */
function prefixed(kind: Kind, error: unknown): never {
  if (error instanceof TrustPolicyError) {
    throw new TrustPolicyError(error.code, `${kind} trust policy: ${error.message}`, {
      statement: error.statement,
      field: error.field,
      cause: error,
    });
  }
  throw error;
}

function validateHeader(doc: Shaped, kind: Kind): void {
  if (doc.version === '')
    throw policyError(`${kind} trust policy document has empty version, version must be specified`, {
      field: 'version',
    });
  if (doc.version !== TRUST_POLICY_VERSION)
    throw policyError(`${kind} trust policy document uses unsupported version ${goQuote(doc.version)}`, {
      field: 'version',
    });
  if (doc.trustPolicies.length === 0)
    throw policyError(`${kind} trust policy document can not have zero trust policy statements`, {
      field: 'trustPolicies',
    });
}

/** TP-8: scopes per statement, then one statement per scope (first duplicate in document order). */
function validateRegistryScopes(doc: Shaped): void {
  const seen = new Map<string, number>();
  doc.trustPolicies.forEach((statement, i) => {
    const scopes = statement.registryScopes ?? [];
    const q = goQuote(statement.name);
    const field = `trustPolicies[${i}].registryScopes`;
    if (scopes.length === 0) {
      throw policyError(
        `oci trust policy statement ${q} has zero registry scopes, it must specify registry scopes with at least one value`,
        {
          statement: statement.name,
          field,
        },
      );
    }
    if (scopes.length > 1 && scopes.includes(GLOBAL_SCOPE)) {
      throw policyError(
        `oci trust policy statement ${q} uses wildcard registry scope '*', a wildcard scope cannot be used in conjunction with other scope values`,
        {
          statement: statement.name,
          field,
        },
      );
    }
    scopes.forEach((scope, j) => {
      if (scope !== GLOBAL_SCOPE) {
        const problem = registryScopeProblem(scope);
        if (problem !== undefined) throw policyError(problem, { statement: statement.name, field: `${field}[${j}]` });
      }
      seen.set(scope, (seen.get(scope) ?? 0) + 1);
    });
  });
  // Also catches a scope repeated inside one statement, as notation does.
  for (const [scope, count] of seen) {
    if (count > 1) {
      throw policyError(
        `registry scope ${goQuote(scope)} is present in multiple oci trust policy statements, one registry scope value can only be associated with one statement`,
        { field: 'registryScopes' },
      );
    }
  }
}

function validateStatements(doc: Shaped, kind: Kind): void {
  const names = new Set<string>();
  let globalSeen = false;
  doc.trustPolicies.forEach((statement, i) => {
    const field = `trustPolicies[${i}]`;
    if (names.has(statement.name)) {
      throw policyError(
        `multiple ${kind} trust policy statements use the same name ${goQuote(statement.name)}, statement names must be unique`,
        {
          statement: statement.name,
          field: `${field}.name`,
        },
      );
    }
    try {
      validateStatementCore(statement, field);
    } catch (error) {
      prefixed(kind, error);
    }
    if (kind === 'blob' && statement.globalPolicy === true) {
      if (globalSeen) {
        throw policyError(
          'multiple blob trust policy statements have globalPolicy set to true. Only one trust policy statement can be marked as global policy',
          { statement: statement.name, field: `${field}.globalPolicy` },
        );
      }
      // BTP-1 / AMB-13: notation's check is dead code (it compares a string
      // with a struct); the spec says MUST NOT, so it is enforced here.
      if (statement.signatureVerification.level === 'skip') {
        throw policyError('global blob trust policy statement cannot have verification level set to skip', {
          statement: statement.name,
          field: `${field}.signatureVerification.level`,
        });
      }
      globalSeen = true;
    }
    names.add(statement.name);
  });
}

/**
 * Parses and validates an OCI trust policy (`trustpolicy.oci.json`): a JSON
 * string or an already-parsed value. Throws {@link TrustPolicyError}
 * `ERR_POLICY_INVALID` (or `ERR_IDENTITY_INVALID` for a bad or overlapping
 * `x509.subject` DN) at the first broken rule, with `statement` and `field`
 * set where they apply. Returns a deeply frozen copy without unknown members.
 */
export function parseOciTrustPolicy(json: unknown): OciTrustPolicyDocument {
  const doc = readDocument(json, 'oci');
  validateHeader(doc, 'oci');
  validateStatements(doc, 'oci');
  validateRegistryScopes(doc);
  return deepFreeze(doc) as unknown as OciTrustPolicyDocument;
}

/** Parses and validates a blob trust policy (`trustpolicy.blob.json`); see {@link parseOciTrustPolicy}. */
export function parseBlobTrustPolicy(json: unknown): BlobTrustPolicyDocument {
  const doc = readDocument(json, 'blob');
  validateHeader(doc, 'blob');
  validateStatements(doc, 'blob');
  return deepFreeze(doc) as unknown as BlobTrustPolicyDocument;
}
