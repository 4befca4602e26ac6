'use client';
// `/admin/links/`: short links on this device — create (admins and supervisors), search by title
// or tag, the short URL with a copy button, the QR code, edit, bulk import, and visit figures
// read from the server. Everything but the visits works offline; links sync when they can.
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { LinkFields } from '@/lib/core/link-form';
import { claimStatusOf, linkMatches, linkStateOf, shortUrlOf } from '@/lib/core/link-form';
import type { VisitTotals } from '@/lib/core/visit-tally';
import type { LinkStore } from '@/lib/db/links';
import type { LinksHold } from '@/lib/db/links-sync';
import type { Link } from '@/lib/schema/link';
import { useDockhand } from '../dockhand-provider';
import { useNow, useObservable, useStore } from '../use-store';
import LinkForm from './link-form';
import LinkImport from './link-import';
import LinkQr from './link-qr';
import LinkVisits from './link-visits';

const noSubscribe = () => () => undefined;
const originOf = () => window.location.origin;
const VISITS_REFRESH_MS = 5_000; // 5 s: the server flushes visit counts in batches anyway

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="rounded border border-slate-600 px-2 py-0.5 text-xs"
      data-testid="copy-short-url"
      onClick={() => {
        navigator.clipboard
          .writeText(text)
          .then(() => {
            setCopied(true);
            window.setTimeout(() => setCopied(false), 1_500);
          })
          .catch((error: unknown) => console.warn('[dockhand] clipboard refused', error));
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/** Roles that create and edit links; the server's `links` writers (lib/schema/databases.ts). */
const EDITOR_ROLES = ['_admin', 'admin', 'supervisor'];

const STALE_HOLD_MS = 30_000; // 30 s: a held push retries as soon as its wait is over

/** The server is holding this device's new links back: say so, with the time left. */
function LinksHoldNotice({ hold }: { hold: LinksHold }) {
  const now = useNow(1_000);
  const leftMs = Date.parse(hold.until) - now.getTime();
  const leftS = Math.max(0, Math.ceil(leftMs / 1_000));
  // A hold long past its time was left by a tab that closed mid-wait: nothing is held now.
  if (!(leftMs > -STALE_HOLD_MS)) return null;
  return (
    <p
      className="rounded-xl border border-amber-500/50 bg-amber-950/40 p-3"
      data-testid="links-held"
      role="status"
    >
      {hold.reason} Your new links are kept on this device and sync by themselves
      {leftS > 0 ? ` in ${leftS} s` : ' now'}.
    </p>
  );
}

function useVisits(enabled: boolean) {
  const [visits, setVisits] = useState<{ bySlug: Map<string, VisitTotals>; error: string | null }>({
    bySlug: new Map(),
    error: null,
  });
  const refresh = useCallback(() => {
    import('@/lib/db/links-visits')
      .then(({ fetchVisitTotals }) => fetchVisitTotals((...args) => window.fetch(...args)))
      .then((answer) =>
        setVisits((v) =>
          answer.ok
            ? { bySlug: answer.bySlug, error: null }
            : {
                ...v,
                error:
                  answer.status === 401 || answer.status === 403
                    ? 'Visit figures need a supervisor or admin session.'
                    : `The server answered ${answer.status}.`,
              },
        ),
      )
      .catch((error: unknown) => {
        console.info('[dockhand] visit figures unavailable', error);
        setVisits((v) => ({ ...v, error: 'Visit figures need a connection to the server.' }));
      });
  }, []);
  useEffect(() => {
    if (!enabled) return;
    refresh();
    const id = window.setInterval(refresh, VISITS_REFRESH_MS);
    return () => window.clearInterval(id);
  }, [enabled, refresh]);
  return { ...visits, refresh };
}

export default function LinksScreen() {
  const { dockhand, platform, dbError } = useDockhand();
  const session = useStore(platform?.session, null);
  const sync = useStore(dockhand?.sync, null);
  const [store, setStore] = useState<LinkStore | null>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const origin = useSyncExternalStore(noSubscribe, originOf, () => '');
  const [claimsVersion, setClaimsVersion] = useState(0);
  const now = useNow(30_000);
  const user = session?.user ?? null;
  const canEdit = (session?.roles ?? []).some((role) => EDITOR_ROLES.includes(role));

  useEffect(() => {
    if (!dockhand || !platform) return;
    let live = true;
    import('@/lib/db/links')
      .then(({ openLinkStore }) => {
        if (live) setStore(openLinkStore(dockhand.database, platform.store));
      })
      .catch((error: unknown) => console.error('[dockhand] links failed to open', error));
    dockhand.sync.reSync(); // fresh slugs for the clash check
    return () => {
      live = false;
    };
  }, [dockhand, platform]);

  const links = useObservable<Link[], Link[]>(store?.all$, []);
  const visits = useVisits(canEdit);
  const shown = useMemo(() => links.filter((l) => linkMatches(l, query)), [links, query]);
  const current = links.find((l) => l.id === selected) ?? null;
  const lost = useMemo(() => {
    void claimsVersion;
    const byId = new Map(links.map((l) => [l.id, l]));
    return (store?.claims() ?? []).filter((c) => claimStatusOf(c, byId.get(c.id)) === 'lost');
  }, [store, links, claimsVersion]);

  const create = async (fields: LinkFields) => {
    if (!store) return 'ok' as const;
    const answer = await store.create(fields);
    if (!answer.ok) return 'slug-taken' as const;
    setSelected(fields.id);
    return 'ok' as const;
  };
  const save = async (fields: LinkFields, clear: Array<'expiresAt' | 'title'>) => {
    if (!store || !current) return 'ok' as const;
    const { target, title, tags, enabled, expiresAt, passQuery } = fields;
    await store.edit(
      current.id,
      { target, title, tags: tags ?? [], enabled, expiresAt, passQuery: passQuery ?? false },
      clear,
    );
    setEditing(false);
    return 'ok' as const;
  };

  if (dbError) return <p className="text-rose-300">{dbError}</p>;
  if (!store || !user) return <p className="text-slate-400">Opening links…</p>;

  return (
    <div
      className="flex flex-col gap-6"
      data-testid="links-screen"
      data-mode={canEdit ? 'edit' : 'view'}
    >
      <h1 className="text-2xl font-bold">Short links and QR codes</h1>
      {sync?.linksHold && <LinksHoldNotice hold={sync.linksHold} />}
      {lost.map((claim) => (
        <div
          key={claim.id}
          className="flex flex-wrap items-center gap-3 rounded-xl border border-amber-500/50 bg-amber-950/40 p-3"
          data-testid="link-clash"
        >
          <span>
            The slug <code>{claim.id}</code> was already taken on the server when your link (to{' '}
            <code>{claim.target}</code>) synced; the other link kept it. Create yours again with
            another slug.
          </span>
          <button
            type="button"
            className="rounded border border-slate-500 px-2 py-0.5 text-sm"
            onClick={() => {
              store.forgetClaim(claim.id);
              setClaimsVersion((v) => v + 1);
            }}
          >
            Dismiss
          </button>
        </div>
      ))}
      {canEdit ? (
        <LinkForm key="new" editing={null} owner={user} onSave={create} />
      ) : (
        <p className="text-slate-400" data-testid="links-read-only">
          You can view links and their QR codes; supervisors and admins create and edit them.
        </p>
      )}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <section className="flex flex-col gap-3">
          <input
            type="search"
            placeholder="Search title, slug or #tag"
            className="rounded-lg border border-slate-600 bg-slate-900 px-3 py-2"
            value={query}
            data-testid="link-search"
            onChange={(e) => setQuery(e.target.value)}
          />
          <ul className="flex flex-col gap-2" data-testid="link-list">
            {shown.length === 0 && (
              <li className="text-slate-400">No links{query ? ' match' : ' yet'}.</li>
            )}
            {shown.map((link) => {
              const url = shortUrlOf(origin, link.id);
              const state = linkStateOf(link, now);
              const total = visits.bySlug.get(link.id);
              return (
                <li
                  key={link.id}
                  data-testid="link-row"
                  data-slug={link.id}
                  data-state={state}
                  className={`flex flex-col gap-1 rounded-lg border p-3 ${link.id === selected ? 'border-sky-400' : 'border-slate-700'}`}
                >
                  <div className="flex flex-wrap items-center gap-2">
                    <button
                      type="button"
                      className="font-semibold underline-offset-2 hover:underline"
                      data-testid="link-open"
                      onClick={() => {
                        setSelected(link.id);
                        setEditing(false);
                      }}
                    >
                      {link.title || link.id}
                    </button>
                    {state !== 'live' && (
                      <span className="rounded bg-slate-700 px-1.5 text-xs">{state}</span>
                    )}
                    {(link.tags ?? []).map((tag) => (
                      <button
                        key={tag}
                        type="button"
                        className="rounded bg-slate-800 px-1.5 text-xs text-sky-300"
                        onClick={() => setQuery(`#${tag}`)}
                      >
                        #{tag}
                      </button>
                    ))}
                    {total && (
                      <span className="ml-auto text-xs text-slate-400">{total.humans} visits</span>
                    )}
                  </div>
                  <div className="flex items-center gap-2 text-sm">
                    <code className="text-sky-200" data-testid="short-url">
                      {url}
                    </code>
                    <CopyButton text={url} />
                  </div>
                  <span className="truncate text-xs text-slate-400">→ {link.target}</span>
                </li>
              );
            })}
          </ul>
        </section>
        {current && (
          <section
            className="flex flex-col gap-4 rounded-xl border border-slate-700 p-4"
            data-testid="link-detail"
            data-slug={current.id}
          >
            <div className="flex items-center gap-2">
              <h2 className="text-lg font-bold">{current.title || current.id}</h2>
              {canEdit && !editing && (
                <button
                  type="button"
                  className="ml-auto rounded border border-slate-600 px-2 py-0.5 text-sm"
                  data-testid="link-edit"
                  onClick={() => setEditing(true)}
                >
                  Edit
                </button>
              )}
            </div>
            {editing && (
              <LinkForm
                key={current.id}
                editing={current}
                owner={current.owner}
                onSave={save}
                onCancel={() => setEditing(false)}
              />
            )}
            <LinkQr
              slug={current.id}
              url={shortUrlOf(origin, current.id)}
              title={current.title ?? ''}
              target={current.target}
            />
            {canEdit && (
              <>
                <h3 className="font-semibold">Visits</h3>
                {visits.error && <p className="text-sm text-amber-300">{visits.error}</p>}
                <LinkVisits totals={visits.bySlug.get(current.id) ?? null} />
              </>
            )}
          </section>
        )}
      </div>
      {canEdit && <LinkImport store={store} owner={user} />}
    </div>
  );
}
