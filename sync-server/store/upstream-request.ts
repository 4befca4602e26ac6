// Where a request to the store goes: the embedded store's private Unix socket, or an Apache
// CouchDB base URL (http or https, possibly below a path). One place builds the request.
import http from 'node:http';
import https from 'node:https';
import type { StoreUpstream } from './store';

export interface UpstreamRequestOptions {
  method: string;
  /** Path and query below the store's root, e.g. `/scans/_changes?since=0`. */
  path: string;
  headers: http.OutgoingHttpHeaders;
  timeout?: number;
}

export function requestToStore(
  upstream: StoreUpstream,
  opts: UpstreamRequestOptions,
  onResponse?: (res: http.IncomingMessage) => void,
): http.ClientRequest {
  if ('socketPath' in upstream) {
    return http.request({ ...opts, socketPath: upstream.socketPath }, onResponse);
  }
  const base = upstream.url;
  const prefix = base.pathname.replace(/\/+$/, '');
  const client = base.protocol === 'https:' ? https : http;
  return client.request(
    {
      ...opts,
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      path: prefix + opts.path,
      agent: upstream.agent,
    },
    onResponse,
  );
}
