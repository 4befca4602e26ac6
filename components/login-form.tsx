'use client';
// Username and password against the server's session; returns to where the person came from.
import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { safeReturnPath } from '@/lib/core/return-path';
import { SessionError } from '@/lib/platform/session';
import { useDockhand } from './dockhand-provider';
import { useObservable, useStore } from './use-store';

function returnPathFromLocation(): string {
  return safeReturnPath(new URLSearchParams(window.location.search).get('next'));
}

export default function LoginForm() {
  const router = useRouter();
  const { platform, dockhand } = useDockhand();
  const session = useStore(platform?.session, null);
  const counts = useObservable(dockhand?.counts$, null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const lastUser = session?.user ?? null;
  const pending = counts?.pending ?? 0;
  const otherUserWithPending = Boolean(
    lastUser && name.trim() && name.trim() !== lastUser && pending > 0,
  );

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!platform || busy) return;
    if (!name.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await platform.session.login(name.trim(), password);
      platform.requestPersistence().catch((e: unknown) => console.warn('[dockhand] persist', e));
      router.replace(returnPathFromLocation());
    } catch (e) {
      setError(e instanceof SessionError ? e.message : 'Something went wrong. Try again.');
      if (!(e instanceof SessionError)) console.error('[dockhand] login failed', e);
      setBusy(false);
    }
  }

  async function onLogout() {
    if (!platform) return;
    try {
      await platform.session.logout();
    } catch (e) {
      setError(e instanceof SessionError ? e.message : 'Could not log out. Try again.');
    }
  }

  return (
    <form
      onSubmit={onSubmit}
      data-testid="login-form"
      className="mx-auto flex w-full max-w-md flex-col gap-5"
      noValidate
    >
      <h1 className="text-3xl font-bold">Log in to Dockhand</h1>
      {session?.status === 'active' && (
        <p
          data-testid="login-current"
          className="rounded-xl bg-emerald-950 p-4 text-lg text-emerald-100"
        >
          Logged in as <strong>{session.user}</strong>.{' '}
          <button type="button" onClick={onLogout} className="underline">
            Log out
          </button>
        </p>
      )}
      {session?.status === 'expired' && lastUser && (
        <p className="rounded-xl bg-amber-950 p-4 text-lg text-amber-100">
          Your session expired. Log in again as <strong>{lastUser}</strong> to sync
          {pending > 0 ? ` your ${pending} waiting ${pending === 1 ? 'scan' : 'scans'}` : ''}.
        </p>
      )}
      <label className="flex flex-col gap-2 text-lg font-medium">
        Username
        <input
          data-testid="login-name"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="min-h-14 rounded-xl border-2 border-slate-600 bg-slate-900 px-4 text-xl focus:border-sky-400 focus:outline-none"
        />
      </label>
      <label className="flex flex-col gap-2 text-lg font-medium">
        Password
        <input
          data-testid="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className="min-h-14 rounded-xl border-2 border-slate-600 bg-slate-900 px-4 text-xl focus:border-sky-400 focus:outline-none"
        />
      </label>
      {otherUserWithPending && (
        <p className="text-base text-amber-300">
          {pending} scans on this device were recorded by {lastUser}. They sync only when {lastUser}{' '}
          logs in.
        </p>
      )}
      {error && (
        <p
          data-testid="login-error"
          role="alert"
          className="rounded-xl bg-red-950 p-4 text-lg text-red-100"
        >
          {error}
        </p>
      )}
      <button
        data-testid="login-submit"
        type="submit"
        disabled={!platform || busy}
        className="min-h-16 rounded-xl bg-sky-500 px-6 text-xl font-bold text-slate-950 hover:bg-sky-400 disabled:opacity-50"
      >
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
