// Chromium for the window benchmarks: Debian's build through Playwright, one browser per section.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright';

export const CHROMIUM = '/usr/bin/chromium';

/** A browser, or the reason there is none (the section then reports "not measured"). */
export async function launchChromium(): Promise<Browser | string> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  const { chromium } = await import('playwright');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu'],
  });
}
