// The settings form. Pausing is applied at once (`pause:set` / `pause:resume`, as in the tray); the
// rest is saved together. The schedule is validated live through `schedule:preview` (description,
// a note, and the next three runs, or the reason it is invalid); retention's dry run updates live
// (debounced) and says what the next backup would remove; Save sends one `settings:update` and
// confirms what the next backup will remove. Main validates everything again: the checks here
// only turn obvious slips (an empty number) into friendlier sentences, marked on their field.
import type { Backup } from '../../main/api/wire.js';
import type { IpcError, RetentionPolicyInput, RetentionPreview, SchedulePreview, ScheduleSpec, Settings, SettingsPatchInput } from './settings-types.js';
import { el, replaceChildren, setText, show } from '../dom.js';
import { formatBytes, formatDate, formatRunTime } from '../format.js';
import { checkBaseUrl } from '../../main/api/base-url.js';
import { EVERY_N_HOURS, EVERY_N_HOURS_HINT } from '../../main/settings/every-n-hours.js';
import { dayDelta, formatClock } from '../../main/shared/time-format.js';

type Answer<T> = Promise<{ ok: true; value: T } | { ok: false; error: IpcError }>;
export type PauseChoice = '1h' | 'tomorrow' | 'resume';

export interface SettingsActions {
  previewSchedule(spec: ScheduleSpec): Answer<SchedulePreview>;
  previewRetention(policy: RetentionPolicyInput): Answer<RetentionPreview>;
  save(patch: SettingsPatchInput): Answer<Settings>;
  /** Pause automatic backups (the tray's presets); the error, or null once paused. */
  pause(until: PauseChoice): Promise<IpcError | null>;
  resume(): Promise<IpcError | null>;
}

