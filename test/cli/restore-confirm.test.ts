// The confirmation a restore asks for on a terminal: only an explicit yes confirms; Enter, "no",
// anything else, the end of the input, Ctrl-C and a cancel signal all answer No.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { confirm, isYes } from '../../main/cli/confirm.js';

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.setEncoding('utf8').on('data', (d: string) => (shown += d));
  return { input, output, shown: () => shown };
}

test('isYes accepts y and yes in any case, nothing else', () => {
  for (const a of ['y', 'Y', 'yes', 'YES', ' yes ', 'Yes']) assert.equal(isYes(a), true, a);
  for (const a of ['', 'n', 'no', 'yess', 'ye', 'y es', 'ok', 'sure', 'yes please']) assert.equal(isYes(a), false, a);
});

for (const [typed, expected] of [['y\n', true], ['YES\n', true], ['\n', false], ['n\n', false], ['maybe\n', false]] as const) {
  test(`typing ${JSON.stringify(typed)} answers ${expected ? 'yes' : 'no'}, and the question is shown`, async () => {
    const t = terminal();
    const answer = confirm('Restore? [y/N] ', { input: t.input, output: t.output });
    t.input.write(typed);
    assert.equal(await answer, expected);
    assert.match(t.shown(), /Restore\? \[y\/N\] /);
  });
}

test('an answer followed at once by the end of the input still counts', async () => {
  const t = terminal();
  const answer = confirm('Restore? [y/N] ', { input: t.input, output: t.output });
  t.input.end('y\n');
  assert.equal(await answer, true);
});

test('the end of the input (Ctrl-D) without an answer is No', async () => {
  const t = terminal();
  const answer = confirm('Restore? [y/N] ', { input: t.input, output: t.output });
  t.input.end();
  assert.equal(await answer, false);
});

test('a cancel signal (SIGINT/SIGTERM of the process) while asking is No', async () => {
  const t = terminal();
  const ac = new AbortController();
  const answer = confirm('Restore? [y/N] ', { input: t.input, output: t.output, signal: ac.signal });
  ac.abort();
  assert.equal(await answer, false);
  const late = confirm('Again? ', { input: t.input, output: t.output, signal: ac.signal });
  assert.equal(await late, false, 'already canceled: not even asked');
});

test('Ctrl-C on a terminal (readline in raw mode) is No', async () => {
  const t = terminal();
  // A readable that says it is a terminal, and an output that says so too: readline then reads
  // keypresses itself and turns Ctrl-C into its own SIGINT event.
  Object.assign(t.input, { isTTY: true, setRawMode: () => t.input });
  Object.assign(t.output, { isTTY: true, columns: 80 });
  const answer = confirm('Restore? [y/N] ', { input: t.input, output: t.output });
  t.input.write('\x03');
  assert.equal(await answer, false);
});
