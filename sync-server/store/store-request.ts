// One buffered request to the store, for answers the guard must read or change before the client
// sees them (lookups for write rules, bulk answers merged with the guard's own refusals).
import type http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { StoreUpstream } from './store';
import { requestToStore } from './upstream-request';

export interface StoreAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const TIMEOUT_MS = 60_000; // a bounded request; the store answers these in milliseconds

export function storeRequest(
  upstream: StoreUpstream,
  req: { method: string; path: string; headers: http.OutgoingHttpHeaders; body?: Buffer },
): Promise<StoreAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    delete headers['accept-encoding']; // the guard reads these answers
    if (req.body) headers['content-length'] = String(req.body.length);
    const up = requestToStore(upstream, { method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 502,
          headers: res.headers,
          body: Buffer.concat(chunks),
        }),
      );
    });
    up.setTimeout(TIMEOUT_MS, () => up.destroy(new Error(`store did not answer ${req.path}`)));
    up.on('error', reject);
    up.end(req.body);
  });
}

/** The answer's JSON, or undefined when it is not JSON. */
export function answerJson(answer: StoreAnswer): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
