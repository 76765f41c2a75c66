// The `process` package's browser build has no types of its own.
declare module 'process/browser.js' {
  const process: { nextTick: (fn: (...args: unknown[]) => void, ...args: unknown[]) => void; env: Record<string, string> };
  export default process;
}
