import { describe, expect, it } from 'vitest';
import type { VoidableEvent } from './live-scans';
import {
  VOID_REASON_MAX_LENGTH,
  cancellingVoidOf,
  checkVoidReason,
  mayVoidWithReason,
  voidMayBeStored,
  voidRightOf,
  voidWriteProblemOf,
} from './scan-void';

const scan = (user: string, extra: Partial<VoidableEvent> = {}): VoidableEvent => ({
  id: 'd1:1',
  user,
  scannedAt: '2026-05-01T08:00:00.000Z',
  result: 'matched',
  ...extra,
});

const voidOf = (id: string, user: string, at: string, voidReason?: string): VoidableEvent => ({
  id,
  user,
  scannedAt: at,
  result: 'void',
  voids: 'd1:1',
  ...(voidReason === undefined ? {} : { voidReason }),
});

describe('checkVoidReason', () => {
  it.each([
    ['', { ok: false, error: 'reason-missing' }],
    ['   \n\t ', { ok: false, error: 'reason-missing' }],
    ['  wrong pallet  ', { ok: true, reason: 'wrong pallet' }],
    ['x'.repeat(VOID_REASON_MAX_LENGTH), { ok: true, reason: 'x'.repeat(VOID_REASON_MAX_LENGTH) }],
    [` ${'x'.repeat(VOID_REASON_MAX_LENGTH)} `, { ok: true, reason: 'x'.repeat(500) }],
    ['x'.repeat(VOID_REASON_MAX_LENGTH + 1), { ok: false, error: 'reason-too-long' }],
  ])('%j → %j', (text, expected) => {
    expect(checkVoidReason(text)).toEqual(expected);
  });

  it('counts length as the server does (UTF-16 units)', () => {
    expect(checkVoidReason('📦'.repeat(250))).toMatchObject({ ok: true });
    expect(checkVoidReason('📦'.repeat(251))).toEqual({ ok: false, error: 'reason-too-long' });
  });
});

describe('voidRightOf', () => {
  it.each([
    // viewer roles, viewer, scan by, result, already voided → right
    [['supervisor'], 'sue', 'ana', 'matched', false, 'with-reason'],
    [['admin'], 'al', 'ana', 'unknown', false, 'with-reason'],
    [['_admin'], 'root', 'ana', 'duplicate', false, 'with-reason'],
    [['supervisor'], 'sue', 'sue', 'matched', false, 'with-reason'],
    [['scanner'], 'ana', 'ana', 'matched', false, 'own-undo'],
    [['scanner'], 'bo', 'ana', 'matched', false, 'none'],
    [[], 'bo', 'ana', 'matched', false, 'none'],
    [['supervisor'], 'sue', 'ana', 'void', false, 'none'],
    [['supervisor'], 'sue', 'ana', 'matched', true, 'none'],
    [['scanner'], 'ana', 'ana', 'matched', true, 'none'],
  ] as const)('%j %s on %s’s %s (voided %s) → %s', (roles, name, by, result, voided, right) => {
    expect(voidRightOf({ name, roles }, scan(by, { result }), voided)).toBe(right);
  });

  it('nobody signed in may void nothing', () => {
    expect(voidRightOf({ name: null, roles: ['supervisor'] }, scan('ana'), false)).toBe('none');
  });

  it.each([
    [['supervisor'], true],
    [['admin', 'scanner'], true],
    [['_admin'], true],
    [['scanner'], false],
    [['bridge'], false],
  ] as const)('mayVoidWithReason(%j) → %s', (roles, may) => {
    expect(mayVoidWithReason({ roles })).toBe(may);
  });
});

describe('cancellingVoidOf', () => {
  const target = scan('ana');

  it('is null while no void cancels the scan', () => {
    expect(cancellingVoidOf(target, [])).toBeNull();
    // bo is not the owner and gives no reason; a blank reason is no reason.
    const bo = voidOf('d2:1', 'bo', '2026-05-01T08:01:00.000Z');
    const blank = voidOf('d3:1', 'sue', '2026-05-01T08:02:00.000Z', '  ');
    expect(cancellingVoidOf(target, [bo, blank])).toBeNull();
  });

  it('names the earliest void that cancels it, whatever order they arrive in', () => {
    const later = voidOf('d3:2', 'al', '2026-05-01T08:05:00.000Z', 'double-counted');
    const first = voidOf('d3:1', 'sue', '2026-05-01T08:03:00.000Z', 'wrong pallet');
    const stray = voidOf('d2:1', 'bo', '2026-05-01T08:01:00.000Z');
    expect(cancellingVoidOf(target, [later, stray, first])).toBe(first);
    expect(cancellingVoidOf(target, [first, later])).toBe(first);
  });

  it('takes the owner’s own undo without a reason', () => {
    const own = voidOf('d1:2', 'ana', '2026-05-01T08:01:00.000Z');
    expect(cancellingVoidOf(target, [own])).toBe(own);
  });
});

describe('voidWriteProblemOf', () => {
  it.each([
    [null, 'offline', true],
    [401, 'session-expired', false],
    [403, 'forbidden', false],
    [400, 'refused', false],
    [413, 'refused', false],
    [408, 'server', true],
    [429, 'server', true],
    [500, 'server', true],
    [503, 'server', true],
  ] as const)('%s → %s (may be stored: %s)', (status, problem, mayBeStored) => {
    expect(voidWriteProblemOf(status)).toBe(problem);
    expect(voidMayBeStored(voidWriteProblemOf(status))).toBe(mayBeStored);
  });
});
