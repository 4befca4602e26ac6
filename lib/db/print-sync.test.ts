import { describe, expect, it, vi } from 'vitest';
import { newPrintJob, PRINT_ERR_REFUSED } from '../core/print-job-state';
import { hideDesignDoc } from './design-docs';
import { printJobsFetch } from './print-sync';

const answer = (body: unknown, status = 201) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

describe('printJobsFetch', () => {
  it('answers refused job writes as conflicts and reports them', async () => {
    const onRefused = vi.fn();
    const rows = [
      { id: 'a', ok: true, rev: '2-x' },
      { id: 'b', error: 'forbidden', reason: 'Only a supervisor…' },
      { id: 'c', error: 'conflict', reason: 'Document update conflict.' },
    ];
    const f = printJobsFetch(answer(rows), onRefused);
    const response = await f('http://h/db/print_jobs/_bulk_docs?', { method: 'POST' });
    expect(await response.json()).toEqual([
      rows[0],
      { id: 'b', error: 'conflict', reason: 'Only a supervisor…' },
      rows[2],
    ]);
    expect(onRefused).toHaveBeenCalledWith([{ id: 'b', reason: 'forbidden: Only a supervisor…' }]);
  });

  it('passes other answers through untouched', async () => {
    const onRefused = vi.fn();
    const body = { results: [], last_seq: '1' };
    const response = await printJobsFetch(
      answer(body, 200),
      onRefused,
    )('http://h/db/print_jobs/_changes');
    expect(await response.json()).toEqual(body);
    expect(onRefused).not.toHaveBeenCalled();
  });
});

describe('printJobsFetch: a new job the server refuses', () => {
  const T0 = new Date('2026-03-02T08:00:00.000Z');
  const { id, ...job } = newPrintJob(
    { id: 'dev:01J', site: 'south', printerId: 'p', templateId: 't', values: { waybill: 'JD1' } },
    T0,
  );
  const sentNew = { ...job, _id: id, _deleted: false };
  const sentUpdate = { ...job, _id: 'dev:02J', _rev: '3-abc', _deleted: false, state: 'dismissed' };
  const reason = 'createdBy must be your own name (bo).';

  /** A server that refuses both docs and holds only the second one. */
  function server() {
    const calls: string[] = [];
    const fetchFn = vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      calls.push(url);
      if (url.includes('_bulk_docs')) {
        return Response.json(
          [
            { id, error: 'forbidden', reason },
            { id: 'dev:02J', error: 'forbidden', reason: 'Only a person reprints…' },
          ],
          { status: 201 },
        );
      }
      return Response.json({
        total_rows: 1,
        rows: [
          { key: id, error: 'not_found' },
          {
            id: 'dev:02J',
            key: 'dev:02J',
            value: { rev: '4-x' },
            doc: { _id: 'dev:02J', _rev: '4-x', state: 'done' },
          },
        ],
      });
    });
    return { fetchFn: fetchFn as unknown as typeof fetch, calls };
  }

  it('stops the retries: the refused new job comes back as failed with the reason, kept whole', async () => {
    const { fetchFn } = server();
    const onRefused = vi.fn();
    const f = printJobsFetch(fetchFn, onRefused, () => new Date('2026-03-02T08:01:00.000Z'));
    const pushed = await f('http://h/db/print_jobs/_bulk_docs?', {
      method: 'POST',
      body: JSON.stringify({ docs: [sentNew, sentUpdate] }),
    });
    expect((await pushed.json()).map((r: { error: string }) => r.error)).toEqual([
      'conflict',
      'conflict',
    ]);
    expect(onRefused).toHaveBeenCalledWith([
      { id, reason: `forbidden: ${reason}` },
      { id: 'dev:02J', reason: 'forbidden: Only a person reprints…' },
    ]);

    const keys = encodeURIComponent(JSON.stringify([id, 'dev:02J']));
    const read = await f(`http://h/db/print_jobs/_all_docs?include_docs=true&keys=${keys}`);
    const rows = (await read.json()).rows;
    expect(rows[0].doc).toMatchObject({
      _id: id,
      values: { waybill: 'JD1' },
      createdAt: T0.toISOString(),
      state: 'failed',
      attempt: 0,
      error: { code: PRINT_ERR_REFUSED, message: reason, bytesMayHaveReachedPrinter: false },
    });
    // A job the server holds: its copy comes back untouched (the refused change is undone).
    expect(rows[1].doc).toEqual({ _id: 'dev:02J', _rev: '4-x', state: 'done' });

    // Once handed over, a later read of the same id is the server's answer again.
    const again = await f(`http://h/db/print_jobs/_all_docs?include_docs=true&keys=${keys}`);
    expect((await again.json()).rows[0]).toEqual({ key: id, error: 'not_found' });
  });

  it('keeps a refused local dismissal of a refused job as it is', async () => {
    const { fetchFn } = server();
    const f = printJobsFetch(fetchFn, vi.fn());
    const dismissed = {
      ...sentNew,
      state: 'dismissed',
      error: {
        code: PRINT_ERR_REFUSED,
        message: reason,
        at: T0.toISOString(),
        bytesMayHaveReachedPrinter: false,
      },
    };
    await f('http://h/db/print_jobs/_bulk_docs', {
      method: 'POST',
      body: JSON.stringify({ docs: [dismissed] }),
    });
    const read = await f('http://h/db/print_jobs/_all_docs?include_docs=true');
    expect((await read.json()).rows[0].doc).toMatchObject({ state: 'dismissed', _id: id });
  });
});

describe('hideDesignDoc', () => {
  it.each([
    [{ id: '_design/dockhand' }, { id: '_design/dockhand', _deleted: true }],
    [{ id: 'zebra-1' }, { id: 'zebra-1' }],
  ])('%j → %j', (doc, expected) => {
    expect(hideDesignDoc(doc)).toEqual(expected);
  });
});
