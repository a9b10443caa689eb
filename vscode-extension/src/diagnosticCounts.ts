// The status-bar summary of the workspace's kozo problems. Pure.

/** VS Code's DiagnosticSeverity values. */
export const SEVERITY_ERROR = 0;
export const SEVERITY_WARNING = 1;

export interface CountedDiagnostic {
  severity: number;
  source?: string;
}

export interface Counts {
  errors: number;
  warnings: number;
}

/**
 * Errors and warnings among the diagnostics of `.kozo` files (by path), or
 * those the kozo server published (`source` = "kozo").
 */
export function countKozoDiagnostics(
  entries: ReadonlyArray<readonly [string, readonly CountedDiagnostic[]]>,
): Counts {
  const counts: Counts = { errors: 0, warnings: 0 };
  for (const [uriPath, diagnostics] of entries) {
    const kozoFile = uriPath.endsWith('.kozo') || uriPath.endsWith('kozo.toml');
    for (const d of diagnostics) {
      if (!kozoFile && d.source !== 'kozo') {
        continue;
      }
      if (d.severity === SEVERITY_ERROR) {
        counts.errors += 1;
      } else if (d.severity === SEVERITY_WARNING) {
        counts.warnings += 1;
      }
    }
  }
  return counts;
}

export function statusText(c: Counts): string {
  return `kozo $(error) ${c.errors} $(warning) ${c.warnings}`;
}
