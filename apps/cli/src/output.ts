/** Where a command writes; tests and the progress display ask whether each stream is a terminal. */
export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Output {
  constructor(
    readonly stdout: Stream = process.stdout,
    readonly stderr: Stream = process.stderr,
  ) {}

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  error(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
  align?: 'left' | 'right';
  /** Longer values are cut with an ellipsis. */
  maxWidth?: number;
}

/** Aligned columns separated by two spaces, a header line, no trailing spaces. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row), column.maxWidth)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((r) => r[i].length)));
  const render = (values: string[]) =>
    values
      .map((value, i) => (columns[i].align === 'right' ? value.padStart(widths[i]) : value.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.header)), ...cells.map(render)].join('\n');
}

/** "Label:  value" lines with the values aligned. */
export function keyValues(entries: readonly [string, string | number | boolean | null | undefined][]): string {
  const width = Math.max(...entries.map(([key]) => key.length + 1));
  return entries.map(([key, value]) => `${`${key}:`.padEnd(width)}  ${cell(value)}`.trimEnd()).join('\n');
}

function cell(value: string | number | boolean | null | undefined, maxWidth?: number): string {
  if (value === null || value === undefined) return '-';
  const text = String(value).replace(/\s*[\r\n]+\s*/g, ' ');
  if (text === '') return '-';
  if (maxWidth && text.length > maxWidth) return `${text.slice(0, Math.max(1, maxWidth - 1))}…`;
  return text;
}

/** ISO-8601 in UTC to the second: unambiguous and sortable. */
export function time(value: string | null | undefined): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function duration(fromIso: string | null | undefined, toIso: string | null | undefined): string | null {
  if (!fromIso || !toIso) return null;
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${seconds} s`;
}

export const yesNo = (value: boolean | null | undefined) => (value ? 'yes' : 'no');
