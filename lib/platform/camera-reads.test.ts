import { describe, expect, it } from 'vitest';
import { startReadLoop } from './camera-reads';
import { createFakeDecoder } from './decoder/fake-decoder';
import type { Decoded } from './decoder/types';

const c128 = (text: string): Decoded => ({ text, format: 'code128' });
const qr = (text: string): Decoded => ({ text, format: 'qr' });

const at = (x: number, y: number) => [
  { x, y },
  { x: x + 100, y },
  { x: x + 100, y: y + 2 },
  { x, y: y + 2 },
];

async function run(script: Decoded[][], frameMs = 33) {
  const decoder = createFakeDecoder(script);
  const reads: Array<{ text: string; frame: number }> = [];
  let frame = 0;
  const frameImage = new Uint8ClampedArray(4) as unknown as ImageData;
  const loop = startReadLoop({
    decoder,
    nextFrame: async () => (frame < script.length ? (frame++, frameImage) : null),
    now: () => frame * frameMs,
    onReads: (r) => r.forEach((read) => reads.push({ text: read.text, frame })),
  });
  await loop.done;
  return { reads, frames: loop.frames, hints: decoder.hints };
}

describe('startReadLoop', () => {
  it('fires a 1D read on the second agreeing frame, once while held in view', async () => {
    const { reads } = await run([[], [c128('JD1')], [c128('JD1')], [c128('JD1')], [c128('JD1')]]);
    expect(reads).toEqual([{ text: 'JD1', frame: 3 }]);
  });

  it('fires a 2D read on its first frame', async () => {
    const { reads } = await run([[qr('Q1')], [qr('Q1')]]);
    expect(reads).toEqual([{ text: 'Q1', frame: 1 }]);
  });

  it('does not accept a 1D misread seen in one frame only', async () => {
    const { reads } = await run([[c128('JD8')], [c128('JD1')], [c128('JD1')]]);
    expect(reads.map((r) => r.text)).toEqual(['JD1']);
  });

  it('fires again after the code was out of view longer than the window', async () => {
    const gap: Decoded[][] = Array.from({ length: 70 }, () => []); // 70 x 33 ms > 2 s
    const { reads } = await run([[qr('Q1')], ...gap, [qr('Q1')]]);
    expect(reads).toHaveLength(2);
  });

  it('looks first where a 1D read waits for its agreeing frame, and only then', async () => {
    const waiting: Decoded = { ...c128('JD1'), cornerPoints: at(40, 200) };
    const { reads, hints } = await run([
      [],
      [waiting],
      [{ ...waiting, cornerPoints: at(42, 201) }],
      [{ ...waiting, cornerPoints: at(43, 201) }],
      [{ ...qr('Q1'), cornerPoints: at(300, 100) }],
    ]);
    expect(reads.map((r) => r.text)).toEqual(['JD1', 'Q1']);
    // Frame 2 is hinted at frame 1's code; once it agreed (frame 2), and for 2D reads, no hint.
    expect(hints.map((h) => h?.near?.[0] ?? null)).toEqual([
      null,
      null,
      { x: 40, y: 200 },
      null,
      null,
    ]);
  });

  it('stops on a decoder error and reports it', async () => {
    const errors: unknown[] = [];
    const decoder = createFakeDecoder([]);
    decoder.dispose();
    const loop = startReadLoop({
      decoder,
      nextFrame: async () => new Uint8ClampedArray(4) as unknown as ImageData,
      now: () => 0,
      onReads: () => undefined,
      onError: (e) => errors.push(e),
    });
    await loop.done;
    expect(errors).toHaveLength(1);
  });
});
