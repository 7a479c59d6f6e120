// A screenshot of one dashboard page, as a person would see it once the page
// has drawn (headless Debian chromium via playwright-core; the demo uses it).
//   node tests/dashboard/screenshot.mjs URL OUT.png
// Exit 1 (and why) when the page does not draw; console errors are printed.
import { chromium } from 'playwright-core';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node tests/dashboard/screenshot.mjs URL OUT.png');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let code = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text() + ' ' + ((m.location() || {}).url || '')));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 15000 });
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: out, fullPage: true });
  if (errors.length) console.error(`   note: the page logged ${errors.length} console error(s):\n     ` + errors.join('\n     '));
} catch (e) {
  console.error('no screenshot: ' + e.message);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
