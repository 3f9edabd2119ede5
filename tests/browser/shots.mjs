import { chromium } from 'playwright-core';
const base = process.argv[2];
const pages = process.argv.slice(3);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (const [i, p] of pages.entries()) {
  await page.goto(base + p);
  await page.screenshot({ path: `/tmp/shots/${i}.png`, fullPage: true });
}
await browser.close();
