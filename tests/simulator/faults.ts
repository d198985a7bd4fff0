/**
 * Fault injection: which recorded requests a fault matches, and the failure it produces (a
 * canned status, an HTML gateway page, a truncated or dropped body, or a delay).
 *
 * @module
 */

import { apiHeaders, gatewayErrorPage, htmlResponse, jsonResponse } from "./responses.ts";
import type { Fault, FaultAction, RecordedRequest } from "./types.ts";

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The organization a request is about (path key or query URN), for fault matching. */
export function aboutOrganization(path: string, query: string): string | undefined {
  const text = `${path}?${query}`.replace(
    /%([0-9a-f]{2})/gi,
    (_, hex) => String.fromCharCode(parseInt(hex, 16)),
  );
  const m = /\/organizations\/(\d+)|urn:li:organization:(\d+)/.exec(text);
  return m ? m[1] ?? m[2] : undefined;
}

/** The injected faults, checked in injection order; the first match wins. */
export class FaultBook {
  private faults: Array<{ fault: Fault; matched: number }> = [];

  /** Adds a fault after the existing ones. */
  inject(fault: Fault): void {
    this.faults.push({ fault, matched: 0 });
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /** Counts the request against every matching fault; the first one due acts on it. */
  take(record: RecordedRequest): FaultAction | undefined {
    const org = aboutOrganization(record.path, record.query);
    for (const entry of this.faults) {
      const { endpoint, organizationId, skip = 0, times = Infinity } = entry.fault;
      if (endpoint !== undefined && endpoint !== record.endpoint) continue;
      if (organizationId !== undefined && organizationId !== org) continue;
      entry.matched++;
      if (entry.matched > skip && entry.matched <= skip + times) return entry.fault.action;
    }
    return undefined;
  }
}

/** The response after `action`; `respond` produces the normal one, if the fault needs it. */
export async function applyFault(
  action: FaultAction | undefined,
  respond: () => Promise<Response>,
): Promise<Response> {
  if (action === undefined) return await respond();
  if ("delayMs" in action) {
    await sleep(action.delayMs);
    return await respond();
  }
  if ("html" in action) {
    const status = action.status ?? 502;
    return htmlResponse(status, gatewayErrorPage(status));
  }
  if ("status" in action) {
    return jsonResponse(action.status, action.body, { ...apiHeaders(), ...action.headers });
  }
  const normal = await respond();
  const text = await normal.text();
  if ("drop" in action) return droppedResponse(text, new Headers(normal.headers));
  return new Response(text.slice(0, Math.floor(text.length / 2)), {
    status: 200,
    headers: normal.headers,
  });
}

/** A 200 response that sends half of `text` and then breaks the connection. */
function droppedResponse(text: string, headers: Headers): Response {
  const half = new TextEncoder().encode(text.slice(0, Math.floor(text.length / 2)));
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(half),
    pull: async (controller) => {
      await sleep(10);
      controller.error(new Error("connection dropped by fault injection"));
    },
  });
  return new Response(body, { status: 200, headers });
}
