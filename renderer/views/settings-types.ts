// Type-only views of the settings shapes the form sends and receives (no zod in the bundle).
import type { z } from 'zod';
import type { retentionPolicy, settingsPatch } from '../../main/settings/schema.js';
export type { IpcError, RetentionPreview, SchedulePreview, ScheduleSpec, Settings } from '../../main/ipc/contract.js';
export type RetentionPolicyInput = z.input<typeof retentionPolicy>;
export type SettingsPatchInput = z.input<typeof settingsPatch>;
