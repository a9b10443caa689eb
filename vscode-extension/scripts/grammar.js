// The kozo TextMate grammar, built from named pieces so that the word lists
// and the identifier pattern are written once (a TextMate grammar has no
// variables, and the list of reserved words is needed in half its rules).
//
// `node scripts/grammar.js` writes syntaxes/kozo.tmLanguage.json; the unit
// tests check that the committed file is what this script writes, and that
// the word lists here are the language's (lang/src/ast.rs).
//
// Only the 30 reserved words are keywords everywhere. The newer words are
// contextual: an element may be called `group`, `line`, `note` or `show`.
// They are coloured only where their position leaves no doubt: at the start
// of a clause and followed by what only that clause can hold (`note "…"`,
// `technology "…"`, `allow a, b -> c`), or inside the body of the one
// declaration whose clause they start (`line dashed` in a relation kind,
// `group g "G"` in a view), which the grammar follows as a region when the
// declaration's `{` is on its first line, as the formatter writes it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** The reserved words, in the order of `KEYWORDS` in lang/src/ast.rs. */
const RESERVED = [
  'use', 'layer', 'kind', 'relation', 'concern', 'stakeholder', 'viewpoint', 'view', 'decision',
  'label', 'description', 'order', 'parents', 'shape', 'from', 'to', 'acyclic', 'downward',
  'default', 'concerns', 'frames', 'kinds', 'relations', 'include', 'exclude', 'of', 'status',
  'addresses', 'affects', 'rationale',
];
/** The reserved words that start a declaration with a name (`use` takes a module). */
const DECLARATION_WORDS = ['layer', 'kind', 'relation', 'concern', 'stakeholder', 'viewpoint', 'view', 'decision'];
/** The declarations `extend` may add to. */
const EXTENDABLE = ['layer', 'kind', 'relation'];
/** The contextual clause words of a view body (`VIEW_CLAUSE_WORDS` in ast.rs; `show` apart). */
const VIEW_CLAUSE_WORDS = ['implied', 'direction', 'group', 'note'];
/** The contextual clause words of a relation kind's body: its notation, then its rules. */
const RELATION_NOTATION_WORDS = ['line', 'head', 'tail'];
const RELATION_RULE_WORDS = ['allow', 'upward', 'same_kind'];
const TECHNOLOGY_WORD = 'technology';
const SHOW_WORD = 'show';
const SHOW_ITEMS = ['description', 'technology', 'none'];
const IMPLIED_VALUES = ['off', 'on'];
const DIRECTION_VALUES = ['down', 'right'];
const LINE_STYLES = ['solid', 'dashed', 'dotted'];
const END_MARKS = ['arrow', 'open', 'triangle', 'hollow_triangle', 'diamond', 'hollow_diamond', 'circle', 'none'];
/** The top-level contextual words (`kw_extend` and `kw_library` in grammar.pest). */
const TOP_LEVEL_WORDS = ['extend', 'library'];
/** A path's first segment that names the enclosing element. */
const THIS_WORD = 'this';

// ------------------------------------------------------------------ pieces

/** A character that continues an identifier. */
const ID_CHAR = String.raw`\p{L}\p{M}\p{N}_`;
const IDENT = String.raw`[\p{L}_][${ID_CHAR}]*`;
/** Not inside a word or a path: nothing identifier-like or a `.` just before. */
const WORD_START = `(?<![${ID_CHAR}.])`;
/** The word ends here (`kind` but not `kinds`). */
const WORD_END = `(?![${ID_CHAR}])`;
/** An identifier that is not a reserved word: a name. */
const NAME = `(?!(?:${RESERVED.join('|')})${WORD_END})${IDENT}`;
const PATH = String.raw`${IDENT}(?:\.${IDENT})*`;
/** The start of a clause: the start of a line, or just after `{`, `}` or `;`. */
const CLAUSE_START = String.raw`(?:^|(?<=[{};]))\s*`;
/**
 * Inside the body of a relation kind, viewpoint or view: the start of a
 * clause, or any place after a space. There a clause word followed by one
 * of its values can only start that clause (`{ line solid head none }`),
 * since no element is declared in those bodies.
 */
