// Node built-ins for code that also ships to browsers (called only where isNode() holds). The specifier is a
// variable so the bundler neither tries to resolve it nor warns about externalising it for the browser.

export function importNodeBuiltin<T>(name: `node:${string}`): Promise<T> {
  const specifier: string = name;
  return import(/* @vite-ignore */ specifier) as Promise<T>;
}
