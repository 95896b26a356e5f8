import * as fc from 'fast-check';
import { patternIn, patternInByExpressions } from '../../lib/check/private/secret-invariants';

// verify scans every string of the output for key material; the fast paths (substring hints, a one-pass
// scan for the 40-character AWS secret shape) must find exactly what the regular expressions find.
describe('key material patterns: fast paths equal the regular expressions', () => {
  const KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const pieces = fc.constantFrom('a', 'Z', '7', '/', '+', '=', ' ', '-', ':', '"', 'é', 'AKIA', 'ASIA', 'IOSFODNN7EXAMPLE',
    'PRIVATE KEY', '-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----', KEY, KEY.slice(0, 39), 'abcdefghij0123456789ABCDEFGHIJ');
  const text = fc.array(pieces, { maxLength: 30 }).map(a => a.join(''));

  test('generated strings around every pattern boundary', () => {
    fc.assert(fc.property(text, s => expect(patternIn(s)).toBe(patternInByExpressions(s))), { numRuns: 5000 });
  });

  test('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), s => expect(patternIn(s)).toBe(patternInByExpressions(s))), { numRuns: 2000 });
  });

  test.each([
    [KEY, 'an AWS secret access key shape (40 base64 characters)'],
    [`x=${KEY}`, undefined], // `=` before: not a standalone key
    [`${KEY}=`, undefined],
    [`${KEY}a`, undefined], // 41 characters
    [`"${KEY}"`, 'an AWS secret access key shape (40 base64 characters)'],
    ['0123456789abcdef0123456789abcdef01234567', undefined], // hex digest: no upper case
    ['id AKIAIOSFODNN7EXAMPLE end', 'an AWS access key id'],
    ['XAKIAIOSFODNN7EXAMPLE', undefined],
    ['-----BEGIN OPENSSH PRIVATE KEY-----', 'a private-key PEM block'],
    ['-----BEGIN PUBLIC KEY----- and more text', undefined],
  ])('%s → %s', (s, what) => {
    expect(patternIn(s)).toBe(what);
    expect(patternInByExpressions(s)).toBe(what);
  });
});
