import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createBridge, type IpcRendererLike } from '../../preload/bridge.js';
import { PRELOAD_BRIDGE_GLOBAL, PRELOAD_EVENT_CHANNELS, PRELOAD_INVOKE_CHANNELS } from '../../preload/channels.js';
import { BRIDGE_GLOBAL, EVENT_CHANNELS, INVOKE_CHANNELS } from '../../main/ipc/contract.js';

/** Stand-in for Electron's ipcRenderer: records invokes, lets the test emit events. */
class IpcRendererStandIn extends EventEmitter {
  invoked: [string, unknown][] = [];
  answer: (channel: string, payload: unknown) => Promise<unknown> = async () => ({ ok: true, value: 'pong' });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, args[0]]);
    return this.answer(channel, args[0]);
  }
}
const standIn = (): IpcRendererStandIn & IpcRendererLike => new IpcRendererStandIn() as IpcRendererStandIn & IpcRendererLike;

test('the preload channel lists are exactly the contract\'s', () => {
  assert.deepEqual([...PRELOAD_INVOKE_CHANNELS].sort(), [...INVOKE_CHANNELS].sort());
  assert.deepEqual([...PRELOAD_EVENT_CHANNELS].sort(), [...EVENT_CHANNELS].sort());
  assert.equal(PRELOAD_BRIDGE_GLOBAL, BRIDGE_GLOBAL);
});

test('invoke forwards contract channels with their payload and returns main\'s Result', async () => {
  const ipc = standIn();
  const bridge = createBridge(ipc);
  assert.deepEqual(await bridge.invoke('app:snapshot'), { ok: true, value: 'pong' });
  await bridge.invoke('backups:delete', { id: 'b1' });
  assert.deepEqual(ipc.invoked, [['app:snapshot', undefined], ['backups:delete', { id: 'b1' }]]);
});

test('unknown channels never reach ipcRenderer; a throwing main becomes an error Result', async () => {
  const ipc = standIn();
  const bridge = createBridge(ipc) as unknown as { invoke(c: unknown, p?: unknown): Promise<any> };
  for (const bad of ['shell:openExternal', '', 42, null]) {
    const r = await bridge.invoke(bad);
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'unknown-channel');
  }
  assert.equal(ipc.invoked.length, 0);
  ipc.answer = async () => { throw new Error('Error invoking remote method: boom'); };
  const r = await bridge.invoke('backups:list');
  assert.equal(r.ok, false);
  assert.equal(r.error.kind, 'internal');
  assert.match(r.error.message, /boom/);
});

test('on delivers only the payload (never the IPC event) and unsubscribes', () => {
  const ipc = standIn();
  const bridge = createBridge(ipc);
  const got: unknown[][] = [];
  const off = bridge.on('event:state', (...args: unknown[]) => got.push(args));
  ipc.emit('event:state', { sender: 'secret ipc event' }, { phase: 'idle' });
  off();
  off(); // twice is harmless
  ipc.emit('event:state', {}, { phase: 'running' });
  assert.deepEqual(got, [[{ phase: 'idle' }]]);
  assert.equal(ipc.listenerCount('event:state'), 0);
  // Non-contract events cannot be subscribed to.
  const offBad = (bridge as unknown as { on(c: string, l: () => void): () => void }).on('ipc:raw', () => assert.fail('leaked'));
  ipc.emit('ipc:raw', {}, 1);
  assert.equal(ipc.listenerCount('ipc:raw'), 0);
  offBad();
});
