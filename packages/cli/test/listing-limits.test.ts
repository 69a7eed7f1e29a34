/**
 * What `notary verify`, `ls` and `inspect` ask of a registry: the requests of
 * one verify (issue 13 item 9: four on a Referrers-API registry, counted in
 * the request logs of the in-process referrers registry and of the fault
 * proxy in front of docker-registry), and listings bounded by
 * `--max-signatures` and by the hard caps against a `Link` chain that never
 * ends (issue 12 finding 2; the in-process registry in that mode, started here).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RemoteRepository } from '@x/notary-oci';
import type {} from '@x/notary-test-servers/oci/global-setup';
import { type ReferrersRegistry, startReferrersRegistry } from '@x/notary-test-servers/oci/referrers-registry';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/** The referrers page bound of oci's listReferrers (issue 12 finding 2; internal to oci). */
const MAX_REFERRERS_PAGES = 100;

import { makeHome, pushImage, strictOciPolicy, type TestHome } from './helpers.js';

const oci = inject('ociServers');
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

interface LoggedRequest {
  method: string;
  url: string;
}

async function requestLog(url: string): Promise<LoggedRequest[]> {
  const response = await fetch(url);
  return (await response.json()) as LoggedRequest[];
}

let home: TestHome;
let endless: ReferrersRegistry;

beforeAll(async () => {
  [home, endless] = await Promise.all([makeHome(), startReferrersRegistry({ endlessReferrers: { perPage: 2 } })]);
  await home.ok(['cert', 'generate-test', '--default', 'limits.example']);
  const file = join(home.dir, 'policy.json');
  await writeFile(file, strictOciPolicy(['*'], 'limits.example'));
  await home.ok(['policy', 'import', file]);
});

afterAll(async () => {
  await endless?.stop();
});

describe('issue 13 item 9: the requests of notary verify', () => {
  const cases = [
    {
      label: 'the Referrers-API registry (OCI-7)',
      host: oci.referrers.host,
      log: oci.referrers.requestsUrl,
      expected: ['HEAD manifests', 'GET referrers', 'GET manifests', 'GET blobs'],
    },
    // A new process knows nothing of the registry: the Referrers API is asked once, answers 404, then the index.
    {
      label: 'docker-registry behind the fault proxy (tag schema, OCI-8)',
      host: oci.faultProxy.host,
      log: oci.faultProxy.requestsUrl,
      expected: ['HEAD manifests', 'GET referrers', 'GET manifests', 'GET manifests', 'GET blobs'],
    },
  ];
  it.each(cases)(
    'issue 13 item 9 WF-1: verify against $label sends $expected.length requests, the subject HEAD once',
    async ({ host, log, expected }) => {
      const repository = `cli-requests/${run}`;
      const remote = new RemoteRepository({ registry: host, repository });
      const image = await pushImage(remote, 'v1', `request count ${run} ${host}`);
      const reference = `${host}/${repository}@${image.digest}`;
      await home.ok(['sign', reference]);
      const before = (await requestLog(log)).length;
      expect(await home.ok(['verify', reference])).toBe(`Successfully verified signature for ${reference}\n`);
      const sent = (await requestLog(log))
        .slice(before)
        .filter((r) => r.url.includes(`/${repository}/`))
        .map((r) => `${r.method} ${/\/v2\/.+\/(manifests|blobs|referrers)\//.exec(r.url)?.[1] ?? r.url}`);
      expect(sent).toEqual(expected);
    },
  );
});

describe('issue 12 finding 2: ls and inspect against a Link chain that never ends', () => {
  let reference: string;
  beforeAll(async () => {
    const repository = `cli-endless/${run}`;
    const remote = new RemoteRepository({ registry: endless.host, repository });
    const image = await pushImage(remote, 'v1', `endless ${run}`);
    reference = `${endless.host}/${repository}@${image.digest}`;
  });
  const referrersGets = (since: number) =>
    endless
      .requests()
      .slice(since)
      .filter((r) => r.method === 'GET' && r.url.includes('/referrers/')).length;

  it('issue 12 finding 2 WF-3: ls --max-signatures 3 lists 3, warns that the limit was exceeded, and fetches 2 pages of 2', async () => {
    const mark = endless.requests().length;
    const result = await home.notary(['ls', '--max-signatures', '3', reference]);
    expect(result.code, result.stderr).toBe(0);
    expect(
      result.stdout
        .trimEnd()
        .split('\n')
        .filter((l) => /[├└]── sha256:[0-9a-f]{64}$/.test(l)),
    ).toHaveLength(3);
    expect(result.stderr).toContain('exceeded configured limit of max signatures 3 to examine');
    expect(referrersGets(mark)).toBe(2);
  });

  it.each(['ls', 'inspect'])(
    `issue 12 finding 2: %s with a huge --max-signatures stops at ${MAX_REFERRERS_PAGES} pages with the typed error`,
    async (command) => {
      const mark = endless.requests().length;
      const line = await home.fails([command, '--max-signatures', '1000000', reference]);
      expect(line).toMatch(/more than 100 pages of referrers/);
      expect(referrersGets(mark)).toBe(MAX_REFERRERS_PAGES);
    },
  );
});
