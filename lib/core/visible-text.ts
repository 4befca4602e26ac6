// User text (file names, manifest names, people's names) as it is shown: Unicode's explicit
// direction controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) are made
// visible instead of obeyed, so "invoice‮fdp.exe" cannot read as "invoiceexe.pdf", and no text
// reorders what is shown after it. The stored value is never changed.

const DIRECTION_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

export function visibleText(text: string): string {
  return text.replace(
    DIRECTION_CONTROLS,
    (c) => `‹U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}›`,
  );
}
