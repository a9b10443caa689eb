// The TextMate grammar is written by scripts/grammar.js. These tests keep
// the committed syntaxes/kozo.tmLanguage.json equal to what the script
// writes, and the script's word lists equal to the language's: the reserved
// words and the contextual clause words of lang/src/ast.rs, and every
// keyword rule of lang/src/grammar.pest. A word added to the language then
// fails here until the grammar knows where it may be coloured.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';

interface GrammarScript {
  GRAMMAR_PATH: string;
  grammar(): unknown;
  grammarText(): string;
  words: Record<string, string | string[]>;
}

const extensionRoot = path.join(__dirname, '..', '..', '..');
const repoRoot = path.join(extensionRoot, '..');
const script: GrammarScript = require(path.join(extensionRoot, 'scripts', 'grammar.js'));

const astSource = fs.readFileSync(path.join(repoRoot, 'lang', 'src', 'ast.rs'), 'utf8');
const pestSource = fs.readFileSync(path.join(repoRoot, 'lang', 'src', 'grammar.pest'), 'utf8');

/** A `pub const NAME: &[&str] = &[ ... ];` list of lang/src/ast.rs. */
function astList(name: string): string[] {
  const m = new RegExp(`pub const ${name}: &\\[&str\\] = &\\[([^\\]]*)\\];`).exec(astSource);
  assert.ok(m, `lang/src/ast.rs has no list ${name}`);
  return [...m[1].matchAll(/"([^"]*)"/g)].map((w) => w[1]);
}

/** A `pub const NAME: &str = "...";` word of lang/src/ast.rs. */
function astWord(name: string): string {
  const m = new RegExp(`pub const ${name}: &str = "([^"]*)";`).exec(astSource);
  assert.ok(m, `lang/src/ast.rs has no word ${name}`);
  return m[1];
}

function sorted(words: string | string[]): string[] {
  return [...(typeof words === 'string' ? [words] : words)].sort();
}

test('the committed grammar is the one scripts/grammar.js writes', () => {
  const committed = fs.readFileSync(script.GRAMMAR_PATH, 'utf8');
  assert.equal(committed, script.grammarText(), 'run `npm run grammar` after changing scripts/grammar.js');
});

test('the word lists are those of lang/src/ast.rs', () => {
  const lists: Array<[string, string]> = [
    ['RESERVED', 'KEYWORDS'],
    ['VIEW_CLAUSE_WORDS', 'VIEW_CLAUSE_WORDS'],
    ['RELATION_NOTATION_WORDS', 'RELATION_NOTATION_WORDS'],
    ['RELATION_RULE_WORDS', 'RELATION_RULE_WORDS'],
    ['SHOW_ITEMS', 'SHOW_ITEMS'],
    ['IMPLIED_VALUES', 'IMPLIED_VALUES'],
    ['DIRECTION_VALUES', 'DIRECTION_VALUES'],
    ['LINE_STYLES', 'LINE_STYLES'],
    ['END_MARKS', 'END_MARKS'],
  ];
  for (const [ours, theirs] of lists) {
    assert.deepEqual(sorted(script.words[ours]), sorted(astList(theirs)), `${ours} differs from ast.rs ${theirs}`);
  }
  assert.equal(script.words.TECHNOLOGY_WORD, astWord('TECHNOLOGY_WORD'));
  assert.equal(script.words.SHOW_WORD, astWord('SHOW_WORD'));
  const declarations = astList('DECLARATION_KEYWORDS').filter((w) => w !== 'use');
  assert.deepEqual(sorted(script.words.DECLARATION_WORDS), sorted(declarations));
});

test('every keyword rule of grammar.pest is a reserved or a known contextual word', () => {
  const pestWords = [...pestSource.matchAll(/^kw_\w+\s*=\s*@\{\s*"([^"]+)"/gm)].map((m) => m[1]);
  assert.ok(pestWords.length > 30, 'grammar.pest keyword rules not found');
  const known = new Set<string>([
    ...(script.words.RESERVED as string[]),
    ...(script.words.VIEW_CLAUSE_WORDS as string[]),
    ...(script.words.RELATION_NOTATION_WORDS as string[]),
    ...(script.words.RELATION_RULE_WORDS as string[]),
    ...(script.words.TOP_LEVEL_WORDS as string[]),
    script.words.TECHNOLOGY_WORD as string,
    script.words.SHOW_WORD as string,
  ]);
  assert.deepEqual(sorted(pestWords), sorted([...known]));
});

test('every contextual word and value is coloured by some rule of the grammar', () => {
  const regexes: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'match' || key === 'begin') && typeof value === 'string') {
          regexes.push(value);
        } else {
          walk(value);
        }
      }
    }
  };
  walk(script.grammar());
  const contextual = [
    'VIEW_CLAUSE_WORDS',
    'RELATION_NOTATION_WORDS',
    'RELATION_RULE_WORDS',
    'TOP_LEVEL_WORDS',
    'TECHNOLOGY_WORD',
    'SHOW_WORD',
    'SHOW_ITEMS',
    'IMPLIED_VALUES',
    'DIRECTION_VALUES',
    'LINE_STYLES',
    'END_MARKS',
  ].flatMap((list) => sorted(script.words[list]));
  for (const word of contextual) {
    const asWord = new RegExp(`(?<![A-Za-z_])${word}(?![A-Za-z_])`);
    assert.ok(
      regexes.some((r) => asWord.test(r)),
      `no rule of the grammar names \`${word}\``,
    );
  }
});
