/**
 * Plain-text layouts notation uses: trees (`list`, `inspect`) and
 * tab-aligned tables (`key list`, `cert list`, user metadata), plus Go's
 * time formats, so output reads the same as notation's.
 */

/** A tree node: `value`, then its children drawn with box characters. */
export class TreeNode {
  readonly children: TreeNode[] = [];

  constructor(readonly value: string) {}

  add(value: string): TreeNode {
    const child = new TreeNode(value);
    this.children.push(child);
    return child;
  }

  addPair(key: string, value: string): TreeNode {
    return this.add(`${key}: ${value}`);
  }

  render(): string {
    const lines: string[] = [];
    const walk = (node: TreeNode, prefix: string, marker: string, childPrefix: string): void => {
      lines.push(prefix + marker + node.value);
      node.children.forEach((child, index) => {
        const last = index === node.children.length - 1;
        walk(child, childPrefix, last ? '└── ' : '├── ', childPrefix + (last ? '    ' : '│   '));
      });
    };
    walk(this, '', '', '');
    return `${lines.join('\n')}\n`;
  }
}

/** Go's text/tabwriter with minwidth 0, padding 3, trailing tab: cells padded to the widest in their column. */
export function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]! + 3)).join('')).join('\n') + '\n';
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2, fill = '0') => String(n).padStart(width, fill);

/** Go's time.ANSIC (`Mon Jan _2 15:04:05 2006`) at `offsetMinutes` from UTC (default UTC), as notation's inspect prints times. */
export function formatAnsic(instant: Date, offsetMinutes = 0): string {
  const date = new Date(instant.getTime() + offsetMinutes * 60_000);
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate(), 2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}

/**
 * Go's time.RFC3339Nano, as encoding/json writes a time.Time: the fraction
 * only when non-zero, without trailing zeros (`…:05Z`, `…:05.12Z`), and the
 * offset as `Z` when zero, else `±hh:mm` (default UTC).
 */
export function formatRfc3339Nano(instant: Date, offsetMinutes = 0): string {
  const text = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString();
  const fraction = text.slice(19, 23).replace(/\.?0*$/, '');
  const offset = Math.abs(offsetMinutes);
  const zone =
    offsetMinutes === 0 ? 'Z' : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
  return `${text.slice(0, 19)}${fraction}${zone}`;
}

/** The local zone's offset from UTC at `instant`, in minutes (`$TZ`, as Go's time.Local). */
export function localOffsetMinutes(instant: Date): number {
  return -instant.getTimezoneOffset();
}
