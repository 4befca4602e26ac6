import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inlineScriptHashes } from './inline-script-hashes';

const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

describe('inlineScriptHashes', () => {
  it('hashes executable inline scripts only', () => {
    const html = [
      '<script src="/_next/static/a.js"></script>',
      '<script>self.__next_f.push([1,"x"])</script>',
      '<script id="b" nonce="">console.log(1)</script>',
      '<script type="application/json">{"a":1}</script>',
      '<script type="application/ld+json">{}</script>',
      '<script></script>',
      '<script>console.log(1)</script>',
    ].join('\n');
    expect(inlineScriptHashes(html)).toEqual([
      sha('self.__next_f.push([1,"x"])'),
      sha('console.log(1)'),
    ]);
  });
});
