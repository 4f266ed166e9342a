// Viewport-only screenshots (no full page) of a running demo, for a close look:
// node outl-clip.mjs BASE USER OUT WIDTH SCROLLY PATH
import { chromium } from 'playwright-core';
const [base, user, out, width, scrollY, path] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const ctx = await browser.newContext({ baseURL: base, viewport: { width: Number(width), height: 900 }, locale: 'zh-CN' });
const page = await ctx.newPage();
await page.goto('/login');
await page.fill('input[name="username"]', user);
await page.fill('input[name="password"]', 'Demo-pass-2026');
await Promise.all([page.waitForNavigation(), page.click('form button.primary[type="submit"]')]);
await page.goto(path);
await page.evaluate((y) => window.scrollTo(0, Number(y)), scrollY);
await page.screenshot({ path: out });
await browser.close();
