export { verifySignature, type VerifySignatureOptions, type PolicySelection } from './verify-signature.js';
