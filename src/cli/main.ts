// `tlab`: the headless lab. Dispatches to one command module per sub-command.

import { printableMessage } from '../core/text/printable.ts';
import type { CliCommand } from './command.ts';
import { UsageError } from './command.ts';
import { convertCommand } from './commands/convert.ts';
import { diffusionCommand } from './commands/diffusion.ts';
import { embedCommand } from './commands/embed.ts';
import { evalCommand } from './commands/eval.ts';
import { mergeCommand } from './commands/merge.ts';
import { modelsFetchCommand, modelsListCommand } from './commands/models.ts';
import { pixelsCommand } from './commands/pixels.ts';
import { probeCommands } from './commands/probe.ts';
import { probeKnnCommand } from './commands/probe-knn.ts';
import { showCommand } from './commands/show.ts';

// Each command lives in its own module under ./commands/ and is registered here.
const COMMANDS: CliCommand[] = [
  evalCommand,
  mergeCommand,
  embedCommand,
  convertCommand,
  modelsListCommand,
  modelsFetchCommand,
  pixelsCommand,
  showCommand,
  ...probeCommands,
  diffusionCommand,
  probeKnnCommand,
];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'tlab: Transfer Lab on the command line. How well does each pretrained backbone transfer to your data?',
    '',
    'Usage: npx tlab <command> [options]     npx tlab <command> --help',
    '',
    'Commands:',
    ...lines,
  ].join('\n');
}

function findCommand(argv: string[]): { command: CliCommand; rest: string[] } | null {
  // Longest match first, so 'probe linear' wins over a hypothetical 'probe'.
  const sorted = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return null;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(helpText());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    console.error(`tlab: unknown command '${argv.join(' ')}'\n\n${helpText()}`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.summary}\n\n${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`tlab ${command.name}: ${printableMessage(err.message)}\n\n${command.usage}`);
      return 2;
    }
    // Messages may quote file contents (names, keys): printed escaped and capped, never raw.
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    console.error(`tlab ${command.name}: ${printableMessage(message)}`);
    return 1;
  }
}
