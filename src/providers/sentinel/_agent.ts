/**
 * The HTTPS agent queries go through: pooled keep-alive connections (a query on a warm
 * connection skips the TLS handshake), and a request the caller cancelled is never sent
 * again.
 *
 * Why the second part is needed: Deno's `node:http` (2.9.6) re-sends a request on a new
 * connection when the pooled connection it was sent on closes before an answer, taking it
 * for a stale keep-alive connection the server dropped while idle (`maybeRetryRequest` in
 * its `_http_client.js`; denoland/deno#36786). It does so for a request destroyed on
 * purpose too: cancelling a query (or its client-side timeout) on a reused connection made
 * the service receive it a second time, and that copy was never cancelled (on Log Analytics
 * it keeps running, holding one of the five concurrent-query slots). The retry happens below
 * the Azure SDK, whose own retry policy is off. A request destroyed by its owner is marked
 * as not sent on a reused connection, which is the one condition of that re-send that is a
 * documented property (`reusedSocket`); a stale connection the server closed is still
 * retried as before.
 *
 * @module
 */
import { Agent, type AgentOptions } from "node:https";
import type { ClientRequest } from "node:http";

/** An `https.Agent` that keeps connections alive and never re-sends a destroyed request. */
export function queryAgent(options: AgentOptions = {}): Agent {
  return new NoResendAgent({ keepAlive: true, ...options });
}

class NoResendAgent extends Agent {
  // `addRequest` is how every request reaches an agent (Node's and Deno's), though
  // @types/node leaves it out of the class.
  addRequest(request: ClientRequest, options: unknown): void {
    const destroy = request.destroy;
    request.destroy = function (this: ClientRequest, error?: Error) {
      // Read by Deno's re-send on a closed pooled connection: false means "nothing to retry".
      (this as { reusedSocket: boolean }).reusedSocket = false;
      return destroy.call(this, error);
    };
    const base = Agent.prototype as unknown as {
      addRequest(request: ClientRequest, options: unknown): void;
    };
    base.addRequest.call(this, request, options);
  }
}
