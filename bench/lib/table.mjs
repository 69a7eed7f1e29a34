/** The human-readable table of one case (stderr) and the Markdown table of a whole run. */

const fmt = (value) => {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
};

function rowsOf(result) {
  const rows = [];
  for (const r of result.results ?? []) {
    const label = r.label ?? r.alg ?? r.keySpec ?? '';
    const variants = Object.entries(r.variants ?? {})
      .map(([name, s]) => `${name} ${fmt(s.median)}±${fmt(s.iqr / 2)}`)
      .join('  ');
    const ratios = Object.entries(r.ratios ?? {})
      .map(([name, s]) => `${name} ${fmt(s.median)} [${fmt(s.q1)}-${fmt(s.q3)}]`)
      .join('  ');
    const target = r.target
      ? `${r.target.met ? 'met' : 'MISSED'} (${r.target.ratio} ${fmt(r.target.measured)}, target <= ${r.target.max})`
      : '';
    const extra = r.extra
      ? `  ${Object.entries(r.extra)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`
      : '';
    rows.push({ label, unit: r.unit, variants, ratios, target, extra });
  }
  return rows;
}

export function formatCase(result) {
  if (result.error) return `  ERROR: ${result.error.split('\n')[0]}\n`;
  if (result.pending) return `  pending: ${result.pending}\n`;
  let out = '';
  for (const row of rowsOf(result)) {
    out += `  ${row.label.padEnd(22)} [${row.unit}] ${row.variants}\n`;
    out += `  ${''.padEnd(22)} ratio ${row.ratios}  ${row.target}${row.extra}\n`;
  }
  for (const note of result.notes ?? []) out += `  note: ${note}\n`;
  out += `  => ${result.met === undefined ? '' : result.met ? 'target met' : 'target MISSED'} (${result.target ?? ''}) in ${result.seconds}s\n`;
  return out;
}

/** A Markdown table of a results document (for the README's Performance section). */
export function markdown(document) {
  const lines = [];
  const m = document.machine;
  lines.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${document.startedAt.slice(0, 10)}${document.quick ? ' (quick run)' : ''}`,
  );
  lines.push('');
  lines.push('| # | case | variant | SDK median (IQR) | baseline median (IQR) | ratio median [q1–q3] | target | met |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const c of document.cases) {
    if (c.error) {
      lines.push(`| ${c.case} | ${c.name} | | | | error | ${c.target ?? ''} | |`);
      continue;
    }
    if (c.pending) {
      lines.push(`| ${c.case} | ${c.name} | | | | pending: ${c.pending} | ${c.target ?? ''} | |`);
      continue;
    }
    for (const r of c.results ?? []) {
      if (!r.target) continue;
      if (Object.keys(r.variants ?? {}).length === 0) {
        // A measured quantity, not a ratio (case 7).
        const extra = Object.entries(r.extra ?? {})
          .map(([k, v]) => `${k} ${v}`)
          .join('; ');
        lines.push(
          `| ${c.case} | ${c.name} | ${r.label} | ${r.target.measured} ${r.unit} | - | ${extra} | ≤ ${r.target.max} ${r.unit} | ${r.target.met ? 'yes' : '**no**'} |`,
        );
        continue;
      }
      const [a, b] = r.target.ratio.split('/');
      const sa = r.variants?.[a];
      const sb = r.variants?.[b];
      const ratio = r.ratios?.[r.target.ratio];
      const others = Object.entries(r.ratios ?? {})
        .filter(([k]) => k !== r.target.ratio)
        .map(([k, s]) => `${k} ${fmt(s.median)}`)
        .join('; ');
      const cell = (s) => (s ? `${fmt(s.median)} ${r.unit} (${fmt(s.iqr)})` : (r.extraCells?.[a] ?? '-'));
      lines.push(
        `| ${c.case} | ${c.name} | ${r.label ?? r.alg} | ${cell(sa)} | ${sb ? cell(sb) : '-'} | ${r.target.ratio} ${fmt(ratio?.median)} [${fmt(ratio?.q1)}–${fmt(ratio?.q3)}]${others ? `; ${others}` : ''}${
          r.extra
            ? `; ${Object.entries(r.extra)
                .map(([k, v]) => `${k} ${v}`)
                .join('; ')}`
            : ''
        } | ≤ ${r.target.max} | ${r.target.met ? 'yes' : '**no**'} |`,
      );
    }
  }
  return lines.join('\n');
}
