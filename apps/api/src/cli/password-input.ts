/**
 * Password input for the users CLI: hidden typing on a terminal (asked twice), or the whole of
 * stdin for scripts (`--password-stdin`, one trailing newline removed). Passwords never come from
 * arguments, which other users of the machine can read in the process list.
 */
import type { Readable, Writable } from 'node:stream';

/** The part of `process.stdin` (a tty.ReadStream) the hidden prompt needs. */
export interface TerminalInput extends Readable {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export class PasswordInputError extends Error {}

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)/g;

/** Reads one password typed on a terminal without echoing it. Ctrl-C aborts, backspace and Ctrl-U edit. */
export function promptHidden(prompt: string, input: TerminalInput, output: Writable): Promise<string> {
  if (!input.isTTY || !input.setRawMode) {
    return Promise.reject(new PasswordInputError('stdin is not a terminal: pass the password with --password-stdin'));
  }
  const setRawMode = input.setRawMode.bind(input);
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw ?? false;
    let value = '';
    const finish = (outcome: () => void) => {
      input.removeListener('data', onData);
      setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      outcome();
    };
    const onData = (chunk: Buffer | string) => {
      // A paste arrives as one chunk; arrow and function keys as escape sequences, which are dropped.
      const text = chunk.toString().replace(ESCAPE_SEQUENCE, '');
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new PasswordInputError('interrupted')));
        if (ch === '\u0004') {
          if (value === '') return finish(() => reject(new PasswordInputError('no password given')));
          continue;
        }
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    // Echo goes off before the prompt shows, so nothing typed in answer to it can appear on screen.
    setRawMode(true);
    input.on('data', onData);
    input.resume();
    output.write(prompt);
  });
}

/**
 * Asks for a new password twice on the terminal. A mismatch or a weak password (as judged by
 * `weakness`) is explained and asked again, up to `attempts` times.
 */
export async function promptNewPassword(input: TerminalInput, output: Writable, weakness: (password: string) => string | undefined, attempts = 3): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const first = await promptHidden('Password: ', input, output);
    const problem = weakness(first) ?? ((await promptHidden('Password (again): ', input, output)) === first ? undefined : 'the two passwords differ');
    if (!problem) return first;
    if (attempt >= attempts) throw new PasswordInputError(problem);
    output.write(`${problem}; try again.\n`);
  }
}

/** The whole of stdin minus one trailing newline (`echo pw | …` and `printf pw | …` both work). */
export async function readPasswordFromStdin(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new PasswordInputError('--password-stdin: stdin was empty');
  if (/[\r\n]/.test(password)) throw new PasswordInputError('--password-stdin: the password must be a single line');
  return password;
}
