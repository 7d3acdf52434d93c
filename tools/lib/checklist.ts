/**
 * The report of the check scripts (lint-deploy, test-nginx): one `ok - name` or `not ok - name` line
 * per check with its problems indented under it, `# ` notes, and a closing `N passed, N failed`.
 */
export class Checklist {
  passed = 0;
  failed = 0;

  report(name: string, problems: string[]): void {
    if (problems.length === 0) {
      this.passed++;
      console.log(`ok - ${name}`);
    } else {
      this.failed++;
      console.log(`not ok - ${name}`);
      for (const p of problems) console.log(`    ${p.replace(/\n/g, '\n    ')}`);
    }
  }

  /** A check that returns its problems; one that throws is reported as not run. */
  async problems(name: string, fn: () => string[] | Promise<string[]>): Promise<void> {
    try {
      this.report(name, await fn());
    } catch (error) {
      this.report(name, [`could not run: ${messageOf(error)}`]);
    }
  }

  /** A check that throws on its first problem. */
  async check(name: string, fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
      this.report(name, []);
    } catch (error) {
      this.report(name, [messageOf(error)]);
    }
  }

  /** A failure outside any check (the script itself could not go on). */
  abort(what: string, error: unknown): void {
    this.failed++;
    console.log(`not ok - ${what} could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }

  note(text: string): void {
    console.log(`# ${text}`);
  }

  /** Prints the closing line; returns the exit code (1 on any failure). */
  summary(): number {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    return this.failed > 0 ? 1 : 0;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
