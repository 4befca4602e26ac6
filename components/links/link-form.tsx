'use client';
// Create or edit one short link: slug (generated or chosen, checked against the links on this
// device; the server decides a clash that syncs later), target, title, tags, enabled, expiry,
// query passing. Messages are plain words from lib/core/link-form.
import { useState } from 'react';
import type { LinkDraft, LinkFieldError, LinkFields } from '@/lib/core/link-form';
import { LINK_MESSAGES, linkFromDraft } from '@/lib/core/link-form';
import { slugFromRandomBytes } from '@/lib/core/short-link';
import type { Link } from '@/lib/schema/link';

export function newSlug(): string {
  return slugFromRandomBytes(crypto.getRandomValues(new Uint8Array(32)));
}

/** ISO → the `datetime-local` text of the same moment in this browser's zone. */
function localInputOf(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function draftOf(link: Link | null): LinkDraft {
  return {
    slug: link?.id ?? newSlug(),
    target: link?.target ?? '',
    title: link?.title ?? '',
    tags: (link?.tags ?? []).join(', '),
    enabled: link?.enabled ?? true,
    expiresAt: localInputOf(link?.expiresAt),
    passQuery: link?.passQuery ?? false,
  };
}

type Errors = Partial<Record<keyof LinkDraft, LinkFieldError | 'slug-taken'>>;

export interface LinkFormProps {
  /** null: a new link. */
  editing: Link | null;
  owner: string;
  /** Saves; returns 'slug-taken' when another link has the slug. */
  onSave(fields: LinkFields, clear: Array<'expiresAt' | 'title'>): Promise<'ok' | 'slug-taken'>;
  onCancel?: () => void;
}

const input =
  'rounded-lg border border-slate-600 bg-slate-900 px-3 py-2 text-slate-100 focus:border-sky-400 focus:outline-none';

export default function LinkForm({ editing, owner, onSave, onCancel }: LinkFormProps) {
  const [draft, setDraft] = useState<LinkDraft>(() => draftOf(editing));
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const set = <K extends keyof LinkDraft>(key: K, value: LinkDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  const submit = async () => {
    setFailure(null);
    // datetime-local text has no zone: `new Date(text)` reads it as this browser's local time.
    const checked = linkFromDraft(draft, {
      owner,
      now: new Date(),
      parseLocal: (text) => new Date(text).getTime(),
    });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const clear: Array<'expiresAt' | 'title'> = [];
      if (!checked.link.expiresAt) clear.push('expiresAt');
      if (!checked.link.title) clear.push('title');
      const answer = await onSave(checked.link, clear);
      if (answer === 'slug-taken') setErrors({ slug: 'slug-taken' });
      else if (!editing) setDraft(draftOf(null));
    } catch (error) {
      console.error('[dockhand] could not save link', error);
      setFailure('Could not save the link on this device. Try again.');
    } finally {
      setSaving(false);
    }
  };

  const message = (key: keyof LinkDraft) =>
    errors[key] ? (
      <span className="text-sm text-rose-300" data-testid={`link-error-${key}`}>
        {LINK_MESSAGES[errors[key]]}
      </span>
    ) : null;

  return (
    <form
      className="grid gap-3 rounded-xl border border-slate-700 bg-slate-900/60 p-4 md:grid-cols-2"
      data-testid="link-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 className="text-lg font-bold md:col-span-2">
        {editing ? `Edit /r/${editing.id}` : 'New short link'}
      </h2>
      <label className="flex flex-col gap-1">
        <span className="text-sm text-slate-300">Slug</span>
        <span className="flex gap-2">
          <input
            className={`${input} flex-1 font-mono`}
            value={draft.slug}
            disabled={editing !== null}
            data-testid="link-slug"
            onChange={(e) => set('slug', e.target.value)}
          />
          {!editing && (
            <button
              type="button"
              className="rounded-lg border border-slate-600 px-3 text-sm"
              onClick={() => set('slug', newSlug())}
            >
              Generate
            </button>
          )}
        </span>
        {message('slug')}
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-sm text-slate-300">Target address (https:// or http://)</span>
        <input
          className={input}
          value={draft.target}
          placeholder="https://example.com/track"
          data-testid="link-target"
          onChange={(e) => set('target', e.target.value)}
        />
        {message('target')}
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-sm text-slate-300">Title</span>
        <input
          className={input}
          value={draft.title}
          data-testid="link-title"
          onChange={(e) => set('title', e.target.value)}
        />
        {message('title')}
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-sm text-slate-300">Tags (comma separated)</span>
        <input
          className={input}
          value={draft.tags}
          data-testid="link-tags"
          onChange={(e) => set('tags', e.target.value)}
        />
        {message('tags')}
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-sm text-slate-300">Expires (optional)</span>
        <input
          type="datetime-local"
          className={input}
          value={draft.expiresAt}
          data-testid="link-expires"
          onChange={(e) => set('expiresAt', e.target.value)}
        />
        {message('expiresAt')}
      </label>
      <div className="flex flex-col justify-end gap-2">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={draft.enabled}
            data-testid="link-enabled"
            onChange={(e) => set('enabled', e.target.checked)}
          />
          Enabled (a disabled link answers “not found”)
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={draft.passQuery}
            data-testid="link-pass-query"
            onChange={(e) => set('passQuery', e.target.checked)}
          />
          Pass on query parameters (?a=1) to the target
        </label>
      </div>
      <div className="flex items-center gap-3 md:col-span-2">
        <button
          type="submit"
          disabled={saving}
          className="rounded-lg bg-sky-500 px-4 py-2 font-bold text-slate-950 disabled:opacity-50"
          data-testid="link-save"
        >
          {editing ? 'Save changes' : 'Create link'}
        </button>
        {onCancel && (
          <button
            type="button"
            className="rounded-lg border border-slate-600 px-4 py-2"
            onClick={onCancel}
          >
            Cancel
          </button>
        )}
        {failure && <span className="text-rose-300">{failure}</span>}
      </div>
    </form>
  );
}
