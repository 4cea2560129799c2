// Loaded with `node --import` into the idle benchmark's processes: counts timer callbacks as they
// fire (global and `node:timers` setTimeout/setInterval, and `node:timers/promises`) and writes
// them to $BENCH_IDLE_REPORT when the process exits. Plain JS, so no loader adds to the figures.
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import { syncBuiltinESMExports } from 'node:module';
import { writeFileSync } from 'node:fs';

const fired = [];
const armed = [];

function keepProps(wrapped, orig) {
  // setTimeout carries util.promisify.custom; keep it and anything else it has.
  for (const key of Reflect.ownKeys(orig)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(orig, key));
  }
  return wrapped;
}

function wrapTimer(orig, kind) {
  return keepProps(function (cb, delay, ...args) {
    if (typeof cb !== 'function') return orig.call(this, cb, delay, ...args);
    const d = Number(delay) || 0;
    armed.push([Date.now(), kind, d]);
    return orig.call(this, function (...a) {
      fired.push([Date.now(), kind, d]);
      return cb.apply(this, a);
    }, delay, ...args);
  }, orig);
}

function wrapPromise(orig, kind) {
  return function (delay, ...rest) {
    const d = Number(delay) || 0;
    armed.push([Date.now(), kind, d]);
    return orig.call(this, delay, ...rest).then((v) => {
      fired.push([Date.now(), kind, d]);
      return v;
    });
  };
}

const st = wrapTimer(globalThis.setTimeout, 'setTimeout');
const si = wrapTimer(globalThis.setInterval, 'setInterval');
globalThis.setTimeout = st;
globalThis.setInterval = si;
timers.setTimeout = st;
timers.setInterval = si;
timersPromises.setTimeout = wrapPromise(timersPromises.setTimeout, 'promises.setTimeout');
syncBuiltinESMExports();

process.on('exit', () => {
  const file = process.env.BENCH_IDLE_REPORT;
  if (file) writeFileSync(file, JSON.stringify({ fired, armed, memory: process.memoryUsage() }));
});
// A bare `node -e` dies on SIGTERM without 'exit'; the baseline asks for a clean exit instead.
if (process.env.BENCH_IDLE_EXIT_ON_TERM === '1') process.on('SIGTERM', () => process.exit(0));
