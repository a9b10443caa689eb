// The preview page: media/preview.html with its Content-Security-Policy,
// nonce and resource URIs filled in. Pure (the template is passed in), so
// the Chromium test serves exactly what the extension shows.

import { randomBytes } from 'crypto';

export interface PreviewPageParams {
  /** The webview's `cspSource` (the origin its resources come from). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/**
 * No default sources; scripts only from the extension's media folder and
 * carrying the nonce; styles only from the media folder; images only the
 * webview's own and data: (none from the network).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${cspSource}`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderPreviewHtml(template: string, p: PreviewPageParams): string {
  const values: Record<string, string> = {
    csp: attr(contentSecurityPolicy(p.cspSource, p.nonce)),
    nonce: attr(p.nonce),
    scriptUri: attr(p.scriptUri),
    styleUri: attr(p.styleUri),
  };
  return template.replace(/\{\{(csp|nonce|scriptUri|styleUri)\}\}/g, (_, key: string) => values[key]);
}
