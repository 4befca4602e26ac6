// Every error the server can answer has a headline in the admin UI.
import { describe, expect, it } from 'vitest';
import { ROW_ISSUES } from '@/lib/core/manifest-columns';
import { API_ERRORS } from './errors';
import { IMPORT_ERRORS } from '@/sync-server/import';
import { PROBLEM_TITLES, ROW_ISSUE_LABELS } from '@/components/admin/import-messages';

describe('admin import messages', () => {
  it.each([...Object.keys(IMPORT_ERRORS), ...Object.keys(API_ERRORS)])('%s has a title', (code) => {
    expect(PROBLEM_TITLES[code]).toBeTruthy();
  });
  it.each(Object.keys(ROW_ISSUES))('row issue %s has a label', (code) => {
    expect(ROW_ISSUE_LABELS[code]).toBeTruthy();
  });
});
