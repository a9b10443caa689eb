// The live diagram preview: a webview showing one view as SVG from
// `kozo/renderView`, redrawn after edits (debounced), following the cursor
// into another view's declaration, and revealing a declaration when a
// shape is clicked. VS Code restores it after a reload through the
// serializer registered in `extension.ts`, from the view the page saved.

import * as fs from 'fs';
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';

import { describeUnknownMessage, parseFromWebview, parseSavedPreview, ToWebview } from './messages';
import { makeNonce, renderPreviewHtml } from './previewHtml';
import { charColumnToUtf16, findWorkspaceRoot, parseSource, resolveSourceFile } from './sourceMap';
import { RenderViewResult, renderFailureMessage, ViewItem, ViewsResult, viewAt, viewLabel } from './views';

export interface ShownView {
  viewId: string;
  /** The URI (protocol form) of the file declaring the view. */
  uri: string;
}

/**
 * The workspace's views, their URIs spelled as VS Code spells them (the
 * server may encode characters differently), so they compare with a
 * document's URI.
 */
/** Where the view last drawn is kept, to restore the preview after a reload. */
const LAST_SHOWN_KEY = 'kozo.preview.lastShown';

export async function listViews(client: LanguageClient): Promise<ViewItem[]> {
  const { views } = await client.sendRequest<ViewsResult>('kozo/views', {});
  return views.map((v) => ({ ...v, uri: vscode.Uri.parse(v.uri).toString() }));
}

