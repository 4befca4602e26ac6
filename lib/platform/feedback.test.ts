import { describe, expect, it } from 'vitest';
import { feedbackFor } from '../core/scan-feedback';
import { createFakeFeedback, createWebFeedback, type ToneContext } from './feedback';

function fakeContext(state = 'suspended') {
  const started: Array<{ hz: number; at: number }> = [];
  let resumed = 0;
  const param = () => ({
    setValueAtTime: () => undefined,
    linearRampToValueAtTime: () => undefined,
  });
  const ctx = {
    currentTime: 10,
    state,
    destination: {} as AudioNode,
    resume: async () => void (resumed += 1),
    createGain: () => ({ gain: param(), connect: (n: unknown) => n }) as unknown as GainNode,
    createOscillator: () => {
      let hz = 0;
      return {
        type: 'sine',
        frequency: { setValueAtTime: (v: number) => void (hz = v) },
        connect: (node: unknown) => node,
        start: (at: number) => started.push({ hz, at }),
        stop: () => undefined,
      } as unknown as OscillatorNode;
    },
  } as ToneContext;
  return { ctx, started, resumed: () => resumed };
}

describe('createWebFeedback', () => {
  it('plays each tone of a duplicate in order and vibrates its pattern', () => {
    const audio = fakeContext();
    const vibrations: number[][] = [];
    const out = createWebFeedback({
      createContext: () => audio.ctx,
      vibrate: (p) => (vibrations.push(p), true),
    });
    out.play(
      feedbackFor(
        {
          result: 'duplicate',
          first: { scanId: 'x', user: 'bo', scannedAt: '2026-03-02T08:15:00.000Z' },
        },
        'JD1',
      ),
    );
    expect(audio.started.map((s) => s.hz)).toEqual([880, 880]);
    expect(audio.started[1]!.at).toBeGreaterThan(audio.started[0]!.at);
    expect(vibrations).toEqual([[120, 80, 120]]);
    expect(audio.resumed()).toBe(1);
  });

  it('stays silent but still vibrates without Web Audio', () => {
    const vibrations: number[][] = [];
    const out = createWebFeedback({
      createContext: () => {
        throw new Error('no audio');
      },
      vibrate: (p) => (vibrations.push(p), true),
    });
    out.unlock();
    out.play(feedbackFor({ result: 'matched' }, 'JD1'));
    expect(vibrations).toEqual([[60]]);
  });
});

describe('createFakeFeedback', () => {
  it('records plays and unlocks', () => {
    const fake = createFakeFeedback();
    fake.unlock();
    fake.play(feedbackFor({ result: 'unknown' }, 'ZZ'));
    expect(fake.unlocks).toBe(1);
    expect(fake.played.map((f) => f.colour)).toEqual(['red']);
  });
});
