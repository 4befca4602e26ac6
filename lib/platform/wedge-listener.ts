// Keyboard-wedge scanners on a whole page: a window-level keydown listener feeds the pure burst
// detector, so a scan is recognised wherever focus is. When the burst's characters landed in a
// text field they are taken back out, and the ending Enter/Tab is swallowed (no form submit, no
// button click), so a burst is recorded once, as 'wedge'. Human typing passes through untouched.
import type { WedgeDetector } from '../core/wedge-detector';
import { createWedgeDetector } from '../core/wedge-detector';

/** What the listener needs of a key event (a KeyboardEvent in the browser). */
export interface WedgeKeyEvent {
  key: string;
  timeStamp: number;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  isComposing?: boolean;
  preventDefault(): void;
}

export interface TextField {
  value: string;
}

export interface WedgeListenerDeps {
  /** Usually `window`; keydown is listened to in the capture phase. */
  target: {
    addEventListener(
      type: 'keydown',
      listener: (event: WedgeKeyEvent) => void,
      capture: boolean,
    ): void;
    removeEventListener(
      type: 'keydown',
      listener: (event: WedgeKeyEvent) => void,
      capture: boolean,
    ): void;
  };
  /** The focused text field, if any (the burst's characters may have been typed into it). */
  focusedField(): TextField | null;
  /** Sets a field's value so its owner (e.g. React) sees the change. */
  setFieldValue(field: TextField, value: string): void;
  onScan(code: string): void;
  detector?: WedgeDetector;
}

// Scanners press Shift for capitals like a keyboard does; those keys say nothing about a person.
const MODIFIERS = new Set(['Shift', 'CapsLock', 'Control', 'Alt', 'AltGraph', 'Meta']);

export function listenForWedge(deps: WedgeListenerDeps): () => void {
  const detector = deps.detector ?? createWedgeDetector();
  const listener = (event: WedgeKeyEvent) => {
    if (event.isComposing || MODIFIERS.has(event.key)) return;
    if (event.ctrlKey || event.altKey || event.metaKey) {
      detector.reset(); // a shortcut, not data
      return;
    }
    const outcome = detector.push({ key: event.key, at: event.timeStamp });
    if (outcome.kind !== 'scan') return;
    event.preventDefault();
    const field = deps.focusedField();
    // What reached the field: every key sent for the code but this one, whose default (a
    // suffix's last character landing) is prevented above.
    const inField = event.key.length === 1 ? outcome.typed.slice(0, -1) : outcome.typed;
    if (field && inField && field.value.endsWith(inField)) {
      deps.setFieldValue(field, field.value.slice(0, field.value.length - inField.length));
    }
    deps.onScan(outcome.code);
  };
  deps.target.addEventListener('keydown', listener, true);
  return () => deps.target.removeEventListener('keydown', listener, true);
}

/** The browser wiring: window keydown, the focused <input>/<textarea>, React-visible value sets. */
export function listenForWedgeOnWindow(onScan: (code: string) => void): () => void {
  return listenForWedge({
    target: window as unknown as WedgeListenerDeps['target'],
    focusedField() {
      const active = document.activeElement;
      return active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement
        ? active
        : null;
    },
    setFieldValue(field, value) {
      const element = field as HTMLInputElement | HTMLTextAreaElement;
      const proto =
        element instanceof HTMLTextAreaElement
          ? HTMLTextAreaElement.prototype
          : HTMLInputElement.prototype;
      // React tracks the value it set last; the native setter + an input event updates its state.
      Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(element, value);
      element.dispatchEvent(new Event('input', { bubbles: true }));
    },
    onScan,
  });
}
