import { PassThrough, Readable } from 'node:stream';

import { PasswordInputError, promptHidden, promptNewPassword, readPasswordFromStdin, TerminalInput } from './password-input';

/** A stand-in for a terminal: records raw mode, lets the test "type". */
function fakeTerminal(): { input: TerminalInput & PassThrough; output: PassThrough; written: () => string; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(mode: boolean) {
      rawModes.push(mode);
      this.isRaw = mode;
      return this;
    },
  });
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => (text += c.toString()));
  return { input, output, written: () => text, rawModes };
}

/** Types `keys` once the prompt has been written. */
function typeAfterPrompt(term: ReturnType<typeof fakeTerminal>, ...keys: string[]): void {
  let i = 0;
  term.output.on('data', (c: Buffer) => {
    if (/Password.*: $/.test(c.toString()) && i < keys.length) setImmediate(() => term.input.write(keys[i++]));
  });
}

describe('promptHidden', () => {
  it('should read a line in raw mode without echoing it, then restore the terminal', async () => {
    const term = fakeTerminal();
    typeAfterPrompt(term, 's3cret-Pass\r');
    await expect(promptHidden('Password: ', term.input, term.output)).resolves.toBe('s3cret-Pass');
    expect(term.written()).toBe('Password: \n');
    expect(term.rawModes).toEqual([true, false]);
  });

  it('should handle backspace, Ctrl-U and arrow keys', async () => {
    const term = fakeTerminal();
    typeAfterPrompt(term, 'junk\u0015abcX\u007f\u001b[Ddef\n');
    await expect(promptHidden('Password: ', term.input, term.output)).resolves.toBe('abcdef');
  });

  it('should abort on Ctrl-C', async () => {
    const term = fakeTerminal();
    typeAfterPrompt(term, 'abc\u0003');
    await expect(promptHidden('Password: ', term.input, term.output)).rejects.toThrow('interrupted');
    expect(term.rawModes).toEqual([true, false]);
  });

  it('should refuse a non-terminal stdin and point to --password-stdin', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    await expect(promptHidden('Password: ', input, new PassThrough())).rejects.toThrow('--password-stdin');
  });
});

describe('promptNewPassword', () => {
  const weakness = (pw: string) => (pw.length < 10 ? 'password must be at least 10 characters long' : undefined);

  it('should ask twice and accept matching passwords', async () => {
    const term = fakeTerminal();
    typeAfterPrompt(term, 'tulip-Orbit-93\r', 'tulip-Orbit-93\r');
    await expect(promptNewPassword(term.input, term.output, weakness)).resolves.toBe('tulip-Orbit-93');
    expect(term.written()).toBe('Password: \nPassword (again): \n');
  });

  it('should explain a mismatch or a weak password and ask again', async () => {
    const term = fakeTerminal();
    typeAfterPrompt(term, 'short\r', 'tulip-Orbit-93\r', 'tulip-Orbit-94\r', 'tulip-Orbit-93\r', 'tulip-Orbit-93\r');
    await expect(promptNewPassword(term.input, term.output, weakness)).resolves.toBe('tulip-Orbit-93');
    expect(term.written()).toContain('password must be at least 10 characters long; try again.');
    expect(term.written()).toContain('the two passwords differ; try again.');
  });

  it('should give up after the allowed attempts', async () => {
    const term = fakeTerminal();
    typeAfterPrompt(term, 'short\r', 'short\r');
    await expect(promptNewPassword(term.input, term.output, weakness, 2)).rejects.toThrow(PasswordInputError);
  });
});

describe('readPasswordFromStdin', () => {
  it('should strip exactly one trailing newline', async () => {
    await expect(readPasswordFromStdin(Readable.from(['tulip-Orbit-93\n']))).resolves.toBe('tulip-Orbit-93');
    await expect(readPasswordFromStdin(Readable.from(['tulip-', 'Orbit-93\r\n']))).resolves.toBe('tulip-Orbit-93');
    await expect(readPasswordFromStdin(Readable.from(['  spaced pass  ']))).resolves.toBe('  spaced pass  ');
  });

  it('should refuse empty input and several lines', async () => {
    await expect(readPasswordFromStdin(Readable.from(['\n']))).rejects.toThrow('stdin was empty');
    await expect(readPasswordFromStdin(Readable.from(['a\nb\n']))).rejects.toThrow('single line');
  });
});
