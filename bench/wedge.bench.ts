// Benchmark: keyboard-wedge scanners as they really behave, through the page's detector and
// listener (lib/platform/wedge-listener.ts over lib/core/wedge-detector.ts) with a text field
// focused, as on the scan page. Each code is sent at 5, 20 and 40 ms a key, with a pause of 50,
// 100 or 150 ms after a random key (Bluetooth scanners send in chunks) or none, with and without a
// prefix and suffix the scanner is set to add. Counts codes recognised whole, fragments (a scan
// that is not a whole code) and codes left in the field. People typing at 90-200 ms a key are
// sent too: none of their entries may become a scan.
import { manifestNumbers, seededRandom } from '../test/fixtures/carrier-numbers';
import { createWedgeDetector } from '../lib/core/wedge-detector';
import type { WedgeOptions } from '../lib/core/wedge-detector';
import { listenForWedge } from '../lib/platform/wedge-listener';
import type { WedgeKeyEvent } from '../lib/platform/wedge-listener';

const CODES_PER_CASE = 200;
const KEY_GAPS_MS = [5, 20, 40] as const;
const PAUSES_MS = [0, 50, 100, 150] as const;
const FRAMING: ReadonlyArray<{ name: string; options: Partial<WedgeOptions>; end: string }> = [
  { name: 'Enter', options: {}, end: 'Enter' },
  { name: 'Tab', options: {}, end: 'Tab' },
  { name: 'prefix+suffix', options: { prefix: ']C0', suffix: '~' }, end: '' },
];

interface Tally {
  sent: number;
  whole: number;
  fragments: number;
  leftInField: number;
}

/** Sends `codes` through a listener with a focused field; what came out. */
function run(
  codes: readonly string[],
  framing: (typeof FRAMING)[number],
  gapOf: (code: string, key: number) => number,
): Tally {
  const random = seededRandom(7);
  const field = { value: '' };
  const scans: string[] = [];
  let listener: ((e: WedgeKeyEvent) => void) | null = null;
  listenForWedge({
    target: {
      addEventListener: (_t, l) => void (listener = l),
      removeEventListener: () => void (listener = null),
    },
    focusedField: () => field,
    setFieldValue: (f, v) => void (f.value = v),
    onScan: (code) => scans.push(code),
    detector: createWedgeDetector(framing.options),
  });
  let at = 0;
  const tally: Tally = { sent: 0, whole: 0, fragments: 0, leftInField: 0 };
  for (const code of codes) {
    field.value = '';
    scans.length = 0;
    const prefix = framing.options.prefix ?? '';
    const suffix = framing.options.suffix ?? '';
    const keys = [...prefix, ...code, ...suffix, ...(framing.end ? [framing.end] : [])];
    keys.forEach((key, i) => {
      let prevented = false;
      listener!({
        key,
        timeStamp: at,
        ctrlKey: false,
        altKey: false,
        metaKey: false,
        preventDefault: () => (prevented = true),
      });
      // The browser's default action: a character lands in the field unless prevented.
      if (key.length === 1 && !prevented) field.value += key;
      at += gapOf(code, i) * (0.8 + 0.4 * random());
    });
    at += 1_000; // the next parcel
    tally.sent += 1;
    if (scans.length === 1 && scans[0] === code) tally.whole += 1;
    tally.fragments += scans.filter((s) => s !== code).length;
    if (field.value.includes(code.slice(-4))) tally.leftInField += 1;
  }
  return tally;
}

function main(): void {
  const random = seededRandom(11);
  const codes = manifestNumbers(CODES_PER_CASE, random);
  const total: Tally = { sent: 0, whole: 0, fragments: 0, leftInField: 0 };
  for (const framing of FRAMING) {
    for (const perKey of KEY_GAPS_MS) {
      for (const pause of PAUSES_MS) {
        const pauseAfter = new Map(
          codes.map((c) => [c, 1 + Math.floor(random() * (c.length - 2))]),
        );
        const t = run(codes, framing, (code, i) =>
          i === pauseAfter.get(code) ? pause || perKey : perKey,
        );
        console.log(
          `# ${framing.name.padEnd(13)} ${String(perKey).padStart(2)} ms/key, pause ${String(pause).padStart(3)} ms: ` +
            `${t.whole}/${t.sent} whole, ${t.fragments} fragments, ${t.leftInField} left in the field`,
        );
        for (const k of Object.keys(total) as Array<keyof Tally>) total[k] += t[k];
      }
    }
  }
  // People typing numbers into the field and pressing Enter: never a wedge scan.
  const typists = [90, 120, 200].map((perKey) => run(codes, FRAMING[0]!, () => perKey));
  const typedAsScans = typists.reduce((n, t) => n + t.whole + t.fragments, 0);
  console.log(
    `# people typing at 90, 120 and 200 ms a key: ${typedAsScans} of ${3 * codes.length} entries taken for scans`,
  );
  console.log(
    `figure: wedge-recognised ${((100 * total.whole) / total.sent).toFixed(1)} % (target >= 100)`,
  );
  console.log(`figure: wedge-fragments ${total.fragments} count (target <= 0)`);
  console.log(`figure: wedge-left-in-field ${total.leftInField} count (target <= 0)`);
  console.log(`figure: wedge-typing-taken-for-scans ${typedAsScans} count (target <= 0)`);
}

main();
