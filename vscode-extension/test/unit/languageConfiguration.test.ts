// The regular expressions of language-configuration.json, compiled the way
// VS Code compiles them: a plain string without flags, an object
// `{ pattern, flags }` with its flags (and, for `wordPattern`, the `g` flag
// VS Code adds while keeping `i`, `m` and `u`). A pattern that relies on
// `\p{…}` classes therefore only works in the object form with `u`.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';

type RegexValue = string | { pattern: string; flags?: string };

const configPath = path.join(__dirname, '..', '..', '..', 'language-configuration.json');
const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));

function compile(value: RegexValue): RegExp {
  if (typeof value === 'string') {
    return new RegExp(value);
  }
  return new RegExp(value.pattern, value.flags ?? '');
}

/** VS Code's `ensureValidWordDefinition`: global, keeping the other flags. */
function wordDefinition(value: RegexValue): RegExp {
  const r = compile(value);
  let flags = 'g';
  if (r.ignoreCase) flags += 'i';
  if (r.multiline) flags += 'm';
  if (r.unicode) flags += 'u';
  return new RegExp(r.source, flags);
}

/** The word VS Code sees at `offset` of `line`. */
function wordAt(line: string, offset: number, value: RegexValue): string | undefined {
  const r = wordDefinition(value);
  for (const m of line.matchAll(r)) {
    if (m.index !== undefined && m.index <= offset && offset <= m.index + m[0].length) {
      return m[0];
    }
  }
  return undefined;
}

/** Every regular expression in the configuration, with where it is. */
function allRegexes(): Array<[string, RegexValue]> {
  const out: Array<[string, RegexValue]> = [];
  const rules = config.indentationRules ?? {};
  for (const key of Object.keys(rules)) {
    out.push([`indentationRules.${key}`, rules[key]]);
  }
  (config.onEnterRules ?? []).forEach((rule: Record<string, unknown>, i: number) => {
    for (const key of ['beforeText', 'afterText', 'previousLineText']) {
      if (rule[key] !== undefined) {
        out.push([`onEnterRules[${i}].${key}`, rule[key] as RegexValue]);
      }
    }
  });
  if (config.wordPattern !== undefined) {
    out.push(['wordPattern', config.wordPattern]);
  }
  const markers = config.folding?.markers ?? {};
  for (const key of Object.keys(markers)) {
    out.push([`folding.markers.${key}`, markers[key]]);
  }
  return out;
}

test('every regular expression of language-configuration.json compiles as VS Code compiles it', () => {
  const found = allRegexes();
  assert.ok(found.length >= 5, `only ${found.length} regular expressions found`);
  for (const [where, value] of found) {
    assert.doesNotThrow(() => compile(value), `${where} does not compile`);
  }
});

test('a pattern using \\p{…} classes is an object with the u flag', () => {
  for (const [where, value] of allRegexes()) {
    const source = typeof value === 'string' ? value : value.pattern;
    if (/\\[pP]\{/.test(source)) {
      assert.ok(typeof value === 'object' && (value.flags ?? '').includes('u'), `${where} needs {"flags": "u"}`);
    }
  }
});

test('Japanese and snake_case identifiers are whole words', () => {
  const word = config.wordPattern as RegexValue;
  for (const name of ['エネルギー管理', 'energy_manager', 'bms.hvac_ctl', '設備2']) {
    assert.equal(wordAt(name, 0, word), name, `start of ${name}`);
    assert.equal(wordAt(name, name.length, word), name, `end of ${name}`);
  }
  // The first letters typed on a new line are the word under the cursor,
  // which is what completion filters on while typing.
  assert.equal(wordAt('  ener', 6, word), 'ener');
  assert.equal(wordAt('  エネ', 4, word), 'エネ');
  assert.equal(wordAt('a -> エネルギー管理 : flows', 7, word), 'エネルギー管理');
  // Punctuation is not part of a word.
  assert.equal(wordAt('a -> b', 2, word), undefined);
});

test('the same pattern as a plain string would not see a Japanese word', () => {
  const word = config.wordPattern as { pattern: string };
  assert.notEqual(wordAt('エネルギー管理', 0, word.pattern), 'エネルギー管理');
});
