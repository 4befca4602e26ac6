// A fetch for replication that never hangs: each request is cut when no byte has arrived for
// `idleMs` (headers included). A live `_changes` longpoll stays alive on the server's heartbeat
// newlines, so a dead WAN link is noticed within `idleMs` instead of never.
// https://docs.couchdb.org/en/stable/api/database/changes.html (heartbeat)

export interface TimedFetchOptions {
  idleMs: number;
  fetchImpl?: typeof fetch;
}

/** The error's name, which survives where its class does not (PouchDB copies errors it passes on). */
export const IDLE_TIMEOUT_ERROR = 'IdleTimeoutError';

export class IdleTimeoutError extends Error {
  constructor(readonly idleMs: number) {
    super(`no answer from the sync server for ${idleMs} ms`);
    this.name = IDLE_TIMEOUT_ERROR;
  }
}

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = Parameters<typeof fetch>[1];

export function timedFetch({ idleMs, fetchImpl = fetch }: TimedFetchOptions): typeof fetch {
  return async (input: FetchInput, init: FetchInit = {}) => {
    const controller = new AbortController();
    const signals = init.signal ? [init.signal, controller.signal] : [controller.signal];
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new IdleTimeoutError(idleMs)), idleMs);
    };
    arm();
    let response: Response;
    try {
      // PouchDB hands in node-fetch Headers: iterable pairs, which fetch accepts.
      const headers = init.headers ? new Headers(init.headers as HeadersInit) : undefined;
      response = await fetchImpl(input, { ...init, headers, signal: AbortSignal.any(signals) });
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
    if (!response.body) {
      clearTimeout(timer);
      return response;
    }
    arm();
    const watched = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          arm();
          out.enqueue(chunk);
        },
        flush() {
          clearTimeout(timer);
        },
      }),
    );
    return new Response(watched, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
