// Screenshots of a running demo in one language, as a phone or a desktop
// sees them (the viewport only, so fixed bars sit where they belong):
//   node tour.mjs BASE USER LANG WIDTH OUT PATH...
// Each PATH gives OUT-N.png; a PATH of the form "scroll:PIXELS" scrolls the
// page before the next shot instead. Password from JINGUO_DEMO_PASSWORD.
import { chromium } from 'playwright-core';
const [base, user, lang, width, out, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const phone = Number(width) < 600;
const ctx = await browser.newContext({ baseURL: base, viewport: { width: Number(width), height: phone ? 844 : 900 }, locale: 'zh-CN', isMobile: phone, hasTouch: phone });
const page = await ctx.newPage();
if (user !== '-') {
  await page.goto('/login');
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', process.env.JINGUO_DEMO_PASSWORD || 'Demo-pass-2026');
  await Promise.all([page.waitForNavigation(), page.click('form button.primary[type="submit"]')]);
}
await page.goto(`/lang?set=${lang}&back=/`);
let i = 0;
for (const p of paths) {
  if (p.startsWith('scroll:')) {
    await page.evaluate((y) => window.scrollTo(0, y), Number(p.slice(7)));
    await page.waitForTimeout(200);
  } else {
    await page.goto(p);
    await page.waitForTimeout(300);
  }
  const sideways = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!/[\u1820-\u18AA]/.test(n.data) || el.closest('select, option, textarea, script, style, [hidden], .visually-hidden')) continue;
      if (getComputedStyle(el).writingMode === 'horizontal-tb' && el.getClientRects().length) {
        out.push(`${el.tagName.toLowerCase()}.${el.className}: ${n.data.trim().slice(0, 30)}`);
      }
    }
    return out;
  });
  if (sideways.length) console.log(`${p}: ${sideways.length} Mongolian texts on their side, e.g.\n  ${sideways.slice(0, 8).join('\n  ')}`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (wide > 0) console.log(`${p}: page is ${wide}px wider than the screen`);
  await page.screenshot({ path: `${out}-${i++}.png` });
}
await browser.close();
