// Sandboxed preload (bundled to dist/preload/preload.cjs): exposes the typed bridge, nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.js';
import { PRELOAD_BRIDGE_GLOBAL } from './channels.js';

contextBridge.exposeInMainWorld(PRELOAD_BRIDGE_GLOBAL, createBridge(ipcRenderer));
