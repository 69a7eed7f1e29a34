/**
 * `pnpm fuzz [--seed S] [--cases N] [--target name[,name]] [--case id] [--json out] [--hang-ms MS] [--examples N]`
 *
 * Prints the JSON summary on stdout (and writes it to --json), progress on
 * stderr; exits 1 when any case is accepted-must-reject, rejected-untyped,
 * a hang, a crash or a non-deliberate disagreement. `--case jws#17` (or
 * `--case 17 --target jws`) reruns one case with its full verdict.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runCampaign } from './campaign.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '12' },
    cases: { type: 'string', default: '1000' },
    target: { type: 'string' },
    case: { type: 'string' },
    json: { type: 'string' },
    'hang-ms': { type: 'string', default: '5000' },
    examples: { type: 'string', default: '5' },
  },
  allowPositionals: false,
});

let targets = values.target
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
let caseIndex: number | undefined;
if (values.case !== undefined) {
  const [name, index] = values.case.includes('#') ? values.case.split('#') : [undefined, values.case];
  if (name) targets = [name];
  caseIndex = Number(index);
  if (!Number.isSafeInteger(caseIndex) || caseIndex < 0)
    throw new Error(`--case must be <target>#<index> or an index, got ${values.case}`);
}

const summary = await runCampaign({
  seed: values.seed!,
  cases: Number(values.cases),
  ...(targets ? { targets } : {}),
  ...(caseIndex !== undefined ? { caseIndex } : {}),
  hangMs: Number(values['hang-ms']),
  examples: Number(values.examples),
  onProgress: (target, done, total) => {
    if (done === total || done % 250 === 0) process.stderr.write(`  ${target}: ${done}/${total}\n`);
  },
});
const text = `${JSON.stringify(summary, null, 2)}\n`;
process.stdout.write(text);
if (values.json) await writeFile(values.json, text);
process.stderr.write(
  `fuzz seed ${summary.seed}: ${Object.entries(summary.totals)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}; failing ${summary.failing} (${summary.seconds} s)\n`,
);
process.exitCode = summary.failing > 0 ? 1 : 0;