const BODY_CLAUSE_START = String.raw`(?:${CLAUSE_START}|(?<=\s))`;
/** A string written on one line, for looking past a declaration's label. */
const ONE_LINE_STRING = String.raw`(?:"""(?:(?!""").)*"""|"(?:[^"\\]|\\.)*")`;

const words = (list) => `(?:${list.join('|')})`;

/** A keyword with a value from a closed list, inside a body that has that clause. */
function valueClause(keyword, values, valueScope) {
  return {
    match: String.raw`${BODY_CLAUSE_START}(${words(keyword)})\s+(${words(values)})${WORD_END}`,
    captures: {
      1: { name: 'keyword.other.kozo' },
      2: { name: valueScope },
    },
  };
}

/**
 * A declaration whose body is followed as a region: `begin` matches its
 * keyword and name when the line goes on to its `{`; the region ends just
 * after the body's closing `}`.
 */
function declarationBlock(begin, beginCaptures, body) {
  return {
    begin,
    beginCaptures,
    end: String.raw`(?<=\})`,
    patterns: [{ include: '#comments' }, { include: '#strings' }, { include: body }, { include: '#statements' }],
  };
}

/** A `{ … }` body whose clauses are `clauses`, nested bodies included. */
function body(self, clauses) {
  return {
    begin: String.raw`\{`,
    beginCaptures: { 0: { name: 'punctuation.section.block.begin.kozo' } },
    end: String.raw`\}`,
    endCaptures: { 0: { name: 'punctuation.section.block.end.kozo' } },
    patterns: [
      { include: '#comments' },
      { include: '#strings' },
      { include: clauses },
      { include: self },
      { include: '#statements' },
    ],
  };
}

// ------------------------------------------------------------------ grammar

