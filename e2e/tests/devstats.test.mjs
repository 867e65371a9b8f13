// 发展党员统计: the school admin opens /development/stats from the nav, sees the charts (inline
// SVG) each followed by a table with the same numbers, filters by a unit, and screenshots it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('admin: development statistics with charts and tables', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    await page.goto('/development');
    await Promise.all([page.waitForURL(/\/development\/stats/), page.locator('nav a[href="/development/stats"]').click()]);
    assert.equal(await page.locator('h1').innerText(), '发展党员统计');
    // Four charts (funnel, categories, stage times; overrides when there are any), each drawn.
    const charts = page.locator('.chart svg');
    assert.ok((await charts.count()) >= 3, 'the charts render');
    assert.ok((await page.locator('.chart svg rect').count()) > 5, 'the charts have bars');
    // The funnel table's total equals the sum of its unit rows (open cases).
    const rows = page.locator('#funnel tbody tr');
    const n = await rows.count();
    assert.ok(n >= 2, 'units plus the total row');
    let sum = 0;
    for (let i = 0; i < n - 1; i++) sum += Number(await rows.nth(i).locator('td').nth(6).innerText());
    const total = Number(await rows.nth(n - 1).locator('th').nth(6).innerText());
    assert.equal(sum, total);
    assert.ok(total > 0, 'the demo has open cases');
    await shot(page, 'devstats');
    // Drill down into the first unit: its children become the rows.
    const first = page.locator('#funnel tbody tr td a').first();
    await Promise.all([page.waitForURL(/org=\d+/), first.click()]);
    assert.ok((await page.locator('.chart svg').count()) >= 3);
    // The xlsx export link is there.
    assert.equal(await page.locator('a[href^="/api/v1/development/stats.xlsx"]').count(), 1);
  } finally {
    await context.close();
  }
});
