// Resident memory of the Chromium renderer processes this Node process launched (Linux /proc): the page, its
// Web Workers and their wasm memories all live in the renderer, so its RSS bounds the lab's whole footprint.

import { readdirSync, readFileSync } from 'node:fs';

interface Proc {
  pid: number;
  ppid: number;
}

function readProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name may hold spaces or parentheses: fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.push({ pid: Number(name), ppid: Number(fields[1]) });
    } catch {
      // the process ended while we looked
    }
  }
  return procs;
}

function descendants(root: number): number[] {
  const procs = readProcs();
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length) {
    const children = procs.filter((p) => frontier.includes(p.ppid)).map((p) => p.pid);
    found.push(...children);
    frontier = children;
  }
  return found;
}

function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

function isRenderer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
  } catch {
    return false;
  }
}

/** Summed RSS of the renderer processes below `root` (default: this process), and how many there are. */
export function rendererRss(root = process.pid): { bytes: number; processes: number } {
  const renderers = descendants(root).filter(isRenderer);
  return { bytes: renderers.reduce((sum, pid) => sum + rssBytes(pid), 0), processes: renderers.length };
}
