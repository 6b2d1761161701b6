import { describe, expect, it } from 'vitest';
import { csvText, recordToCsv } from './csv.ts';
import { paperScaleRecord, smallRecord } from './fixtures.ts';

/** A strict RFC 4180 reader, to check the writer against the standard rather than against itself. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const next = text[i + 1];
    if (quoted && ch === '"' && next === '"') {
      cell += '"';
      i++;
    } else if (quoted && ch === '"') {
      quoted = false;
    } else if (quoted) {
      cell += ch;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      endCell();
    } else if (ch === '\r' && next === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else {
      cell += ch;
    }
  }
  return rows;
}

describe('recordToCsv', () => {
  it('writes a header and one row per score with CRLF line ends', () => {
    const csv = recordToCsv([smallRecord()]);
    const lines = csv.split('\r\n');
    expect(lines.slice(0, 5)).toEqual([
      'run_date,backend,model_id,model_name,dataset,probe,metric,value,ci95,extras,not_computed',
      '2026-11-26T08:00:00.000Z,wasm,sup,Supervised,flowers,linear,mean-per-class,0.873,0.012,,',
      '2026-11-26T08:00:00.000Z,wasm,swav,SwAV,flowers,linear,mean-per-class,0.9112,0.0101,,',
      '2026-11-26T08:00:00.000Z,wasm,sup,Supervised,pets,linear,top1,0.915,,,',
      '2026-11-26T08:00:00.000Z,wasm,swav,SwAV,pets,linear,top1,0.876,,log10C=-0.5,',
    ]);
    expect(lines).toHaveLength(1 + 6 + 1);
    expect(lines.at(-1)).toBe('');
  });

  it('concatenates several runs, each row carrying its run date and backend', () => {
    const a = smallRecord();
    const b = { ...smallRecord(), createdAt: '2026-11-27T09:00:00.000Z', backend: 'webgpu' };
    const rows = parseCsv(recordToCsv([a, b, paperScaleRecord()]));
    expect(rows).toHaveLength(1 + 6 + 6 + 462);
    expect(rows[7].slice(0, 3)).toEqual(['2026-11-27T09:00:00.000Z', 'webgpu', 'sup']);
    expect(rows[13].slice(2, 7)).toEqual(['insdis', 'InsDis', 'FGVC-Aircraft', 'linear', 'mean-per-class']);
  });

  it('quotes per RFC 4180 and defuses formula injection in text cells only', () => {
    const r = smallRecord();
    r.models[0].name = '=HYPERLINK("http://evil","click")';
    r.datasets[0].name = 'a, "b"\nc';
    for (const s of r.scores) if (s.dataset === 'flowers') s.dataset = r.datasets[0].name;
    r.models[1].name = '@SUM(A1)';
    r.scores[3].extra = { log10C: -0.25 };
    r.scores[3].value = 0.5;
    const rows = parseCsv(recordToCsv([r]));
    expect(rows[1][3]).toBe('\'=HYPERLINK("http://evil","click")');
    expect(rows[1][4]).toBe('a, "b"\nc');
    expect(rows[2][3]).toBe("'@SUM(A1)");
    expect(rows[4][7]).toBe('0.5');
    expect(rows[4][9]).toBe('log10C=-0.25');
    expect(csvText('-2+3')).toBe("'-2+3");
    expect(csvText('+1')).toBe("'+1");
    expect(csvText('\tcmd')).toBe("'\tcmd");
    expect(csvText('plain')).toBe('plain');
  });
});
