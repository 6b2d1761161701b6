// One CLI command: a name, a one-line summary, its usage text, and a run function over raw argv.

export interface CliCommand {
  /** e.g. 'eval' or 'probe linear' (space-separated words form sub-commands). */
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Raised for wrong arguments: main prints the message and the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
