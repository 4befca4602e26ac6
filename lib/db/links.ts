// Short links on the device: the live list, create (checked for a clash against the local copy
// first; the server's one-document-per-slug decides the rest), edit, bulk create, and the claims
// this device made so a slug lost to another device's earlier copy is shown, not swallowed.
import type { Observable } from 'rxjs';
import { map } from 'rxjs';
import type { LinkClaim, LinkFields } from '../core/link-form';
import type { KeyValueStore } from '../platform/key-value';
import type { Link } from '../schema/link';
import type { DockhandDatabase } from './database';

export type CreateLinkResult = { ok: true } | { ok: false; error: 'slug-taken' };

export type LinkEdit = Partial<
  Pick<Link, 'target' | 'title' | 'tags' | 'enabled' | 'expiresAt' | 'passQuery'>
>;

const CLAIMS_KEY = 'dockhand.linkClaims';
const MAX_CLAIMS = 500; // oldest dropped: a clash shows long before 500 more links are made

function isConflict(error: unknown): boolean {
  const e = error as {
    code?: string;
    status?: number;
    parameters?: { writeError?: { status?: number } };
  };
  return e?.code === 'CONFLICT' || e?.status === 409 || e?.parameters?.writeError?.status === 409;
}

export interface LinkStore {
  all$: Observable<Link[]>;
  /** Slugs on this device (pulled from the server or made here). */
  slugs(): Promise<Set<string>>;
  create(link: LinkFields): Promise<CreateLinkResult>;
  /** Inserts many; returns the slugs that clashed with a link already here. */
  bulkCreate(links: LinkFields[]): Promise<Set<string>>;
  edit(id: string, change: LinkEdit, clear?: Array<'expiresAt' | 'title'>): Promise<void>;
  claims(): LinkClaim[];
  forgetClaim(id: string): void;
}

export function openLinkStore(db: DockhandDatabase, store: KeyValueStore): LinkStore {
  const readClaims = (): LinkClaim[] => {
    try {
      const parsed: unknown = JSON.parse(store.getItem(CLAIMS_KEY) ?? '[]');
      return Array.isArray(parsed) ? (parsed as LinkClaim[]) : [];
    } catch (error) {
      console.warn('[dockhand] ignoring unreadable link claims', error);
      return [];
    }
  };
  const writeClaims = (claims: LinkClaim[]) =>
    store.setItem(CLAIMS_KEY, JSON.stringify(claims.slice(-MAX_CLAIMS)));
  const claim = (links: LinkFields[]) =>
    writeClaims([
      ...readClaims().filter((c) => !links.some((l) => l.id === c.id)),
      ...links.map(({ id, target, createdAt, owner }) => ({ id, target, createdAt, owner })),
    ]);

  return {
    all$: db.links
      .find({ sort: [{ id: 'asc' }] })
      .$.pipe(map((docs) => docs.map((doc) => doc.toJSON() as Link))),
    async slugs() {
      const docs = await db.links.find().exec();
      return new Set(docs.map((doc) => doc.id));
    },
    async create(link) {
      if (await db.links.findOne(link.id).exec()) return { ok: false, error: 'slug-taken' };
      try {
        await db.links.insert(link);
      } catch (error) {
        if (isConflict(error)) return { ok: false, error: 'slug-taken' };
        throw error;
      }
      claim([link]);
      return { ok: true };
    },
    async bulkCreate(links) {
      const result = await db.links.bulkInsert(links);
      const clashed = new Set<string>();
      for (const e of result.error) {
        if (e.status === 409) clashed.add(e.documentId);
        else throw new Error(`could not save link ${e.documentId}: status ${e.status}`);
      }
      claim(links.filter((l) => !clashed.has(l.id)));
      return clashed;
    },
    async edit(id, change, clear = []) {
      const doc = await db.links.findOne(id).exec();
      if (!doc) throw new Error(`no link ${id} on this device`);
      await doc.incrementalModify((data) => {
        const next = { ...data, ...change };
        for (const field of clear) delete next[field];
        return next;
      });
    },
    claims: readClaims,
    forgetClaim(id) {
      writeClaims(readClaims().filter((c) => c.id !== id));
    },
  };
}
