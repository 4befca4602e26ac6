// Test double for the decoder interface: answers each frame from a script, records what it saw.
import type {
  BarcodeDecoder,
  BarcodeFormat,
  Decoded,
  DecodeFrame,
  DecodeHint,
  EngineName,
} from './types';

export interface FakeDecoder extends BarcodeDecoder {
  /** Frames passed to `decode`, in order. */
  readonly frames: DecodeFrame[];
  /** The hint passed with each frame (undefined when none). */
  readonly hints: (DecodeHint | undefined)[];
  readonly disposed: boolean;
}

/** Frame n gets `script[n]`; frames past the end of the script get no reads. */
export function createFakeDecoder(
  script: readonly Decoded[][],
  name: EngineName = 'zxing-wasm',
  formats: readonly BarcodeFormat[] = ['code128', 'qr', 'datamatrix'],
): FakeDecoder {
  const frames: DecodeFrame[] = [];
  const hints: (DecodeHint | undefined)[] = [];
  let disposed = false;
  return {
    name,
    formats,
    frames,
    hints,
    get disposed() {
      return disposed;
    },
    async decode(frame, hint) {
      if (disposed) throw new Error('fake decoder disposed');
      frames.push(frame);
      hints.push(hint);
      return script[frames.length - 1] ?? [];
    },
    dispose() {
      disposed = true;
    },
  };
}
