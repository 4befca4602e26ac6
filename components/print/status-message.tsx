// The one-line outcome of an action on the printing pages: green when it worked, red when not.
export interface StatusNote {
  kind: 'ok' | 'error';
  text: string;
}

export default function StatusMessage({
  note,
  testId,
}: {
  note: StatusNote | null;
  testId: string;
}) {
  if (!note) return null;
  return (
    <p
      role="status"
      data-testid={testId}
      className={note.kind === 'ok' ? 'text-emerald-300' : 'text-red-300'}
    >
      {note.text}
    </p>
  );
}
