// The kozo extension: starts `kozo lsp` (and restarts it, with a growing
// delay, when it stops on its own), shows the server's read-only documents
// under `kozo:` URIs, and adds the diagram preview, SVG export and a
// status-bar summary of problems.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { countKozoDiagnostics, statusText } from './diagnosticCounts';
import { chooseView, PreviewManager } from './preview';
import { RestartPolicy } from './restart';
import { checkVersionProbe, resolveServerPath } from './serverPath';
import { INITIALIZATION_OPTIONS, SCHEME, SupportDocuments } from './supportDocuments';
import { RenderViewResult } from './views';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let starting = false;
const restarts = new RestartPolicy();
/** Called when the server is up, or when starting it failed. */
let onStarted: () => void = () => undefined;

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
  starting = true;
  onStarted();
  try {
    await startClientNow(context);
  } finally {
    starting = false;
    onStarted();
  }
}

async function startClientNow(context: vscode.ExtensionContext): Promise<void> {
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
  // A binary that is not kozo (a wrong setting) is told apart before it is
  // started as a server, with a message saying so.
  const probe = spawnSync(resolved.path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const wrong = checkVersionProbe(resolved.path, resolved.source, {
    status: probe.status,
    stdout: probe.stdout ?? '',
    error: probe.error ? probe.error.message : undefined,
  });
  if (wrong) {
    output.appendLine(wrong);
    const choice = await vscode.window.showErrorMessage(wrong, 'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'kozo.server.path');
    }
    return;
  }
  output.appendLine(`kozo: starting ${resolved.path} lsp (found via ${from})`);
  const serverOptions: ServerOptions = {
    run: { command: resolved.path, args: ['lsp'] },
    debug: { command: resolved.path, args: ['lsp'] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'kozo' }],
    outputChannel: output,
    initializationOptions: INITIALIZATION_OPTIONS,
    errorHandler: {
      // A write to a server that just died fails before the connection is
      // seen closed: logged here, not shown, so that the user gets the one
      // notice `closed` gives rather than a toast per failed write.
      error: (error, _message, count) => {
        output.appendLine(`kozo: connection to the language server: ${error.message}`);
        return {
          action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
          handled: true,
        };
      },
      closed: async () => {
        const decision = restarts.crashed(Date.now());
        if (decision.message) {
          output.appendLine(decision.message);
          if (decision.restart) {
            void vscode.window.showWarningMessage(decision.message);
          } else {
            void vscode.window.showErrorMessage(decision.message, 'Restart server').then((choice) => {
              if (choice) {
                void vscode.commands.executeCommand('kozo.restartServer');
              }
            });
          }
        }
        if (!decision.restart) {
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        output.appendLine(`kozo: restarting the language server in ${decision.delayMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
        restarts.started(Date.now());
        return { action: CloseAction.Restart, handled: true };
      },
    },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.kozo,kozo.toml}'),
    },
  };
  const c = new LanguageClient('kozo', 'kozo language server', serverOptions, clientOptions);
  client = c;
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      onStarted();
    }
  });
  restarts.started(Date.now());
  try {
    await c.start();
  } catch (e) {
    const message = `kozo: the language server (${resolved.path} lsp) failed to start: ${e instanceof Error ? e.message : String(e)}. Its log is in the "kozo" output channel.`;
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

  const preview = new PreviewManager(context, () => client, output);
  const documents = new SupportDocuments(() => client);
  context.subscriptions.push(
    preview,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    vscode.window.registerWebviewPanelSerializer('kozo.preview', {
      deserializeWebviewPanel: (panel, state) => preview.restore(panel, state),
    }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand('kozo.restartServer', async () => {
      restarts.reset();
      await stopClient();
      await startClient(context);
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
    if (starting) {
      // The server reads the whole workspace while it starts.
      status.text = '$(sync~spin) kozo: loading the workspace…';
      status.tooltip = 'kozo: the language server is reading the workspace';
      status.show();
      return;
    }
    status.tooltip = 'kozo: errors and warnings in the workspace';
    const entries = vscode.languages
      .getDiagnostics()
      .map(([uri, ds]) => [uri.path, ds.map((d) => ({ severity: d.severity, source: d.source }))] as const);
    status.text = statusText(countKozoDiagnostics(entries));
    status.show();
  };
  onStarted = () => {
    updateStatus();
    if (!starting && client?.isRunning()) {
      preview.refresh();
      documents.refresh();
    }
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
