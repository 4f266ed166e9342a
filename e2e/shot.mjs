// Ad-hoc screenshots of a running demo: node shot.mjs BASE USER OUT WIDTH PATH...
import { chromium } from 'playwright-core';
const [base, user, out, width, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const ctx = await browser.newContext({ baseURL: base, viewport: { width: Number(width), height: 900 }, locale: 'zh-CN' });
const page = await ctx.newPage();
await page.goto('/login');
await page.fill('input[name="username"]', user);
await page.fill('input[name="password"]', process.env.JINGUO_DEMO_PASSWORD || 'Demo-pass-2026');
await Promise.all([page.waitForNavigation(), page.click('form button.primary[type="submit"]')]);
let i = 0;
for (const p of paths) {
  await page.goto(p);
  await page.screenshot({ path: `${out}-${i++}.png`, fullPage: true });
}
await browser.close();
