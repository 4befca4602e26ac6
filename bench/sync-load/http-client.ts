// The load generator's HTTP/1.1 client: one keep-alive agent for all simulated devices (each
// device's requests are cut together by its own AbortSignal when it "loses the network"), bodies
// read as text, gzip undone as a browser would. node:http rather than fetch: ~800 sockets at once
// and no per-request stream objects to build.
import http from 'node:http';
import zlib from 'node:zlib';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body; feeds are searched in it as bytes (turning ~100 MB/s of rows into strings cost
   * this process more than anything it does with them). */
  bytes: Buffer;
  /** The body as text, decoded when first read. */
  readonly text: string;
  /** Milliseconds from sending to the last byte of the answer. */
  ms: number;
}

export interface RequestOptions {
  headers?: http.OutgoingHttpHeaders;
  body?: string;
  signal?: AbortSignal;
}

export interface HttpClient {
  request(method: string, path: string, opts?: RequestOptions): Promise<HttpAnswer>;
  /** Sockets open now (in use or idle), for the report. */
  openSockets(): number;
  close(): void;
}

/** What a browser's fetch sends: the server gzips non-live answers when asked. */
const ACCEPT_ENCODING = 'gzip, deflate';

export function createHttpClient(baseUrl: string): HttpClient {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 2_048 });
  const countSockets = (pool: NodeJS.ReadOnlyDict<unknown[]>) =>
    Object.values(pool).reduce((n, list) => n + (list?.length ?? 0), 0);
  return {
    request(method, path, opts = {}) {
      const started = performance.now();
      return new Promise<HttpAnswer>((resolve, reject) => {
        const headers: http.OutgoingHttpHeaders = {
          accept: 'application/json',
          'accept-encoding': ACCEPT_ENCODING,
          ...opts.headers,
        };
        if (opts.body !== undefined) {
          headers['content-type'] ??= 'application/json';
          headers['content-length'] = Buffer.byteLength(opts.body);
        }
        const req = http.request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            method,
            path,
            headers,
            signal: opts.signal,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              let bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
              try {
                const encoding = res.headers['content-encoding'];
                if (encoding === 'gzip') bytes = zlib.gunzipSync(bytes);
                else if (encoding === 'deflate') bytes = zlib.inflateSync(bytes);
              } catch (err) {
                reject(err instanceof Error ? err : new Error(String(err)));
                return;
              }
              const body = bytes;
              let text: string | undefined;
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                bytes: body,
                get text() {
                  return (text ??= body.toString('utf8'));
                },
                ms: performance.now() - started,
              });
            });
          },
        );
        req.on('error', reject);
        req.end(opts.body);
      });
    },
    openSockets: () =>
      countSockets(agent.sockets as NodeJS.ReadOnlyDict<unknown[]>) +
      countSockets(agent.freeSockets as NodeJS.ReadOnlyDict<unknown[]>),
    close: () => agent.destroy(),
  };
}
