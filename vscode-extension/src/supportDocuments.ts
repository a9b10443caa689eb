// The server's read-only documents shown without a file: the built-in
// metamodels (`kozo:/builtin/society5.kozo` and
// `kozo:/builtin/archimate.kozo`, where go-to-definition into a built-in
// kind or relation lands) and one page per rule
// (`kozo:/rules/<rule>.md`, the link of each problem). VS Code shows a
// content provider's document read-only, whatever the user's privileges,
// and nothing is written to disk.

import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';

export const SCHEME = 'kozo';

/** What the extension asks the server to use in its answers. */
export const INITIALIZATION_OPTIONS = {
  builtinUri: `${SCHEME}:/builtin/society5.kozo`,
  archimateUri: `${SCHEME}:/builtin/archimate.kozo`,
  rulesUrl: `${SCHEME}:/rules/{rule}.md`,
};

export class SupportDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const c = this.client();
    if (!c || !c.isRunning()) {
      return `The kozo language server is not running: ${uri.toString()} cannot be shown. Run "kozo: Restart server".\n`;
    }
    try {
      const { text } = await c.sendRequest<{ text: string }>('kozo/supportText', { path: uri.path });
      return text;
    } catch (e) {
      return `kozo: ${uri.toString()} cannot be shown: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  /** Asks VS Code to fetch the open documents again (after a server start). */
  refresh(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === SCHEME) {
        this.changed.fire(doc.uri);
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
