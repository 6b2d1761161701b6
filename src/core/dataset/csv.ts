// A strict RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF) for labels and split lists. Strict
// because a lenient reader turns one stray quote into a quoted field that swallows every row after it:
// a quote inside an unquoted field, text after a closing quote, or a quote left open is a CsvError naming
// the file and the line.

import { CsvError } from './errors.ts';

/** Longest CSV accepted: a labels file for a million images is ~50 MB. */
export const MAX_CSV_CHARS = 64 * 2 ** 20;

class CsvReader {
  private readonly rows: string[][] = [];
  private row: string[] = [];
  private field = '';
  private line = 1;
  private i = 0;

  constructor(
    private readonly body: string,
    private readonly file: string,
  ) {}

  read(): string[][] {
    const { body } = this;
    while (this.i < body.length) {
      const ch = body[this.i];
      if (ch === '"') {
        if (this.field !== '')
          this.fail(this.line, 'a quote inside an unquoted field (quote the whole field)');
        this.quoted();
      } else if (ch === ',') {
        this.endField();
        this.i++;
      } else if (ch === '\n' || ch === '\r') {
        this.endRow();
        this.i += ch === '\r' && body[this.i + 1] === '\n' ? 2 : 1;
        this.line++;
      } else {
        this.field += ch;
        this.i++;
      }
    }
    if (this.field !== '' || this.row.length > 0) this.endRow();
    return this.rows;
  }

  /** A quoted field from its opening quote to its closing one; what follows must end the field. */
  private quoted(): void {
    const { body } = this;
    const opened = this.line;
    let text = '';
    this.i++;
    for (;;) {
      const close = body.indexOf('"', this.i);
      if (close < 0) this.fail(opened, 'a quoted field is never closed');
      text += body.slice(this.i, close);
      this.line += countNewlines(body, this.i, close);
      if (body[close + 1] === '"') {
        text += '"';
        this.i = close + 2;
        continue;
      }
      this.i = close + 1;
      break;
    }
    const next = body[this.i];
    if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
      this.fail(this.line, 'text after a closing quote (a stray quote?)');
    }
    this.field = text;
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
  }

  private endRow(): void {
    this.endField();
    this.rows.push(this.row);
    this.row = [];
  }

  private fail(line: number, message: string): never {
    throw new CsvError(this.file, line, message);
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) n++;
  }
  return n;
}

export function parseCsv(text: string, file = 'CSV'): string[][] {
  if (text.length > MAX_CSV_CHARS) {
    throw new CsvError(file, 1, `${text.length} characters, over the ${MAX_CSV_CHARS}-character limit`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a BOM from spreadsheet exports
  return new CsvReader(body, file).read().filter((r) => r.some((cell) => cell.trim() !== ''));
}
