// The settings form. The schedule is validated live through `schedule:preview` (description and
// next three runs, or the reason it is invalid); retention has a dry-run preview; Save sends one
// `settings:update` and shows main's answer. Main validates everything again: the checks here
// only turn obvious slips (an empty number) into friendlier sentences.
import type { Backup } from '../../main/api/wire.js';
import type { IpcError, RetentionPolicyInput, RetentionPreview, SchedulePreview, ScheduleSpec, Settings, SettingsPatchInput } from './settings-types.js';
import { el, replaceChildren, setText, show } from '../dom.js';
import { formatBytes, formatDate, formatRunTime } from '../format.js';
import { checkBaseUrl } from '../../main/api/base-url.js';

export interface SettingsActions {
  previewSchedule(spec: ScheduleSpec): Promise<{ ok: true; value: SchedulePreview } | { ok: false; error: IpcError }>;
  previewRetention(policy: RetentionPolicyInput): Promise<{ ok: true; value: RetentionPreview } | { ok: false; error: IpcError }>;
  save(patch: SettingsPatchInput): Promise<{ ok: true; value: Settings } | { ok: false; error: IpcError }>;
}

export interface SettingsForm {
  root: HTMLFormElement;
  /** New settings from main; ignored while the person has unsaved edits. */
  update(settings: Settings): void;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const KINDS: [ScheduleSpec['kind'], string][] = [
  ['off', 'Off'], ['hourly', 'Every hour'], ['every-n-hours', 'Every few hours'], ['daily', 'Daily'], ['weekly', 'Weekly'], ['custom', 'Custom (cron)'],
];

let ids = 0;
/** A labelled control: <label for> keeps the accessible name exactly the label text. */
function field(label: string, control: HTMLInputElement | HTMLSelectElement, hint?: string): HTMLDivElement {
  control.id = `f${++ids}`;
  const row = el('div', { class: 'field' }, el('label', { for: control.id }, label), control);
  if (hint) {
    const h = el('span', { class: 'hint', id: `${control.id}-hint` }, hint);
    control.setAttribute('aria-describedby', h.id);
    row.appendChild(h);
  }
  return row;
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

export function createSettingsForm(actions: SettingsActions): SettingsForm {
  // Schedule
  const kind = el('select', {}, ...KINDS.map(([v, t]) => el('option', { value: v }, t)));
  const hours = el('input', { type: 'number', min: 1, max: 23, step: 1, inputmode: 'numeric' });
  const day = el('select', {}, ...DAYS.map((d, i) => el('option', { value: i }, d)));
  const time = el('input', { type: 'time', step: 60 });
  const cron = el('input', { type: 'text', spellcheck: 'false', autocomplete: 'off', placeholder: '0 */6 * * *' });
  const hoursRow = field('Every how many hours', hours);
  const dayRow = field('Day', day);
  const timeRow = field('Time', time);
  const cronRow = field('Cron expression', cron, 'Five fields: minute hour day-of-month month day-of-week.');
  const schedDesc = el('p', { class: 'desc' });
  const schedRuns = el('ul', { class: 'runs', 'aria-label': 'Next runs' });
  const schedPreview = el('div', { class: 'preview', 'aria-live': 'polite', id: 'schedule-preview' }, schedDesc, schedRuns);

  // Retention
  const retention = checkbox('Delete old backups automatically');
  const keepLast = el('input', { type: 'number', min: 1, max: 10000, step: 1, inputmode: 'numeric', placeholder: 'no limit' });
  const maxAge = el('input', { type: 'number', min: 1, max: 3650, step: 1, inputmode: 'numeric', placeholder: 'no limit' });
  const otherDevices = checkbox('Also delete backups made by other devices');
  const retentionButton = el('button', { type: 'button' }, 'Preview retention');
  const retentionOut = el('div', { class: 'preview', 'aria-live': 'polite' });

  // Notifications, connection, startup
  const onFailure = checkbox('Notify when a backup fails');
  const onSuccess = checkbox('Notify when a backup succeeds');
  const afterCatchUp = checkbox('Notify after a catch-up backup');
  const autoDiscover = checkbox('Find PiecesOS automatically');
  const url = el('input', { type: 'url', placeholder: 'http://127.0.0.1:39300', spellcheck: 'false', autocomplete: 'off' });
  const catchUp = checkbox('Catch up on a missed backup at start or wake');
  const startAtLogin = checkbox('Start at login');

  const saveButton = el('button', { type: 'submit', class: 'primary' }, 'Save settings');
  const saveStatus = el('p', { class: 'save-status', role: 'status' });

  const root = el('form', { class: 'settings', 'aria-label': 'Settings', novalidate: true },
    el('fieldset', {}, el('legend', {}, 'Schedule'), field('Back up', kind), hoursRow, dayRow, timeRow, cronRow, schedPreview),
    el('fieldset', {}, el('legend', {}, 'Retention'), retention.row,
      field('Keep the newest (backups of each device)', keepLast, 'Counted per device: another device’s backups never push out this computer’s.'), field('Keep backups younger than (days)', maxAge), otherDevices.row,
      el('div', { class: 'inline' }, retentionButton), retentionOut),
    el('fieldset', {}, el('legend', {}, 'Notifications'), onFailure.row, onSuccess.row, afterCatchUp.row),
    el('fieldset', {}, el('legend', {}, 'PiecesOS'), autoDiscover.row, field('PiecesOS URL', url)),
    el('fieldset', {}, el('legend', {}, 'Startup'), catchUp.row, startAtLogin.row),
    el('div', { class: 'actions' }, saveButton, saveStatus));

  let dirty = false;
  let previewSeq = 0;
  let current: Settings | null = null;

  function showScheduleInputs(): void {
    const k = kind.value;
    show(hoursRow, k === 'every-n-hours');
    show(dayRow, k === 'weekly');
    show(timeRow, k === 'daily' || k === 'weekly');
    show(cronRow, k === 'custom');
  }

  /** The schedule the inputs describe, or a sentence saying what to fix. */
  function readSchedule(): ScheduleSpec | string {
    switch (kind.value) {
      case 'off': return { kind: 'off' };
      case 'hourly': return { kind: 'hourly' };
      case 'every-n-hours': {
        const n = optionalInt(hours.value, 1, 23, 'Hours');
        return typeof n === 'number' ? { kind: 'every-n-hours', hours: n } : n ?? 'Enter how many hours apart backups run (1 to 23).';
      }
      case 'daily':
        return time.value ? { kind: 'daily', time: time.value.slice(0, 5) } : 'Enter the time of day for the backup.';
      case 'weekly':
        return time.value ? { kind: 'weekly', day: Number(day.value), time: time.value.slice(0, 5) } : 'Enter the time of day for the backup.';
      default: {
        const expr = cron.value.trim();
        return expr ? { kind: 'custom', cron: expr } : 'Enter a cron expression, e.g. 0 */6 * * * for every six hours.';
      }
    }
  }

  function setScheduleInvalid(message: string | null): void {
    schedPreview.classList.toggle('invalid', message !== null);
    for (const input of [hours, time, cron]) {
      if (message !== null && !input.closest('[hidden]')) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }

  async function previewSchedule(): Promise<void> {
    const seq = ++previewSeq;
    const spec = readSchedule();
    if (typeof spec === 'string') {
      setScheduleInvalid(spec);
      setText(schedDesc, spec);
      replaceChildren(schedRuns);
      return;
    }
    const r = await actions.previewSchedule(spec);
    if (seq !== previewSeq) return; // a newer keystroke already asked again
    if (!r.ok) {
      setScheduleInvalid(r.error.message);
      setText(schedDesc, r.error.message);
      replaceChildren(schedRuns);
      return;
    }
    setScheduleInvalid(r.value.valid ? null : r.value.description);
    setText(schedDesc, r.value.description);
    replaceChildren(schedRuns, ...(r.value.valid ? r.value.nextRuns.slice(0, 3).map((t) => el('li', {}, formatRunTime(t))) : []));
  }

  function readRetention(): RetentionPolicyInput | string {
    const kl = optionalInt(keepLast.value, 1, 10_000, 'Keep the newest');
    if (typeof kl === 'string') return kl;
    const age = optionalInt(maxAge.value, 1, 3650, 'Days');
    if (typeof age === 'string') return age;
    return { enabled: retention.input.checked, keepLast: kl, maxAgeDays: age, includeOtherDevices: otherDevices.input.checked };
  }

  function readUrl(): string | null | { error: string } {
    if (autoDiscover.input.checked) return null;
    const r = checkBaseUrl(url.value);
    if (r.ok) return r.url;
    if (url.value.trim() === '') return { error: 'Enter PiecesOS’s address, like http://127.0.0.1:39300, or tick “Find PiecesOS automatically”.' };
    return { error: `This address cannot be used: ${r.reason}. Enter one like http://127.0.0.1:39300, or tick “Find PiecesOS automatically”.` };
  }

  function fill(s: Settings): void {
    current = s;
    kind.value = s.schedule.kind;
    if (s.schedule.kind === 'every-n-hours') hours.value = String(s.schedule.hours);
    if (s.schedule.kind === 'daily' || s.schedule.kind === 'weekly') time.value = s.schedule.time;
    if (s.schedule.kind === 'weekly') day.value = String(s.schedule.day);
    if (s.schedule.kind === 'custom') cron.value = s.schedule.cron;
    if (!hours.value) hours.value = '6';
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
    catchUp.input.checked = s.catchUp;
    startAtLogin.input.checked = s.startAtLogin;
    showScheduleInputs();
    void previewSchedule();
  }

  function setSaveStatus(text: string, isError: boolean): void {
    setText(saveStatus, text);
    saveStatus.classList.toggle('error', isError);
  }

  root.addEventListener('input', (e) => {
    dirty = true;
    setSaveStatus('', false);
    const t = e.target;
    if (t === kind) showScheduleInputs();
    if (t === kind || t === hours || t === day || t === time || t === cron) void previewSchedule();
    if (t === autoDiscover.input) url.disabled = autoDiscover.input.checked;
  });

  retentionButton.addEventListener('click', async () => {
    const policy = readRetention();
    if (typeof policy === 'string') {
      replaceChildren(retentionOut, el('p', { class: 'error' }, policy));
      return;
    }
    retentionButton.disabled = true;
    const r = await actions.previewRetention(policy);
    retentionButton.disabled = false;
    if (!r.ok) {
      replaceChildren(retentionOut, el('p', { class: 'error' }, r.error.message));
      return;
    }
    const { wouldDelete: list, skipped, futureDated, thisDevice } = r.value;
    const device = thisDevice === null ? null : el('p', { class: 'hint' }, `This computer’s backups are those of “${thisDevice}”.`);
    const future = futureDated.length === 0 ? null
      : el('p', {}, `Kept because dated in the future (a wrong clock): ${futureDated.slice(0, 5).map((b) => `${formatDate(b.created)} · ${b.deviceName}`).join('; ')}${futureDated.length > 5 ? ` and ${futureDated.length - 5} more` : ''}.`);
    if (!policy.enabled) replaceChildren(retentionOut, el('p', {}, 'Retention is off: nothing would be deleted.'));
    else if (skipped !== null) replaceChildren(retentionOut, el('p', {}, `Nothing would be deleted: ${skipped}`), future);
    else if (list.length === 0) replaceChildren(retentionOut, el('p', {}, 'Nothing would be deleted.'), device, future);
    else {
      const shown = list.slice(0, 20);
      replaceChildren(retentionOut,
        el('p', {}, `Would delete ${list.length.toLocaleString()} backup${list.length === 1 ? '' : 's'}:`),
        el('ul', { class: 'would-delete', 'aria-label': 'Backups retention would delete' },
          ...shown.map((b) => el('li', {}, `${formatDate(b.created)} · ${formatBytes(b.bytes)} · ${b.deviceName}`))),
        list.length > shown.length ? el('p', { class: 'more' }, `and ${(list.length - shown.length).toLocaleString()} more`) : null,
        device, future);
    }
  });

  root.addEventListener('submit', async (e) => {
    e.preventDefault();
    const schedule = readSchedule();
    const policy = readRetention();
    const piecesOsUrl = readUrl();
    const problem = typeof schedule === 'string' ? schedule : typeof policy === 'string' ? policy
      : piecesOsUrl !== null && typeof piecesOsUrl === 'object' ? piecesOsUrl.error : null;
    if (problem !== null || typeof schedule === 'string' || typeof policy === 'string' || (piecesOsUrl !== null && typeof piecesOsUrl === 'object')) {
      setSaveStatus(problem ?? 'Check the highlighted fields.', true);
      return;
    }
    saveButton.disabled = true;
    setSaveStatus('Saving…', false);
    const r = await actions.save({
      schedule, retention: policy, piecesOsUrl, catchUp: catchUp.input.checked, startAtLogin: startAtLogin.input.checked,
      notifications: { onFailure: onFailure.input.checked, onSuccess: onSuccess.input.checked, afterCatchUp: afterCatchUp.input.checked },
    });
    saveButton.disabled = false;
    if (!r.ok) {
      // Main's message may already say so; do not say it twice.
      setSaveStatus(/not saved/i.test(r.error.message) ? r.error.message : `Not saved: ${r.error.message}`, true);
      return;
    }
    dirty = false;
    fill(r.value);
    setSaveStatus('Saved.', false);
  });

  return {
    root,
    update(s) {
      if (!dirty || current === null) fill(s);
      else current = s;
    },
  };
}
