/**
 * The shape the OCSP and CRL targets share: a JWS envelope signed by one of
 * the loopback PKI's leaves, verified by `verifyBlob` under a strict policy
 * (revocation enforced), with the leaf's OCSP response or CRL replaced by the
 * case's bytes, served from a loopback server. Mutations: format-blind bytes,
 * DER-tree edits, and structured edits re-signed with the responder's or the
 * CA's key. Accepted is correct only for the unchanged bytes or a structured
 * edit that names why (e.g. re-signed with content unchanged).
 */
import { readFile } from 'node:fs/promises';
import type { VerificationResult } from '@x/notary-core';
import { signerFromPrivateKey } from '@x/notary-envelope';
import { bytesEqual } from '@x/notary-pki/foundation';
import type { LeafFiles, PkiScenario } from '@x/notary-test-servers/pki/pki-scenario';
import { classifyVerification } from '../classify.js';
import {
  type BlobVerification,
  MEDIA_TYPE_JWS,
  signFixture,
  strictBlobPolicy,
  trustStoreOf,
  verifyEnvelope,
} from '../fixtures.js';
import {
  type MutatingServer,
  type Recording,
  recordedFor,
  recordingFetcher,
  startMutatingServer,
} from '../mutating-server.js';
import { mutateBytes } from '../mutations/bytes.js';
import { cloneDer, type DerNode, encodeDer, mutateDerTree, parseDer } from '../mutations/der.js';
import { type DerSigner, importPkcs8, resignSigned } from '../mutations/resign.js';
import type { FuzzCase, FuzzContext, FuzzTarget, Rng } from '../types.js';

export interface StructuredEdit {
  mutation: string;
  /** Set when acceptance is correct, and why. */
  acceptable?: string;
}

export interface RevocationTargetSpec {
  name: string;
  /** The leaf whose revocation source is fuzzed. */
  leaf: keyof PkiScenario['codeSigning']['leaves'];
  /** The URL the leaf's check fetches that the cases replace. */
  urlOf(leaf: LeafFiles): string;
  contentType: string;
  /** The key that signs the fuzzed structure in the loopback PKI. */
  signerOf(scenario: PkiScenario): { path: string; kind: 'ec' | 'rsa' };
  /** Edits the parsed original in place (and re-signs through `resign` when it wants a valid signature). */
  edit(
    rng: Rng,
    tree: DerNode,
    tools: { resign: (signed: DerNode) => Promise<void>; scenario: PkiScenario; leaf: LeafFiles },
  ): Promise<StructuredEdit>;
}

export function revocationTarget(spec: RevocationTargetSpec): FuzzTarget {
  let state:
    | {
        envelope: Uint8Array;
        original: Uint8Array;
        tree: DerNode;
        server: MutatingServer;
        verification: BlobVerification;
        signer: DerSigner;
        scenario: PkiScenario;
        leaf: LeafFiles;
      }
    | undefined;
  const facts = new WeakMap<FuzzCase, StructuredEdit>();

  return {
    name: spec.name,
    needsPkiServers: true,

    async setup(context: FuzzContext) {
      const scenario = context.pkiServers!.scenario;
      const leaf = scenario.codeSigning.leaves[spec.leaf];
      const text = (path: string) => readFile(path, 'utf8');
      const rootPem = await text(scenario.codeSigning.root.cert);
      const chainPem = (await text(leaf.cert)) + (await text(scenario.codeSigning.intermediate.cert)) + rootPem;
      const envelope = await signFixture(await signerFromPrivateKey(await text(leaf.key), chainPem), MEDIA_TYPE_JWS);
      const url = spec.urlOf(leaf);
      const recording: Recording = new Map();
      const base = { policy: strictBlobPolicy(), trustStore: trustStoreOf(rootPem) };
      // The fixture must verify against the real servers, which also hand us the bytes to mutate and to replay.
      await verifyEnvelope(envelope, MEDIA_TYPE_JWS, { ...base, revocation: { fetcher: recordingFetcher(recording) } });
      const recorded = recordedFor(recording, url);
      if (!recorded) throw new Error(`${spec.name}: the verification never fetched ${url}`);
      await state?.server.close();
      const server = await startMutatingServer();
      const key = spec.signerOf(scenario);
      state = {
        envelope,
        original: recorded.bytes,
        tree: parseDer(recorded.bytes),
        server,
        verification: { ...base, revocation: { fetcher: server.fetcherFor(url, recording) } },
        signer: await importPkcs8(key.path, key.kind),
        scenario,
        leaf,
      };
    },

    async generate(rng, index) {
      const s = state!;
      const id = `${spec.name}#${index}`;
      const family = rng.int(100);
      let fuzzCase: FuzzCase;
      if (family < 35) {
        const m = mutateBytes(rng, s.original);
        fuzzCase = { target: spec.name, id, mutation: `bytes ${m.mutation}`, bytes: m.bytes };
      } else if (family < 60) {
        const tree = cloneDer(s.tree);
        const mutation = mutateDerTree(rng, tree);
        fuzzCase = { target: spec.name, id, mutation, bytes: encodeDer(tree) };
      } else {
        const tree = cloneDer(s.tree);
        const edit = await spec.edit(rng, tree, {
          resign: (signed) => resignSigned(s.signer, signed),
          scenario: s.scenario,
          leaf: s.leaf,
        });
        fuzzCase = { target: spec.name, id, mutation: edit.mutation, bytes: encodeDer(tree) };
        facts.set(fuzzCase, edit);
      }
      return fuzzCase;
    },

    run(fuzzCase) {
      const s = state!;
      s.server.serve(fuzzCase.bytes, spec.contentType);
      const edit = facts.get(fuzzCase);
      return classifyVerification(
        () => verifyEnvelope(s.envelope, MEDIA_TYPE_JWS, s.verification),
        (result: VerificationResult) => {
          if (result.checks.revocation.outcome !== 'passed') return undefined;
          if (bytesEqual(fuzzCase.bytes, s.original)) return `the ${spec.name} bytes are identical to the original`;
          return edit?.acceptable;
        },
        `${fuzzCase.mutation}: revocation passed`,
      );
    },

    async teardown() {
      await state?.server.close();
      state = undefined;
    },
  };
}

/** Children of `node` with tag `tag`. */
export function childrenTagged(node: DerNode, tag: number): DerNode[] {
  return (node.children ?? []).filter((c) => c.tag === tag);
}

/** An INTEGER node from an upper-case hex serial. */
export function integerFromHex(hex: string): DerNode {
  const bytes = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  return { tag: 0x02, value: bytes[0]! & 0x80 ? Uint8Array.of(0, ...bytes) : bytes };
}