function grammar() {
  const label = `(?:\\s*${ONE_LINE_STRING})?`;
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'kozo',
    scopeName: 'source.kozo',
    fileTypes: ['kozo'],
    patterns: [
      { include: '#comments' },
      { include: '#strings' },
      { include: '#declaration-blocks' },
      { include: '#statements' },
    ],
    repository: {
      comments: {
        patterns: [
          {
            name: 'comment.line.documentation.kozo',
            match: '///(?!/).*$',
          },
          {
            name: 'comment.line.double-slash.kozo',
            begin: String.raw`//\s*(?=kozo-allow\b)`,
            end: '$',
            patterns: [
              {
                match: String.raw`\G(kozo-allow)(:)?`,
                captures: {
                  1: { name: 'keyword.other.kozo-allow.kozo' },
                  2: { name: 'punctuation.separator.kozo' },
                },
              },
              {
                match: '[A-Za-z][A-Za-z0-9_-]*',
                name: 'entity.name.tag.rule.kozo',
              },
            ],
          },
          {
            name: 'comment.line.double-slash.kozo',
            match: '//.*$',
          },
          {
            name: 'comment.block.kozo',
            begin: String.raw`/\*`,
            end: String.raw`\*/`,
          },
        ],
      },
      strings: {
        patterns: [
          {
            name: 'string.quoted.triple.kozo',
            begin: '"""',
            end: '"""',
          },
          {
            name: 'string.quoted.double.kozo',
            begin: '"',
            end: '"|$',
            patterns: [
              {
                name: 'constant.character.escape.kozo',
                match: String.raw`\\.`,
              },
            ],
          },
        ],
      },
      'declaration-blocks': {
        patterns: [
          // `relation NAME "…" {` and `extend relation NAME {`.
          declarationBlock(
            String.raw`(?:^\s*(extend)\s+|${WORD_START})(relation)${WORD_END}\s+(${NAME})(?=${label}\s*\{)`,
            {
              1: { name: 'keyword.declaration.kozo' },
              2: { name: 'keyword.declaration.kozo' },
              3: { name: 'entity.name.type.kozo' },
            },
            '#relation-body',
          ),
          declarationBlock(
            String.raw`${WORD_START}(viewpoint)${WORD_END}\s+(${NAME})(?=${label}\s*\{)`,
            {
              1: { name: 'keyword.declaration.kozo' },
              2: { name: 'entity.name.type.kozo' },
            },
            '#viewpoint-body',
          ),
          declarationBlock(
            String.raw`${WORD_START}(view)${WORD_END}\s+(${NAME})(?=(?:\s+of${WORD_END}\s*${PATH})?${label}\s*\{)`,
            {
              1: { name: 'keyword.declaration.kozo' },
              2: { name: 'entity.name.type.kozo' },
            },
            '#view-body',
          ),
        ],
      },
      'relation-body': body('#relation-body', '#relation-clauses'),
      'viewpoint-body': body('#viewpoint-body', '#viewpoint-clauses'),
      'view-body': body('#view-body', '#view-clauses'),
      'relation-clauses': {
        patterns: [
          valueClause(['line'], LINE_STYLES, 'constant.language.line-style.kozo'),
          valueClause(['head', 'tail'], END_MARKS, 'constant.language.end-mark.kozo'),
          {
            match: String.raw`${BODY_CLAUSE_START}(allow)(?=\s+${IDENT}\s*(?:,|->))`,
            captures: { 1: { name: 'keyword.other.kozo' } },
          },
          {
            // After another clause on the line (`allow a -> b upward`), but not
            // where a kind is expected: after `from`, `to`, `,` or `->`.
            match: String.raw`${BODY_CLAUSE_START}(?<!from\s)(?<!to\s)(?<!,\s)(?<!->\s)(upward|same_kind)${WORD_END}(?!\s*(?:=|,|->))`,
            captures: { 1: { name: 'keyword.other.kozo' } },
          },
        ],
      },
      'viewpoint-clauses': {
        patterns: [{ include: '#show-clause' }],
      },
      'view-clauses': {
        patterns: [
          { include: '#show-clause' },
          valueClause(['implied'], IMPLIED_VALUES, 'constant.language.implied.kozo'),
          valueClause(['direction'], DIRECTION_VALUES, 'constant.language.direction.kozo'),
          {
            // `group ID "Label" { include … }`: its body is a nested view body.
            match: String.raw`${BODY_CLAUSE_START}(group)\s+(${NAME})${WORD_END}`,
            captures: {
              1: { name: 'keyword.other.kozo' },
              2: { name: 'entity.name.type.kozo' },
            },
          },
          {
            match: String.raw`${BODY_CLAUSE_START}(note)(?=\s*")`,
            captures: { 1: { name: 'keyword.other.kozo' } },
          },
        ],
      },
      'show-clause': {
        patterns: [
          {
            match: String.raw`${BODY_CLAUSE_START}(${SHOW_WORD})\s+(${words(SHOW_ITEMS)}${WORD_END}(?:\s*,\s*${words(SHOW_ITEMS)}${WORD_END})*)`,
            captures: {
              1: { name: 'keyword.other.kozo' },
              2: {
                patterns: [
                  { match: words(SHOW_ITEMS), name: 'constant.language.show.kozo' },
                  { match: ',', name: 'punctuation.separator.comma.kozo' },
                ],
              },
            },
          },
        ],
      },
      statements: {
        patterns: [
          {
            // `library` alone on its line (or ended by `;`): the file is a library.
            match: String.raw`^\s*(library)[ \t]*(?:(;)|(?=$|//|/\*))`,
            captures: {
              1: { name: 'keyword.declaration.kozo' },
              2: { name: 'punctuation.terminator.kozo' },
            },
          },
          {
            match: String.raw`${CLAUSE_START}(extend)\s+(${words(EXTENDABLE)})${WORD_END}\s+(${NAME})`,
            captures: {
              1: { name: 'keyword.declaration.kozo' },
              2: { name: 'keyword.declaration.kozo' },
              3: { name: 'entity.name.type.kozo' },
            },
          },
          {
            // A string can follow only the clause word here, never a kind.
            match: String.raw`${CLAUSE_START}(${words([TECHNOLOGY_WORD, 'note'])})(?=\s*")`,
            captures: { 1: { name: 'keyword.other.kozo' } },
          },
          {
            // `allow a, b -> c`: an element declaration is never followed by `,` or `->`.
            match: String.raw`${CLAUSE_START}(allow)(?=\s+${IDENT}\s*(?:,|->))`,
            captures: { 1: { name: 'keyword.other.kozo' } },
          },
          {
            // Alone in its clause: an element declaration would need a name.
            match: String.raw`${CLAUSE_START}(upward|same_kind)(?=\s*(?:$|\}|//|/\*))`,
            captures: { 1: { name: 'keyword.other.kozo' } },
          },
          {
            match: String.raw`\b(use)\s+([\p{L}_][${ID_CHAR}]*)`,
            captures: {
              1: { name: 'keyword.control.import.kozo' },
              2: { name: 'entity.name.namespace.kozo' },
            },
          },
          {
            match: String.raw`${WORD_START}(${DECLARATION_WORDS.join('|')})${WORD_END}\s+(${NAME})`,
            captures: {
              1: { name: 'keyword.declaration.kozo' },
              2: { name: 'entity.name.type.kozo' },
            },
          },
          {
            // `KIND NAME` ahead of a label, a body, a comment or the line's end.
            match: String.raw`^\s*(${NAME})\s+(${NAME})(?=\s*(?:"|\{|//|/\*|$))`,
            captures: {
              1: { name: 'entity.name.type.kind.kozo' },
              2: { name: 'entity.name.function.element.kozo' },
            },
          },
          {
            match: String.raw`${WORD_START}(label|description)\s+(${NAME})(?=\s*")`,
            captures: {
              1: { name: 'keyword.other.kozo' },
              2: { name: 'constant.language.locale.kozo' },
            },
          },
          {
            match: `${WORD_START}(${RESERVED.join('|')})${WORD_END}`,
            name: 'keyword.other.kozo',
          },
          {
            match: `${WORD_START}(true|false)${WORD_END}`,
            name: 'constant.language.boolean.kozo',
          },
          {
            match: String.raw`^\s*(${NAME})\s*(=)`,
            captures: {
              1: { name: 'variable.other.property.kozo' },
              2: { name: 'keyword.operator.assignment.kozo' },
            },
          },
          {
            // `this -> x`, `this.child`: the enclosing element.
            match: String.raw`${WORD_START}(${THIS_WORD})${WORD_END}((?:\.${IDENT})*)`,
            captures: {
              1: { name: 'variable.language.this.kozo' },
              2: { name: 'variable.other.path.kozo' },
            },
          },
          {
            match: '->',
            name: 'keyword.operator.arrow.kozo',
          },
          {
            match: String.raw`(:)\s*(${NAME})`,
            captures: {
              1: { name: 'punctuation.separator.colon.kozo' },
              2: { name: 'entity.name.type.relation.kozo' },
            },
          },
          {
            match: String.raw`${WORD_START}-?\d+(?:\.\d+)?${WORD_END}`,
            name: 'constant.numeric.kozo',
          },
          {
            match: String.raw`\*`,
            name: 'keyword.operator.wildcard.kozo',
          },
          {
            match: '=',
            name: 'keyword.operator.assignment.kozo',
          },
          {
            match: PATH,
            name: 'variable.other.path.kozo',
          },
          {
            match: String.raw`\{`,
            name: 'punctuation.section.block.begin.kozo',
          },
          {
            match: String.raw`\}`,
            name: 'punctuation.section.block.end.kozo',
          },
          {
            match: String.raw`\[`,
            name: 'punctuation.section.brackets.begin.kozo',
          },
          {
            match: String.raw`\]`,
            name: 'punctuation.section.brackets.end.kozo',
          },
          {
            match: ',',
            name: 'punctuation.separator.comma.kozo',
          },
          {
            match: ';',
            name: 'punctuation.terminator.kozo',
          },
        ],
      },
    },
  };
}

/** The grammar file's text: two-space JSON with a final newline. */
function grammarText() {
  return JSON.stringify(grammar(), null, 2) + '\n';
}

const GRAMMAR_PATH = path.join(__dirname, '..', 'syntaxes', 'kozo.tmLanguage.json');

module.exports = {
  GRAMMAR_PATH,
  grammar,
  grammarText,
  words: {
    RESERVED,
    DECLARATION_WORDS,
    VIEW_CLAUSE_WORDS,
    RELATION_NOTATION_WORDS,
    RELATION_RULE_WORDS,
    TECHNOLOGY_WORD,
    SHOW_WORD,
    SHOW_ITEMS,
    IMPLIED_VALUES,
    DIRECTION_VALUES,
    LINE_STYLES,
    END_MARKS,
    TOP_LEVEL_WORDS,
  },
};

if (require.main === module) {
  fs.writeFileSync(GRAMMAR_PATH, grammarText());
  console.log(`grammar: wrote ${path.relative(process.cwd(), GRAMMAR_PATH)}`);
}
