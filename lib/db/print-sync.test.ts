import { describe, expect, it, vi } from 'vitest';
import { hideDesignDoc, printJobsFetch } from './print-sync';

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

describe('hideDesignDoc', () => {
  it.each([
    [{ id: '_design/dockhand' }, { id: '_design/dockhand', _deleted: true }],
    [{ id: 'zebra-1' }, { id: 'zebra-1' }],
  ])('%j → %j', (doc, expected) => {
    expect(hideDesignDoc(doc)).toEqual(expected);
  });
});
