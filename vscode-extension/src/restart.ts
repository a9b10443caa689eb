// When the language server stops on its own: restart it after a growing
// delay, tell the user once, and give up (saying so) after a run of quick
// crashes. Pure: the caller passes the clock, so it is tested without VS Code.

export interface CrashDecision {
  /** Restart after `delayMs`; else stay stopped. */
  restart: boolean;
  delayMs: number;
  /** A message to show the user now, if any. */
  message?: string;
}

export class RestartPolicy {
  private crashes = 0;
  private startedAt = 0;
  private told = false;

  /**
   * @param delays the wait before each restart of a run of crashes; after
   *   the last one, the server is left stopped
   * @param stableMs a server that ran this long before stopping starts a new run
   */
  constructor(
    private readonly delays: readonly number[] = [1000, 2000, 4000, 8000, 16000],
    private readonly stableMs = 180_000,
  ) {}

  /** The server (re)started at `now`. */
  started(now: number): void {
    this.startedAt = now;
  }

  /** The user restarted the server: a new run, and a new first message. */
  reset(): void {
    this.crashes = 0;
    this.told = false;
  }

  /** The server stopped on its own at `now`. */
  crashed(now: number): CrashDecision {
    if (now - this.startedAt >= this.stableMs) {
      this.crashes = 0;
    }
    this.crashes += 1;
    if (this.crashes > this.delays.length) {
      return {
        restart: false,
        delayMs: 0,
        message:
          `kozo: the language server stopped ${this.delays.length + 1} times in a row and is not restarted again. ` +
          'Its log is in the "kozo" output channel; run "kozo: Restart server" to try again.',
      };
    }
    const delayMs = this.delays[this.crashes - 1];
    let message: string | undefined;
    if (!this.told) {
      this.told = true;
      message =
        'kozo: the language server stopped unexpectedly; restarting it (again after a growing delay if it keeps stopping). ' +
        'Its log is in the "kozo" output channel.';
    }
    return { restart: true, delayMs, message };
  }
}
