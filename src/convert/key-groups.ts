// Groups a checkpoint's tensor names for humans: "state_dict/module.encoder_q.* 161", so a refusal can show
// where the tensors sit. Wrapper segments (module., model.) that hold nearly every key are looked through.

export interface KeyGroup {
  /** Container path ('' = top) and the shared start of the keys, e.g. 'module.encoder_q.'. */
  container: string;
  prefix: string;
  count: number;
}

/** A segment holding this share of its parent's keys is a wrapper: its children are shown instead. */
const WRAPPER_SHARE = 0.9;
/** …unless it has more children than a wrapper usually does (a ResNet has 7: conv1, bn1, layer1–4, fc). */
const WRAPPER_MAX_CHILDREN = 4;
const MAX_DEPTH = 3;

function splitContainer(key: string): [string, string] {
  const slash = key.lastIndexOf('/');
  return slash === -1 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
}

/** Counts keys by their next dotted segment below `prefix` ('' for a key that ends there). */
function children(locals: string[], prefix: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of locals) {
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const head = dot === -1 ? rest : rest.slice(0, dot + 1);
    const list = out.get(head) ?? [];
    list.push(key);
    out.set(head, list);
  }
  return out;
}

function groupsOf(container: string, locals: string[], prefix: string, depth: number): KeyGroup[] {
  const kids = children(locals, prefix);
  const out: KeyGroup[] = [];
  for (const [head, keys] of kids) {
    const next = prefix + head;
    const isWrapper =
      head.endsWith('.') &&
      depth < MAX_DEPTH &&
      keys.length >= WRAPPER_SHARE * locals.length &&
      children(keys, next).size <= WRAPPER_MAX_CHILDREN;
    if (isWrapper) out.push(...groupsOf(container, keys, next, depth + 1));
    else out.push({ container, prefix: next, count: keys.length });
  }
  return out;
}

/** The largest groups first. */
export function keyGroups(keys: Iterable<string>, limit = 8): KeyGroup[] {
  const byContainer = new Map<string, string[]>();
  for (const key of keys) {
    const [container, local] = splitContainer(key);
    const list = byContainer.get(container) ?? [];
    list.push(local);
    byContainer.set(container, list);
  }
  const all = [...byContainer].flatMap(([container, locals]) => groupsOf(container, locals, '', 0));
  return all.sort((a, b) => b.count - a.count).slice(0, limit);
}

/** Names in messages stay readable even when a hostile file's are megabytes long. */
function shorten(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function formatKeyGroup(g: KeyGroup): string {
  const where = shorten(g.container === '' ? '(top)' : g.container);
  const name = shorten(g.prefix.endsWith('.') ? `${g.prefix}*` : g.prefix);
  return `${where} › ${name}: ${g.count} tensor${g.count === 1 ? '' : 's'}`;
}
