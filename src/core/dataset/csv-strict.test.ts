import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { CsvError } from './errors.ts';

function errorOf(text: string): CsvError {
  try {
    parseCsv(text, 'labels.csv');
  } catch (err) {
    if (err instanceof CsvError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('strict CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b,c"\r\n"d ""e""","f\ng"\n')).toEqual([
      ['a', 'b,c'],
      ['d "e"', 'f\ng'],
    ]);
  });

  it('refuses a stray quote, naming the file and line, instead of swallowing the rows after it', () => {
    const err = errorOf('path,label\na.png,cat\nb.png,ca"t\nc.png,dog\n');
    expect(err.line).toBe(3);
    expect(err.message).toBe('labels.csv: line 3: a quote inside an unquoted field (quote the whole field)');
  });

  it('refuses text after a closing quote and a quote never closed', () => {
    expect(errorOf('a,"b"x\n').line).toBe(1);
    const open = errorOf('a,b\n"c,d\ne,f\n');
    expect(open.line).toBe(2);
    expect(open.message).toContain('never closed');
  });

  it('counts lines inside quoted fields', () => {
    expect(errorOf('"a\nb",c\nd,e"\n').line).toBe(3);
  });
});
