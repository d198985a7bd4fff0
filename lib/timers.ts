/**
 * Waits on Deno's own timers. Deno's global `setTimeout` comes from its Node
 * compatibility layer, which is loaded on first use and takes milliseconds of a run's
 * start; `AbortSignal.timeout` runs on the timers every request's timeout already uses.
 *
 * @module
 */

/**
 * Resolves after `ms` milliseconds; with no argument, in a later turn of the event loop,
 * after every promise callback queued so far. Rejects with `signal`'s reason once it is
 * aborted, and then no longer keeps the process alive.
 *
 * @example
 * ```ts
 * await wait(); // the next turn of the event loop
 * await wait(100, AbortSignal.timeout(1000));
 * ```
 */
export function wait(ms = 0, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // A timeout signal keeps the event loop alive only while it has a listener.
    const timer = AbortSignal.timeout(ms);
    const elapsed = () => {
      signal?.removeEventListener("abort", stopped);
      resolve();
    };
    const stopped = () => {
      timer.removeEventListener("abort", elapsed);
      reject(signal!.reason);
    };
    timer.addEventListener("abort", elapsed, { once: true });
    signal?.addEventListener("abort", stopped, { once: true });
  });
}
