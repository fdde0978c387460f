import { existsSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-quic',
  '--disable-component-update',
  '--disable-sync',
];
export const haveChromium = existsSync(CHROMIUM);

/** `describe` when Chromium is installed, else a skipped block that says why. */
export function describeInChromium(name: string, body: () => void): void {
  (haveChromium ? describe : describe.skip)(`${name}${haveChromium ? '' : ` (skipped: ${CHROMIUM} is not installed)`}`, body);
}

/** Collects every Content-Security-Policy violation of the context's pages (what the browser refused, and by which directive). */
export async function recordCspViolations(context: BrowserContext): Promise<() => Promise<string[]>> {
  const logged: string[] = [];
  // A string: the test project has no DOM typings, and this runs in the page.
  await context.addInitScript({
    content: `window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
  });
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) logged.push(message.text());
  });
  return async () => {
    const fromPages = await Promise.all(context.pages().map((page) => page.evaluate<string[]>('window.__cspViolations || []')));
    return [...fromPages.flat(), ...logged];
  };
}
