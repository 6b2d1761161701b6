// `tlab show`: opens a shared result link (or the file holding one) in the terminal, through the same
// hostile-input decoder the page uses (size caps, capped inflate, strict validation).

import { readFile } from 'node:fs/promises';
import { decodePermalink, PermalinkError } from '../../core/record/permalink.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { printable } from '../../core/text/printable.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { scoresTable } from '../scores-table.ts';

const USAGE = `Usage: npx tlab show <link> | npx tlab show --file <file>

  <link>         a Transfer Lab result link (https://…/#r1.…) or just its fragment (r1.…)
  --file <f>     a file holding the link (links are long; shells may cut them)`;

/** Links are at most 100,000 characters; a file holding one is read only up to a little more. */
const MAX_LINK_FILE_BYTES = 200_000;

function fragmentOf(text: string): string {
  const trimmed = text.trim();
  const hash = trimmed.indexOf('#');
  return hash >= 0 ? trimmed.slice(hash + 1) : trimmed;
}

export const showCommand: CliCommand = {
  name: 'show',
  summary: 'print the results inside a shared result link',
  usage: USAGE,
  async run(argv) {
    let text: string;
    let file: string | null = null;
    if (argv[0] === '--file') {
      file = argv[1];
      if (argv.length !== 2) throw new UsageError('--file takes one file');
      const bytes = await readFile(argv[1]);
      if (bytes.length > MAX_LINK_FILE_BYTES)
        throw new UsageError(`${argv[1]}: ${bytes.length} bytes, too long to hold a result link`);
      text = bytes.toString('utf8');
    } else if (argv.length === 1) text = argv[0];
    else throw new UsageError('give one link, or --file <file>');
    let record: ResultRecord;
    try {
      record = decodePermalink(fragmentOf(text));
    } catch (err) {
      if (file && err instanceof PermalinkError) err.message = `${printable(file)}: ${err.message}`;
      throw err;
    }
    console.log(scoresTable(record));
    return 0;
  },
};
