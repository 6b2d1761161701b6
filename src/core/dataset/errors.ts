// Typed failures of the dataset readers (tar shards, label files, listings). Messages name the file (and the
// member or line) and are printable: control characters escaped, file-supplied text capped.

import { printable, printableMessage } from '../text/printable.ts';

export class DatasetError extends Error {
  override name = 'DatasetError';
  /** The file (shard, CSV, folder entry) the problem is in. */
  readonly file: string;

  constructor(file: string, message: string) {
    super(printableMessage(`${printable(file)}: ${message}`));
    this.file = file;
  }
}

/** A tar shard that is not a tar at all, or whose very first header is broken. */
export class TarError extends DatasetError {
  override name = 'TarError';
}

/** A labels or split CSV that cannot be read as RFC 4180 CSV. */
export class CsvError extends DatasetError {
  override name = 'CsvError';
  constructor(
    file: string,
    readonly line: number,
    message: string,
  ) {
    super(file, `line ${line}: ${message}`);
  }
}
