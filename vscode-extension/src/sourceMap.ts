// From a shape of the rendered SVG back to its declaration. Every element
// and relationship the renderer draws carries `data-kozo-source` =
// `file:line:column`: the file relative to the workspace root (the folder
// of the nearest `kozo.toml`), the line 1-based, the column 1-based and
// counted in characters (Unicode scalar values). VS Code counts columns in
// UTF-16 units, so the column is converted with the line's text. Pure.

import * as path from 'path';

export interface SourceRef {
  /** Workspace-relative, with `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
}

/** Parses `file:line:column`; undefined when it is not one. */
export function parseSource(text: string): SourceRef | undefined {
  const m = /^(.+):(\d+):(\d+)$/.exec(text.trim());
  if (!m) {
    return undefined;
  }
  const file = m[1];
  const line = Number(m[2]);
  const column = Number(m[3]);
  if (line < 1 || column < 1 || !Number.isSafeInteger(line) || !Number.isSafeInteger(column)) {
    return undefined;
  }
  return { file, line, column };
}

/**
 * The 0-based UTF-16 offset in `lineText` of the 1-based character column
 * `column` (clamped to the line's end).
 */
export function charColumnToUtf16(lineText: string, column: number): number {
  let units = 0;
  let chars = 1;
  for (const ch of lineText) {
    if (chars >= column) {
      return units;
    }
    units += ch.length;
    chars += 1;
  }
  return units;
}

/**
 * The workspace root of a `.kozo` file: the folder of the nearest
 * `kozo.toml` above it, else the file's own folder (what the server uses).
 */
export function findWorkspaceRoot(filePath: string, exists: (file: string) => boolean): string {
  const start = path.dirname(filePath);
  let dir = start;
  for (;;) {
    if (exists(path.join(dir, 'kozo.toml'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return start;
    }
    dir = parent;
  }
}

/**
 * The absolute file a source reference names, or undefined when it would
 * leave the workspace root (a reference is never trusted to point outside).
 */
export function resolveSourceFile(root: string, ref: SourceRef): string | undefined {
  if (ref.file.startsWith('/') || ref.file.startsWith('\\') || /^[A-Za-z]:/.test(ref.file)) {
    return undefined; // the renderer writes workspace-relative paths only
  }
  const full = path.resolve(root, ...ref.file.split('/'));
  const rel = path.relative(root, full);
  if (rel.length === 0 || rel.startsWith('..') || path.isAbsolute(rel)) {
    return undefined;
  }
  return full;
}
