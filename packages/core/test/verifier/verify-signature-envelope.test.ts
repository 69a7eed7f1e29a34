import { describe, it } from 'vitest';
import * as envelope from '@x/notary-envelope';
import * as pki from '@x/notary-pki';
import * as policy from '@x/notary-trust-policy';
import * as core from '../../src/index.js';
import { verifierCases } from '../conformance/suite.js';

describe('verifySignatureEnvelope: the level × check table (Node)', () => {
  for (const c of verifierCases({ pki, envelope, policy, core })) it(c.name, c.run);
});
