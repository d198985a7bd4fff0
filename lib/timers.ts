/**
 * Short waits on Deno's own timers. Deno's global `setTimeout` comes from its Node
 * compatibility layer, which is loaded on first use and takes milliseconds of a run's
 * start; `AbortSignal.timeout` runs on the timers every request's timeout already uses.
 *
 * @module
 */

/**
 * Resolves after `ms` milliseconds; with no argument, in a later turn of the event loop,
 * after every promise callback queued so far. It cannot be cancelled: for short waits.
 *
 * @example
 * ```ts
 * await wait(); // the next turn of the event loop
 * await wait(100);
 * ```
 */
export function wait(ms = 0): Promise<void> {
  return new Promise((resolve) =>
    AbortSignal.timeout(ms).addEventListener("abort", () => resolve(), { once: true })
  );
}
