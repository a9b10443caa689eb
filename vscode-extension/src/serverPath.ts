// Where the `kozo` binary that runs `kozo lsp` is: the setting
// `kozo.server.path`, else the binary bundled in the extension
// (`server/kozo`), else `kozo` on PATH. Pure: everything it needs about the
// machine comes in through `ServerPathEnv`, so it is tested without VS Code.

import * as path from 'path';

export interface ServerPathEnv {
  /** The value of `kozo.server.path` (empty or undefined: not set). */
  configured: string | undefined;
  /** The extension's install folder. */
  extensionPath: string;
  platform: NodeJS.Platform;
  /** The PATH environment variable. */
  pathEnv: string | undefined;
  /** PATHEXT on Windows. */
  pathExt?: string;
  /** The user's home folder, for a setting starting with `~`. */
  homeDir?: string;
  /** The first workspace folder, for a relative setting. */
  workspaceFolder?: string;
  /** Whether an executable file exists at this absolute path. */
  isExecutable(file: string): boolean;
}

export type ServerSource = 'setting' | 'bundled' | 'path';

export type ServerPathResult =
  | { ok: true; path: string; source: ServerSource }
  | { ok: false; message: string };

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

function executableNames(platform: NodeJS.Platform, pathExt: string | undefined): string[] {
  if (platform !== 'win32') {
    return ['kozo'];
  }
  const exts = (pathExt ?? '.EXE;.CMD;.BAT;.COM')
    .split(';')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e.length > 0);
  return exts.map((e) => `kozo${e}`);
}

/** The absolute path a `kozo.server.path` value names. */
export function expandConfigured(value: string, env: ServerPathEnv): string {
  const p = pathApi(env.platform);
  let v = value.trim();
  if (env.homeDir && (v === '~' || v.startsWith('~/') || v.startsWith('~\\'))) {
    v = p.join(env.homeDir, v.slice(1));
  }
  if (!p.isAbsolute(v) && env.workspaceFolder) {
    v = p.join(env.workspaceFolder, v);
  }
  return v;
}

export function resolveServerPath(env: ServerPathEnv): ServerPathResult {
  const p = pathApi(env.platform);
  const configured = env.configured?.trim() ?? '';
  if (configured.length > 0) {
    const full = expandConfigured(configured, env);
    if (env.isExecutable(full)) {
      return { ok: true, path: full, source: 'setting' };
    }
    return {
      ok: false,
      message:
        `kozo: the setting kozo.server.path is "${configured}", but there is no executable file at ${full}. ` +
        'Fix the setting (the path of the kozo binary), or clear it to use the bundled binary or `kozo` on PATH; ' +
        'then run "kozo: Restart server".',
    };
  }
  const names = executableNames(env.platform, env.pathExt);
  for (const name of names) {
    const bundled = p.join(env.extensionPath, 'server', name);
    if (env.isExecutable(bundled)) {
      return { ok: true, path: bundled, source: 'bundled' };
    }
  }
  const delimiter = env.platform === 'win32' ? ';' : ':';
  for (const dir of (env.pathEnv ?? '').split(delimiter)) {
    if (dir.length === 0 || !p.isAbsolute(dir)) {
      continue; // a relative PATH entry depends on the cwd: not trusted
    }
    for (const name of names) {
      const candidate = p.join(dir, name);
      if (env.isExecutable(candidate)) {
        return { ok: true, path: candidate, source: 'path' };
      }
    }
  }
  return {
    ok: false,
    message:
      'kozo: the language server binary `kozo` was not found (not set in kozo.server.path, not bundled, not on PATH). ' +
      'Install kozo (from the kozo repository: `cargo install --path cli`) so that `kozo` is on PATH, ' +
      'or set kozo.server.path to the binary; then run "kozo: Restart server".',
  };
}

/** What running `<binary> --version` gave. */
export interface VersionProbe {
  /** The exit status; null when it was killed (a time limit) or did not start. */
  status: number | null;
  stdout: string;
  /** Why it did not run, if it did not. */
  error?: string;
}

/**
 * Undefined when `probe` shows a kozo binary (`kozo --version` prints
 * `kozo X.Y.Z`); else a message saying what is wrong and how to fix it.
 */
export function checkVersionProbe(binary: string, source: ServerSource, probe: VersionProbe): string | undefined {
  const fix =
    source === 'setting'
      ? 'Fix the setting kozo.server.path (the path of the kozo binary) or clear it; then run "kozo: Restart server".'
      : 'Install kozo again, or set kozo.server.path to a kozo binary; then run "kozo: Restart server".';
  if (probe.error !== undefined) {
    return `kozo: cannot run ${binary}: ${probe.error}. ${fix}`;
  }
  const first = probe.stdout.split(/\r?\n/)[0]?.trim() ?? '';
  if (probe.status !== 0 || !/^kozo \d+\.\d+\.\d+/.test(first)) {
    const said = first.length > 0 ? `printed "${first.slice(0, 80)}"` : 'printed nothing';
    const status = probe.status === null ? 'did not finish' : `exited with status ${probe.status}`;
    return `kozo: ${binary} is not a kozo binary (\`${binary} --version\` ${said} and ${status}). ${fix}`;
  }
  return undefined;
}
