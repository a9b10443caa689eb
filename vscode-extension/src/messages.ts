// The messages between the extension and the preview webview, and the
// checks applied to what the webview sends (it is treated as untrusted
// input: only well-formed, bounded messages are acted on). Pure.

/** Extension → webview. */
export type ToWebview =
  | { type: 'svg'; viewId: string; uri: string; svg: string }
  | { type: 'error'; message: string };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; path: string; source?: string; what: 'element' | 'relationship' };

const MAX_TEXT = 4096;

function boundedString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT;
}

/** The message, if it is one the extension understands; else undefined. */
export function parseFromWebview(raw: unknown): FromWebview | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reveal': {
      if (!boundedString(m.path)) {
        return undefined;
      }
      if (m.what !== 'element' && m.what !== 'relationship') {
        return undefined;
      }
      if (m.source !== undefined && !boundedString(m.source)) {
        return undefined;
      }
      const out: FromWebview = { type: 'reveal', path: m.path, what: m.what };
      if (m.source !== undefined) {
        out.source = m.source;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** What the preview page saves to come back after a reload. */
export interface SavedPreview {
  viewId: string;
  /** The URI of the file declaring the view. */
  uri: string;
}

/**
 * The saved state of a preview VS Code restores (written by the page, so
 * checked like a message); undefined when it is not one.
 */
export function parseSavedPreview(raw: unknown): SavedPreview | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const m = raw as Record<string, unknown>;
  if (!boundedString(m.viewId) || !boundedString(m.uri)) {
    return undefined;
  }
  return { viewId: m.viewId, uri: m.uri };
}

/** A short description of a message that is not one of ours, for the log. */
export function describeUnknownMessage(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
