import { expect } from 'chai';
import { compareSortKeys, compareVietnameseNames, vietnameseSortKey } from '../../src/shared/text.js';
import { seededRandom } from '../helpers/seeded-random.js';

const byKey = (names: readonly string[]) => [...names].sort((a, b) => compareSortKeys(vietnameseSortKey(a), vietnameseSortKey(b)));
const sign = (n: number) => Math.sign(n);

/** Letters of Vietnamese names (and f j w z, found in names of ethnic minorities), each with every tone. */
const BASES = [...'aăâbcdđeêfghijklmnoôơpqrstuưvwxyz'];
const TONES = ['', '\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];
const VOWELS = new Set([...'aăâeêioôơuưy']);

describe('shared: the stored sort key of a name', () => {
  it('when names contain j, f, w or z, then they sort among the other letters (Ích, Jang, Khoa, Zơ)', () => {
    expect(byKey(['Lê Zơ', 'Vàng A Jang', 'Hoàng Khoa', 'Lò Văn Ích'])).to.deep.equal(['Lò Văn Ích', 'Vàng A Jang', 'Hoàng Khoa', 'Lê Zơ']);
  });

  it('when given names differ only by tones and length, then letters decide before tones (Hà, Hai, Hải)', () => {
    expect(byKey(['Đỗ Hải', 'Đỗ Hai', 'Đỗ Hà'])).to.deep.equal(['Đỗ Hà', 'Đỗ Hai', 'Đỗ Hải']);
  });

  it('when random names are compared, then the order of their keys is the order of Intl.Collator("vi") by given, family and middle name', () => {
    const random = seededRandom(20261204);
    const syllable = () => {
      const length = random.int(1, 5);
      const letters = Array.from({ length }, () => random.pick(BASES));
      // A tone sits on a vowel, as in Vietnamese spelling.
      const vowelAt = letters.findIndex((l) => VOWELS.has(l));
      if (vowelAt >= 0) letters[vowelAt] = (letters[vowelAt]! + random.pick(TONES)).normalize('NFC');
      const word = letters.join('');
      return random.chance(0.5) ? word[0]!.toUpperCase() + word.slice(1) : word;
    };
    const name = () => Array.from({ length: random.int(2, 4) }, syllable).join(' ');
    let checked = 0;
    for (let i = 0; i < 5000; i++) {
      const a = name();
      // Half the pairs share a prefix, where one key being a prefix of the other matters.
      const b = random.chance(0.5) ? a.replace(/\S+$/, (w) => w.slice(0, random.int(1, w.length)) + (random.chance(0.5) ? random.pick(BASES) : '')) : name();
      const expected = sign(compareVietnameseNames(a, b));
      if (expected === 0) continue;
      expect(sign(compareSortKeys(vietnameseSortKey(a), vietnameseSortKey(b))), `${a} | ${b}`).to.equal(expected);
      checked++;
    }
    expect(checked).to.be.greaterThan(4000);
  });
});
