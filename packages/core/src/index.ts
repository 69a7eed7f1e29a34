export { verifySignature, type VerifySignatureOptions } from './verify-signature.js';
