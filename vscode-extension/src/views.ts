// The `kozo/views` answer and which view a cursor is in. Pure.

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface ViewItem {
  viewId: string;
  label: string | null;
  viewpoint: string | null;
  uri: string;
  range: LspRange;
  selectionRange: LspRange;
  elements: number;
}

export interface ViewsResult {
  views: ViewItem[];
}

export interface RenderViewResult {
  viewId: string;
  svg: string;
}

function before(a: LspPosition, b: LspPosition): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

export function rangeContains(range: LspRange, pos: LspPosition): boolean {
  return !before(pos, range.start) && !before(range.end, pos);
}

/** The view declared around `pos` in the document `uri`, if any. */
export function viewAt(views: readonly ViewItem[], uri: string, pos: LspPosition): ViewItem | undefined {
  return views.find((v) => v.uri === uri && rangeContains(v.range, pos));
}

/** The label shown for a view in a picker. */
export function viewLabel(v: ViewItem): string {
  return v.label ? `${v.viewId} — ${v.label}` : v.viewId;
}

/**
 * What the preview says when drawing `viewId` failed with `error`, given
 * the workspace's views (as listed after the failure): a view that no
 * longer exists is said so, with what to do; another failure is quoted.
 */
export function renderFailureMessage(viewId: string, views: readonly ViewItem[], error: string): string {
  if (!views.some((v) => v.viewId === viewId)) {
    return (
      `The view ${viewId} no longer exists in the workspace. ` +
      'Put the cursor in a view declaration, or run "kozo: Open Preview to the Side" to pick one.'
    );
  }
  return `Cannot draw ${viewId}: ${error}`;
}
