// The kozo extension: starts `kozo lsp`, and adds the diagram preview, SVG
// export and a status-bar summary of problems.

import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

import { countKozoDiagnostics, statusText } from './diagnosticCounts';
import { chooseView, PreviewManager } from './preview';
import { resolveServerPath } from './serverPath';
import { RenderViewResult } from './views';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform === 'win32') {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A binary bundled in the package may have lost its executable bit. */
function ensureBundledExecutable(extensionPath: string): void {
  if (process.platform === 'win32') {
    return;
  }
  const bundled = `${extensionPath}/server/kozo`;
  try {
    if (fs.statSync(bundled).isFile() && !isExecutable(bundled)) {
      fs.chmodSync(bundled, 0o755);
    }
  } catch {
    // Not bundled.
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  ensureBundledExecutable(context.extensionPath);
  const configured = vscode.workspace.getConfiguration('kozo').get<string>('server.path');
  const resolved = resolveServerPath({
    configured,
    extensionPath: context.extensionPath,
    platform: process.platform,
    pathEnv: process.env.PATH,
    pathExt: process.env.PATHEXT,
    homeDir: os.homedir(),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    isExecutable,
  });
  if (!resolved.ok) {
    output.appendLine(resolved.message);
    const choice = await vscode.window.showErrorMessage(resolved.message, 'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'kozo.server.path');
    }
    return;
  }
  const from = {
    setting: 'the setting kozo.server.path',
    bundled: 'the binary bundled with the extension',
    path: 'PATH',
  }[resolved.source];
  output.appendLine(`kozo: starting ${resolved.path} lsp (found via ${from})`);
  const serverOptions: ServerOptions = {
    run: { command: resolved.path, args: ['lsp'] },
    debug: { command: resolved.path, args: ['lsp'] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'kozo' }],
    outputChannel: output,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.kozo,kozo.toml}'),
    },
  };
  client = new LanguageClient('kozo', 'kozo language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    const message = `kozo: the language server (${resolved.path} lsp) failed to start: ${String(e)}`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message);
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (e) {
      output.appendLine(`kozo: stopping the server: ${String(e)}`);
    }
  }
}

/** The running client, or an error shown to the user. */
function runningClient(): LanguageClient | undefined {
  if (!client || !client.isRunning()) {
    void vscode.window.showErrorMessage('kozo: the language server is not running. Run "kozo: Restart server".');
    return undefined;
  }
  return client;
}

export function activate(context: vscode.ExtensionContext): void {
  output = vscode.window.createOutputChannel('kozo');
  context.subscriptions.push(output);

  const preview = new PreviewManager(context, () => client);
  context.subscriptions.push(preview);

  context.subscriptions.push(
    vscode.commands.registerCommand('kozo.restartServer', async () => {
      await stopClient();
      await startClient(context);
      preview.refresh();
    }),
    vscode.commands.registerCommand('kozo.openPreviewToSide', async () => {
      if (!runningClient()) {
        return;
      }
      await preview.open();
    }),
    vscode.commands.registerCommand('kozo.exportSvg', async () => {
      const c = runningClient();
      if (!c) {
        return;
      }
      await exportSvg(c, preview);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('kozo.server.path')) {
        await stopClient();
        await startClient(context);
      }
    }),
  );

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.command = 'workbench.actions.view.problems';
  status.tooltip = 'kozo: errors and warnings in the workspace';
  const updateStatus = () => {
    const entries = vscode.languages
      .getDiagnostics()
      .map(([uri, ds]) => [uri.path, ds.map((d) => ({ severity: d.severity, source: d.source }))] as const);
    status.text = statusText(countKozoDiagnostics(entries));
    status.show();
  };
  updateStatus();
  context.subscriptions.push(status, vscode.languages.onDidChangeDiagnostics(updateStatus));

  void startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

async function exportSvg(c: LanguageClient, preview: PreviewManager): Promise<void> {
  let result: RenderViewResult;
  try {
    const view = preview.currentView() ?? (await chooseView(c, vscode.window.activeTextEditor));
    if (!view) {
      return;
    }
    result = await c.sendRequest<RenderViewResult>('kozo/renderView', { viewId: view.viewId, uri: view.uri });
  } catch (e) {
    void vscode.window.showErrorMessage(`kozo: could not render the view: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const defaultUri = folder ? vscode.Uri.joinPath(folder, `${result.viewId}.svg`) : undefined;
  const target = await vscode.window.showSaveDialog({
    defaultUri,
    filters: { SVG: ['svg'] },
    saveLabel: 'Export',
  });
  if (!target) {
    return;
  }
  await vscode.workspace.fs.writeFile(target, Buffer.from(result.svg, 'utf8'));
  void vscode.window.showInformationMessage(`kozo: wrote ${vscode.workspace.asRelativePath(target)}`);
}
