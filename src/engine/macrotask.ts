// Letting the event loop turn in the middle of long work. Awaiting a resolved promise only runs microtasks, so
// a fit whose every step finishes synchronously would hold its worker's event loop for the whole fit: no
// cancel message (worker/runs.ts) and no start of a nested worker could get in.

/**
 * Resolves in a new macrotask: setImmediate in Node, a MessageChannel message in browsers (setTimeout(0) is
 * clamped to 4 ms once nested).
 */
export function nextMacrotask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  if (immediate) return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Calls back at most every `everyMs`: `due()` says whether to yield now (and restarts the clock when so). */
export function yieldClock(everyMs: number): { due(): boolean } {
  let last = performance.now();
  return {
    due() {
      const now = performance.now();
      if (now - last < everyMs) return false;
      last = now;
      return true;
    },
  };
}
