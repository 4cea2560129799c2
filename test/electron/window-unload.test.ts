// Closing the window with unsaved Settings: the page's beforeunload handler cancels the unload,
// which Electron turns into a silent refusal to close unless main handles 'will-prevent-unload'.
// The window module asks with a message box; "Close without saving" lets the window close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageBoxSyncOptions } from 'electron';
import { createWindowManager } from '../../main/electron/window.js';
import type { ElectronDeps, ParentWindow } from '../../main/electron/deps.js';
import { StandInBrowserWindow, StandInEvent } from './electron-standin.js';

function open(answer: number | null) {
  const asked: MessageBoxSyncOptions[] = [];
  const parents: unknown[] = [];
  // Typed by the deps slice (electron.d.ts's `showMessageBoxSync(window, options)`).
  const dialog: NonNullable<ElectronDeps['dialog']> | undefined = answer === null ? undefined : {
    showMessageBoxSync(parent: ParentWindow, o: MessageBoxSyncOptions): number {
      parents.push(parent);
      asked.push(o);
      return answer;
    },
  };
  const windows = createWindowManager({ BrowserWindow: StandInBrowserWindow, ...(dialog ? { dialog } : {}) }, { preloadPath: '/p.cjs', title: 'Pieces Backup' });
  const w = windows.open('settings') as unknown as StandInBrowserWindow;
  return { w, asked, parents };
}

test('unsaved settings on close: main asks; "Close without saving" lets the window close', () => {
  const { w, asked } = open(0);
  const event = new StandInEvent();
  w.webContents.emit('will-prevent-unload', event);
  assert.equal(asked.length, 1, 'a message box asked');
  assert.match(asked[0]!.message, /not saved/i);
  assert.deepEqual(asked[0]!.buttons, ['Close without saving', 'Keep editing']);
  assert.equal(asked[0]!.cancelId, 1);
  assert.equal(event.defaultPrevented, true, 'the beforeunload handler is overridden: the window closes');
});

test('unsaved settings on close: "Keep editing" keeps the window open', () => {
  const { w, asked } = open(1);
  const event = new StandInEvent();
  w.webContents.emit('will-prevent-unload', event);
  assert.equal(asked.length, 1);
  assert.equal(event.defaultPrevented, false, 'the unload stays canceled');
});

test('unsaved settings on close: the message box is attached to the window (a sheet on macOS, never behind it)', () => {
  const { w, asked, parents } = open(1);
  w.webContents.emit('will-prevent-unload', new StandInEvent());
  assert.equal(asked.length, 1, 'a message box asked');
  assert.equal(parents.length, 1);
  assert.strictEqual(parents[0], w, 'the window closing is the message box’s parent');
});