/** The view under the cursor of `editor`, else one the user picks. */
export async function chooseView(
  client: LanguageClient,
  editor: vscode.TextEditor | undefined,
): Promise<ViewItem | undefined> {
  const views = await listViews(client);
  if (editor && editor.document.languageId === 'kozo') {
    const here = viewAt(
      views,
      editor.document.uri.toString(),
      client.code2ProtocolConverter.asPosition(editor.selection.active),
    );
    if (here) {
      return here;
    }
  }
  if (views.length === 0) {
    void vscode.window.showInformationMessage('kozo: the workspace declares no view.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    views.map((v) => ({ label: viewLabel(v), description: `${v.elements} elements`, view: v })),
    { placeHolder: 'Which view?' },
  );
  return picked?.view;
}

export class PreviewManager implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: ShownView | undefined;
  private views: ViewItem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;
  private sourceColumn: vscode.ViewColumn = vscode.ViewColumn.One;
  private readonly disposables: vscode.Disposable[] = [];

  private toldUnknownMessage = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
    private readonly output: vscode.OutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === 'kozo' && e.contentChanges.length > 0) {
          this.schedule();
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.languageId === 'kozo') {
          this.follow(e.textEditor);
        }
      }),
    );
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.panel?.dispose();
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  currentView(): ShownView | undefined {
    return this.panel ? this.shown : undefined;
  }

  /** "kozo: Open Preview to the Side". */
  async open(): Promise<void> {
    const c = this.client();
    if (!c) {
      return;
    }
    const editor = vscode.window.activeTextEditor;
    let view: ViewItem | undefined;
    try {
      view = await chooseView(c, editor);
    } catch (e) {
      void vscode.window.showErrorMessage(`kozo: could not list the views: ${errorText(e)}`);
      return;
    }
    if (!view) {
      return;
    }
    if (editor?.viewColumn !== undefined) {
      this.sourceColumn = editor.viewColumn;
    }
    this.shown = { viewId: view.viewId, uri: view.uri };
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      await this.render();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      'kozo.preview',
      `Preview ${view.viewId}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.webviewOptions(),
    );
    this.attach(panel);
    // The first drawing is sent when the page says it is ready.
  }

  /**
   * A preview VS Code brings back after a reload, with the state its page
   * saved. A state that is not ours still gets a page, saying what to do,
   * so that no empty or stuck panel is left.
   */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    // The page's own state is the first choice; VS Code may lose it when the
    // window reloads before its storage was written (seen under load), so
    // the view last drawn, kept in the workspace state, is the second.
    const saved =
      parseSavedPreview(state) ?? parseSavedPreview(this.context.workspaceState.get(LAST_SHOWN_KEY));
    if (this.panel && this.panel !== panel) {
      // Only one preview at a time: a second restored panel is closed.
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    this.shown = saved ? { viewId: saved.viewId, uri: saved.uri } : undefined;
    this.attach(panel);
    if (!saved) {
      this.post({
        type: 'error',
        message: 'This preview cannot be restored. Run "kozo: Open Preview to the Side" to show a view.',
      });
    }
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    return { enableScripts: true, localResourceRoots: [media], enableCommandUris: false };
  }

  private attach(panel: vscode.WebviewPanel): void {
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    this.panel = panel;
    const template = fs.readFileSync(vscode.Uri.joinPath(media, 'preview.html').fsPath, 'utf8');
    panel.webview.html = renderPreviewHtml(template, {
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'preview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'preview.css')).toString(),
    });
    panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw), undefined, this.disposables);
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
        this.shown = undefined;
      }
    });
  }

  /** Redraws the shown view now (after the server started). */
  refresh(): void {
    void this.loadViews().then(() => this.render());
  }

  private schedule(): void {
    if (!this.panel) {
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
    }
    const delay = vscode.workspace.getConfiguration('kozo').get<number>('preview.debounceMs', 300);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.loadViews().then(() => this.render());
    }, delay);
  }

  private async loadViews(): Promise<void> {
    const c = this.client();
    if (!c || !c.isRunning()) {
      return;
    }
    try {
      this.views = await listViews(c);
    } catch {
      // Keep the last list; the next edit asks again.
    }
  }

  private follow(editor: vscode.TextEditor): void {
    const c = this.client();
    if (!this.panel || !c) {
      return;
    }
    const here = viewAt(
      this.views,
      editor.document.uri.toString(),
      c.code2ProtocolConverter.asPosition(editor.selection.active),
    );
    if (here && here.viewId !== this.shown?.viewId) {
      this.shown = { viewId: here.viewId, uri: here.uri };
      if (editor.viewColumn !== undefined) {
        this.sourceColumn = editor.viewColumn;
      }
      void this.render();
    }
  }

  private post(message: ToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  private async render(): Promise<void> {
    const c = this.client();
    const shown = this.shown;
    if (!this.panel || !shown) {
      return;
    }
    if (!c || !c.isRunning()) {
      // Drawn when the server is up (see `refresh`).
      this.post({ type: 'error', message: 'Waiting for the kozo language server…' });
      return;
    }
    const ticket = ++this.sequence;
    try {
      const result = await c.sendRequest<RenderViewResult>('kozo/renderView', {
        viewId: shown.viewId,
        uri: shown.uri,
      });
      if (ticket !== this.sequence || !this.panel) {
        return; // a newer drawing was asked for
      }
      this.panel.title = `Preview ${result.viewId}`;
      this.post({ type: 'svg', viewId: result.viewId, uri: shown.uri, svg: result.svg });
      void this.context.workspaceState.update(LAST_SHOWN_KEY, { viewId: result.viewId, uri: shown.uri });
    } catch (e) {
      if (ticket !== this.sequence) {
        return;
      }
      await this.loadViews();
      const message = renderFailureMessage(shown.viewId, this.views, errorText(e));
      if (ticket === this.sequence) {
        this.post({ type: 'error', message });
      }
    }
  }

  private onMessage(raw: unknown): void {
    const message = parseFromWebview(raw);
    if (!message) {
      // Not one of ours: ignored. Said once in the log, for whoever debugs it.
      if (!this.toldUnknownMessage) {
        this.toldUnknownMessage = true;
        this.output.appendLine(`kozo: the preview ignored a message it does not know: ${describeUnknownMessage(raw)}`);
      }
      return;
    }
    if (message.type === 'ready') {
      void this.loadViews();
      void this.render();
    } else {
      void this.reveal(message.path, message.source);
    }
  }

  private async reveal(modelPath: string, source: string | undefined): Promise<void> {
    const ref = source ? parseSource(source) : undefined;
    const shown = this.shown;
    if (ref && shown) {
      const viewFile = vscode.Uri.parse(shown.uri);
      const root = findWorkspaceRoot(viewFile.fsPath, (f) => fs.existsSync(f));
      const file = resolveSourceFile(root, ref);
      if (file) {
        try {
          const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
          const line = Math.min(ref.line - 1, doc.lineCount - 1);
          const character = charColumnToUtf16(doc.lineAt(line).text, ref.column);
          const pos = new vscode.Position(line, character);
          await vscode.window.showTextDocument(doc, {
            viewColumn: this.sourceColumn,
            selection: new vscode.Range(pos, pos),
          });
          return;
        } catch {
          // Fall through to the symbol search.
        }
      }
    }
    // No source location: look the model path up among the workspace symbols.
    const symbols =
      (await vscode.commands.executeCommand<vscode.SymbolInformation[]>(
        'vscode.executeWorkspaceSymbolProvider',
        modelPath,
      )) ?? [];
    const last = modelPath.split('.').pop() ?? modelPath;
    const match = symbols.find((s) => s.name === modelPath) ?? symbols.find((s) => s.name === last);
    if (match) {
      await vscode.window.showTextDocument(match.location.uri, {
        viewColumn: this.sourceColumn,
        selection: match.location.range,
      });
    } else {
      void vscode.window.showInformationMessage(`kozo: no declaration found for ${modelPath}.`);
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