export interface SettingsForm {
  root: HTMLFormElement;
  /** New settings from main; ignored while the person has unsaved edits. */
  update(settings: Settings): void;
  /** The engine's pause (`EngineState.pausedUntil`): an ISO time, 'resume', or null. */
  setPause(pausedUntil: string | null): void;
  /** Whether the form holds edits that are not saved (closing the window asks first). */
  isDirty(): boolean;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const KINDS: [ScheduleSpec['kind'], string][] = [
  ['off', 'Off'], ['hourly', 'Every hour'], ['every-n-hours', 'Every few hours'], ['daily', 'Daily'], ['weekly', 'Weekly'], ['custom', 'Custom (cron)'],
];
/** How long typing may pause before the retention dry run asks main (it lists the backups). */
const RETENTION_DEBOUNCE_MS = 400;

let ids = 0;
/** A labelled control: <label for> keeps the accessible name exactly the label text. Each field
 * has a hidden error line; aria-describedby names the hint and, while shown, the error. */
function field(label: string, control: HTMLInputElement | HTMLSelectElement, hint?: string): HTMLDivElement {
  control.id = `f${++ids}`;
  const row = el('div', { class: 'field' }, el('label', { for: control.id }, label), control);
  if (hint) row.appendChild(el('span', { class: 'hint', id: `${control.id}-hint` }, hint));
  row.appendChild(el('span', { class: 'field-error', id: `${control.id}-error`, hidden: true }));
  describe(control, null);
  return row;
}

/** Mark a control invalid with its message (null: valid), tied to it with aria-describedby. */
function describe(control: HTMLElement, message: string | null): void {
  const error = document.getElementById(`${control.id}-error`) ?? control.parentElement?.querySelector<HTMLElement>('.field-error') ?? null;
  const hint = control.parentElement?.querySelector<HTMLElement>('.hint') ?? null;
  if (error) {
    setText(error, message ?? '');
    show(error, message !== null);
  }
  const by = [hint?.id, message !== null ? error?.id : undefined].filter((x): x is string => !!x);
  if (by.length) control.setAttribute('aria-describedby', by.join(' '));
  else control.removeAttribute('aria-describedby');
  if (message !== null) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

function checkbox(label: string): { row: HTMLLabelElement; input: HTMLInputElement } {
  const input = el('input', { type: 'checkbox' });
  return { row: el('label', { class: 'check' }, input, label), input };
}

/** Parse an optional whole number field: '' → null; otherwise a number in range or an error. */
export function optionalInt(raw: string, min: number, max: number, what: string): number | null | string {
  const s = raw.trim();
  if (s === '') return null;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) return `${what} must be a whole number from ${min} to ${max.toLocaleString()}.`;
  return n;
}

/** Midnight exactly: what "Pause until tomorrow" sets. */
const atMidnight = (d: Date): boolean => d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0;

/** "Paused until 15:30" (the locale's clock), "… until tomorrow", "… until you resume". */
export function pauseText(pausedUntil: string, now: number = Date.now()): string {
  if (pausedUntil === 'resume') return 'Automatic backups are paused until you resume them.';
  const t = Date.parse(pausedUntil);
  if (Number.isNaN(t)) return 'Automatic backups are paused.';
  const until = new Date(t);
  const days = dayDelta(until, new Date(now));
  if (days === 0) return `Paused until ${formatClock(until)}`;
  if (days === 1) return atMidnight(until) ? 'Paused until tomorrow' : `Paused until tomorrow at ${formatClock(until)}`;
  return `Paused until ${formatRunTime(pausedUntil, now)}`;
}

const backups = (n: number) => `${n.toLocaleString()} older backup${n === 1 ? '' : 's'}`;

/** "2 of “desk” and 1 of “old-laptop”": the other devices' backups in a list, by device. */
function byOtherDevice(list: Backup[], thisDevice: string | null): string | null {
  const counts = new Map<string, number>();
  for (const b of list) if (b.deviceName !== thisDevice) counts.set(b.deviceName, (counts.get(b.deviceName) ?? 0) + 1);
  if (counts.size === 0) return null;
  const parts = [...counts].map(([name, n]) => `${n.toLocaleString()} of “${name}”`);
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

export function createSettingsForm(actions: SettingsActions): SettingsForm {
  // Pause (applied at once, not by Save)
  const pauseStatus = el('p', { class: 'pause-status', role: 'status' });
  const pauseButtons = el('div', { class: 'pause-buttons' },
    el('button', { type: 'button', 'data-until': '1h' }, 'Pause for 1 hour'),
    el('button', { type: 'button', 'data-until': 'tomorrow' }, 'Pause until tomorrow'),
    el('button', { type: 'button', 'data-until': 'resume' }, 'Pause until resumed'));
  const resumeButton = el('button', { type: 'button', class: 'primary', hidden: true }, 'Resume');
  const pauseError = el('p', { class: 'error', role: 'alert', hidden: true });

  // Schedule
  const kind = el('select', {}, ...KINDS.map(([v, t]) => el('option', { value: v }, t)));
  const hours = el('select', {}, ...EVERY_N_HOURS.map((n) => el('option', { value: n }, n === 1 ? 'Every hour' : `Every ${n} hours`)));
  const day = el('select', {}, ...DAYS.map((d, i) => el('option', { value: i }, d)));
  const time = el('input', { type: 'time', step: 60 });
  const cron = el('input', { type: 'text', spellcheck: 'false', autocomplete: 'off', placeholder: '0 */6 * * *' });
  const hoursRow = field('Every how many hours', hours, EVERY_N_HOURS_HINT);
  const dayRow = field('Day', day);
  const timeRow = field('Time', time);
  const cronRow = field('Cron expression', cron, 'Five fields: minute hour day-of-month month day-of-week.');
  const schedDesc = el('p', { class: 'desc', id: 'schedule-description' });
  const schedNote = el('p', { class: 'note', hidden: true });
  const schedRuns = el('ul', { class: 'runs', 'aria-label': 'Next runs' });
  const schedPreview = el('div', { class: 'preview', 'aria-live': 'polite', id: 'schedule-preview' }, schedDesc, schedNote, schedRuns);

  // Retention
  const retention = checkbox('Delete old backups automatically');
  const keepLast = el('input', { type: 'number', min: 1, max: 10000, step: 1, inputmode: 'numeric', placeholder: 'no limit' });
  const maxAge = el('input', { type: 'number', min: 1, max: 3650, step: 1, inputmode: 'numeric', placeholder: 'no limit' });
  const otherDevices = checkbox('Also delete backups made by other devices');
  const retentionOut = el('div', { class: 'preview retention-preview', 'aria-live': 'polite' });

  // Notifications, connection, startup
  const onFailure = checkbox('Notify when a backup fails');
  const onSuccess = checkbox('Notify when a backup succeeds');
  const afterCatchUp = checkbox('Notify after a catch-up backup');
  const autoDiscover = checkbox('Find PiecesOS automatically');
  const url = el('input', { type: 'text', inputmode: 'url', placeholder: 'localhost:39300', spellcheck: 'false', autocomplete: 'off' });
  const catchUp = checkbox('Catch up on a missed backup at start or wake');
  const startAtLogin = checkbox('Start at login');

  const saveButton = el('button', { type: 'submit', class: 'primary' }, 'Save settings');
  const saveStatus = el('p', { class: 'save-status', role: 'status' });

  const root = el('form', { class: 'settings', 'aria-label': 'Settings', novalidate: true },
    el('fieldset', { class: 'pause' }, el('legend', {}, 'Automatic backups'), pauseStatus, pauseButtons, resumeButton, pauseError),
    el('fieldset', {}, el('legend', {}, 'Schedule'), field('Back up', kind), hoursRow, dayRow, timeRow, cronRow, schedPreview),
    el('fieldset', {}, el('legend', {}, 'Retention'), retention.row,
      field('Keep the newest (backups of each device)', keepLast, 'Counted per device: another device’s backups never push out this computer’s.'), field('Keep backups younger than (days)', maxAge), otherDevices.row,
      retentionOut),
    el('fieldset', {}, el('legend', {}, 'Notifications'), onFailure.row, onSuccess.row, afterCatchUp.row),
    el('fieldset', {}, el('legend', {}, 'PiecesOS'), autoDiscover.row, field('PiecesOS URL', url, 'Like localhost:39300; http:// is added when left out.')),
    el('fieldset', {}, el('legend', {}, 'Startup'), catchUp.row, startAtLogin.row),
    el('div', { class: 'actions' }, saveButton, saveStatus));

  let dirty = false;
  let previewSeq = 0;
  let retentionSeq = 0;
  let retentionTimer: ReturnType<typeof setTimeout> | null = null;
  let current: Settings | null = null;

  // --- pause ---------------------------------------------------------------------------------

  function setPause(pausedUntil: string | null): void {
    const paused = pausedUntil !== null;
    setText(pauseStatus, paused ? pauseText(pausedUntil) : 'Automatic backups are on.');
    show(pauseButtons, !paused);
    show(resumeButton, paused);
  }

  async function pauseAction(run: () => Promise<IpcError | null>, focusAfter: () => HTMLElement | null): Promise<void> {
    for (const b of [...pauseButtons.querySelectorAll('button'), resumeButton]) b.disabled = true;
    const error = await run();
    for (const b of [...pauseButtons.querySelectorAll('button'), resumeButton]) b.disabled = false;
    setText(pauseError, error ? error.message : '');
    show(pauseError, error !== null);
    // The button pressed is hidden now: keep focus in the same place, never on <body>.
    if (!error) focusAfter()?.focus();
  }

  pauseButtons.addEventListener('click', (e) => {
    const until = (e.target as HTMLElement).closest('button')?.dataset.until as PauseChoice | undefined;
    if (until) void pauseAction(() => actions.pause(until), () => resumeButton);
  });
  resumeButton.addEventListener('click', () => void pauseAction(() => actions.resume(), () => pauseButtons.querySelector('button')));

  // --- schedule ------------------------------------------------------------------------------

  function showScheduleInputs(): void {
    const k = kind.value;
    show(hoursRow, k === 'every-n-hours');
    show(dayRow, k === 'weekly');
    show(timeRow, k === 'daily' || k === 'weekly');
    show(cronRow, k === 'custom');
  }

  /** The schedule the inputs describe, or what to fix and on which input. */
  function readSchedule(): ScheduleSpec | { error: string; control: HTMLElement } {
    switch (kind.value) {
      case 'off': return { kind: 'off' };
      case 'hourly': return { kind: 'hourly' };
      case 'every-n-hours': return { kind: 'every-n-hours', hours: Number(hours.value) };
      case 'daily':
        return time.value ? { kind: 'daily', time: time.value.slice(0, 5) } : { error: 'Enter the time of day for the backup.', control: time };
      case 'weekly':
        return time.value ? { kind: 'weekly', day: Number(day.value), time: time.value.slice(0, 5) } : { error: 'Enter the time of day for the backup.', control: time };
      default: {
        const expr = cron.value.trim();
        return expr ? { kind: 'custom', cron: expr } : { error: 'Enter a cron expression, e.g. 0 */6 * * * for every six hours.', control: cron };
      }
    }
  }

  /** The visible input the schedule's problem is about. */
  function scheduleControl(): HTMLElement {
    return kind.value === 'custom' ? cron : kind.value === 'daily' || kind.value === 'weekly' ? time : kind.value === 'every-n-hours' ? hours : kind;
  }

  function setScheduleInvalid(message: string | null): void {
    schedPreview.classList.toggle('invalid', message !== null);
    for (const input of [hours, time, cron]) describe(input, null);
    if (message !== null) describe(scheduleControl(), message);
  }

  function showSchedule(description: string, note: string | null, runs: string[]): void {
    setText(schedDesc, description);
    setText(schedNote, note ?? '');
    show(schedNote, note !== null);
    replaceChildren(schedRuns, ...runs.slice(0, 3).map((t) => el('li', {}, formatRunTime(t))));
  }

  async function previewSchedule(): Promise<void> {
    const seq = ++previewSeq;
    const spec = readSchedule();
    if ('error' in spec) {
      setScheduleInvalid(spec.error);
      showSchedule(spec.error, null, []);
      return;
    }
    const r = await actions.previewSchedule(spec);
    if (seq !== previewSeq) return; // a newer keystroke already asked again
    if (!r.ok) {
      setScheduleInvalid(r.error.message);
      showSchedule(r.error.message, null, []);
      return;
    }
    setScheduleInvalid(r.value.valid ? null : r.value.description);
    showSchedule(r.value.description, r.value.valid ? r.value.note ?? null : null, r.value.valid ? r.value.nextRuns : []);
  }

  // --- retention -----------------------------------------------------------------------------

  function readRetention(): RetentionPolicyInput | { error: string; control: HTMLElement } {
    const kl = optionalInt(keepLast.value, 1, 10_000, 'Keep the newest');
    if (typeof kl === 'string') return { error: kl, control: keepLast };
    const age = optionalInt(maxAge.value, 1, 3650, 'Days');
    if (typeof age === 'string') return { error: age, control: maxAge };
    return { enabled: retention.input.checked, keepLast: kl, maxAgeDays: age, includeOtherDevices: otherDevices.input.checked };
  }

  /** Ask for the dry run once typing has paused (each answer lists the backups in PiecesOS). */
  function scheduleRetentionPreview(): void {
    if (retentionTimer !== null) clearTimeout(retentionTimer);
    retentionTimer = setTimeout(() => {
      retentionTimer = null;
      void previewRetention();
    }, RETENTION_DEBOUNCE_MS);
  }

  async function previewRetention(): Promise<void> {
    const seq = ++retentionSeq;
    const policy = readRetention();
    describe(keepLast, null);
    describe(maxAge, null);
    if ('error' in policy) {
      describe(policy.control, policy.error);
      replaceChildren(retentionOut, el('p', { class: 'error' }, policy.error));
      return;
    }
    if (!policy.enabled) {
      replaceChildren(retentionOut, el('p', {}, 'Retention is off: backups are never deleted automatically.'));
      return;
    }
    if (policy.keepLast === null && policy.maxAgeDays === null) {
      replaceChildren(retentionOut, el('p', {}, 'No rule is set: nothing will be deleted. Enter how many to keep, or for how many days.'));
      return;
    }
    const r = await actions.previewRetention(policy);
    if (seq !== retentionSeq) return; // the fields changed meanwhile: a newer answer is coming
    if (!r.ok) {
      replaceChildren(retentionOut, el('p', { class: 'error' }, `Could not work out what would be deleted: ${r.error.message}`));
      return;
    }
    const { afterNextBackup: list, skipped, futureDated, thisDevice } = r.value;
    const device = thisDevice === null ? null : el('p', { class: 'hint' }, `This computer’s backups are those of “${thisDevice}”.`);
    const future = futureDated.length === 0 ? null
      : el('p', {}, `Kept because dated in the future (a wrong clock): ${futureDated.slice(0, 5).map((b) => `${formatDate(b.created)} · ${b.deviceName}`).join('; ')}${futureDated.length > 5 ? ` and ${futureDated.length - 5} more` : ''}.`);
    if (skipped !== null) {
      replaceChildren(retentionOut, el('p', {}, `Nothing would be deleted: ${skipped}`), future);
      return;
    }
    if (list.length === 0) {
      replaceChildren(retentionOut, el('p', {}, 'With these settings the next backup would remove nothing.'), device, future);
      return;
    }
    const others = byOtherDevice(list, thisDevice);
    const shown = list.slice(0, 20);
    replaceChildren(retentionOut,
      others === null ? null : el('p', { class: 'warning' }, el('strong', {}, 'Other devices’ backups: '), `this would delete ${others}.`),
      el('p', {}, `With these settings the next backup would remove ${backups(list.length)}:`),
      el('ul', { class: 'would-delete', 'aria-label': 'Backups retention would delete' },
        ...shown.map((b) => el('li', {}, `${formatDate(b.created)} · ${formatBytes(b.bytes)} · ${b.deviceName}`))),
      list.length > shown.length ? el('p', { class: 'more' }, `and ${(list.length - shown.length).toLocaleString()} more`) : null,
      device, future);
  }

  /** What Save confirms: "The next backup will remove 4 older backups." (or nothing), or null when it cannot tell. */
  async function nextBackupRemoves(s: Settings): Promise<string | null> {
    if (!s.retention.enabled || (s.retention.keepLast === null && s.retention.maxAgeDays === null)) return 'The next backup will remove nothing.';
    const r = await actions.previewRetention(s.retention);
    if (!r.ok) return null;
    const n = r.value.skipped !== null ? 0 : r.value.afterNextBackup.length;
    return n === 0 ? 'The next backup will remove nothing.' : `The next backup will remove ${backups(n)}.`;
  }

  // --- connection ----------------------------------------------------------------------------

  function readUrl(): string | null | { error: string; control: HTMLElement } {
    if (autoDiscover.input.checked) return null;
    const r = checkBaseUrl(url.value);
    if (r.ok) return r.url;
    if (url.value.trim() === '') return { error: 'Enter PiecesOS’s address, like localhost:39300, or tick “Find PiecesOS automatically”.', control: url };
    return { error: `This address cannot be used: ${r.reason}. Enter one like localhost:39300, or tick “Find PiecesOS automatically”.`, control: url };
  }

  // --- the whole form ------------------------------------------------------------------------

  function fill(s: Settings): void {
    current = s;
    kind.value = s.schedule.kind;
    hours.value = s.schedule.kind === 'every-n-hours' ? String(s.schedule.hours) : '6';
    if (s.schedule.kind === 'daily' || s.schedule.kind === 'weekly') time.value = s.schedule.time;
    if (s.schedule.kind === 'weekly') day.value = String(s.schedule.day);
    if (s.schedule.kind === 'custom') cron.value = s.schedule.cron;
    if (!time.value) time.value = '12:00';
    retention.input.checked = s.retention.enabled;
    keepLast.value = s.retention.keepLast === null ? '' : String(s.retention.keepLast);
    maxAge.value = s.retention.maxAgeDays === null ? '' : String(s.retention.maxAgeDays);
    otherDevices.input.checked = s.retention.includeOtherDevices;
    onFailure.input.checked = s.notifications.onFailure;
    onSuccess.input.checked = s.notifications.onSuccess;
    afterCatchUp.input.checked = s.notifications.afterCatchUp;
    autoDiscover.input.checked = s.piecesOsUrl === null;
    url.value = s.piecesOsUrl ?? '';
    url.disabled = autoDiscover.input.checked;
    describe(url, null);
    catchUp.input.checked = s.catchUp;
    startAtLogin.input.checked = s.startAtLogin;
    showScheduleInputs();
    void previewSchedule();
    void previewRetention();
  }

  function setSaveStatus(text: string, isError: boolean): void {
    setText(saveStatus, text);
    saveStatus.classList.toggle('error', isError);
  }

  const RETENTION_INPUTS: EventTarget[] = [retention.input, keepLast, maxAge, otherDevices.input];
  root.addEventListener('input', (e) => {
    const t = e.target;
    // The pause buttons act at once: they are no unsaved edit.
    if (t instanceof Node && root.querySelector('fieldset.pause')?.contains(t)) return;
    dirty = true;
    setSaveStatus('', false);
    if (t === kind) showScheduleInputs();
    if (t === kind || t === hours || t === day || t === time || t === cron) void previewSchedule();
    if (RETENTION_INPUTS.includes(t as EventTarget)) scheduleRetentionPreview();
    if (t === autoDiscover.input) {
      url.disabled = autoDiscover.input.checked;
      if (url.disabled) describe(url, null);
    }
    if (t === url && url.getAttribute('aria-invalid') === 'true') {
      const u = readUrl();
      if (u === null || typeof u === 'string') describe(url, null);
    }
  });

  root.addEventListener('submit', async (e) => {
    e.preventDefault();
    const schedule = readSchedule();
    const policy = readRetention();
    const piecesOsUrl = readUrl();
    describe(url, null);
    // Each problem is marked on its field; the first one gets focus and is said in the status line.
    const problems: Array<{ error: string; control: HTMLElement }> = [];
    if ('error' in schedule) problems.push(schedule);
    else if (schedPreview.classList.contains('invalid')) problems.push({ error: schedDesc.textContent ?? 'The schedule is not valid.', control: scheduleControl() });
    if ('error' in policy) problems.push(policy);
    if (piecesOsUrl !== null && typeof piecesOsUrl === 'object') problems.push(piecesOsUrl);
    for (const p of problems) describe(p.control, p.error);
    const first = problems[0];
    if (first || 'error' in schedule || 'error' in policy || (piecesOsUrl !== null && typeof piecesOsUrl === 'object')) {
      setSaveStatus(`Not saved: ${first?.error ?? 'check the highlighted fields.'}`, true);
      first?.control.focus();
      return;
    }
    saveButton.disabled = true;
    setSaveStatus('Saving…', false);
    const r = await actions.save({
      schedule, retention: policy, piecesOsUrl, catchUp: catchUp.input.checked, startAtLogin: startAtLogin.input.checked,
      notifications: { onFailure: onFailure.input.checked, onSuccess: onSuccess.input.checked, afterCatchUp: afterCatchUp.input.checked },
    });
    if (!r.ok) {
      saveButton.disabled = false;
      // Main's message may already say so; do not say it twice.
      setSaveStatus(/not saved/i.test(r.error.message) ? r.error.message : `Not saved: ${r.error.message}`, true);
      if (/piecesOsUrl|address/i.test(r.error.message)) {
        describe(url, r.error.message);
        url.focus();
      }
      return;
    }
    dirty = false;
    fill(r.value);
    setSaveStatus('Saved.', false);
    const removes = await nextBackupRemoves(r.value);
    saveButton.disabled = false;
    if (!dirty && removes !== null) setSaveStatus(`Saved. ${removes}`, false);
  });

  // Closing the window (or reloading it) with unsaved edits asks first. In Electron the main
  // process turns this into a dialog (main/electron/window.ts, 'will-prevent-unload').
  window.addEventListener('beforeunload', (e) => {
    if (!dirty) return;
    e.preventDefault();
    // Older Chromium asks only when returnValue is set.
    e.returnValue = '';
  });

  return {
    root,
    update(s) {
      if (!dirty || current === null) fill(s);
      else current = s;
    },
    setPause,
    isDirty: () => dirty,
  };
}
