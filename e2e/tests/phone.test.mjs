// The admin's dashboard and roster on a phone-sized screen (390×844).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, horizontalOverflow, PHONE } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('admin on a phone: dashboard and roster fit the screen width', async () => {
  const { context, page } = await login(browser, 'admin', { viewport: PHONE, mobile: true });
  try {
    await assert.doesNotReject(page.getByRole('heading', { name: '党员分类统计' }).waitFor());
    const chart = page.locator('svg[aria-label="党员分类统计图"]');
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 0 && box.x >= 0 && box.x + box.width <= PHONE.width + 1, `chart fits: ${JSON.stringify(box)}`);
    await shot(page, 'phone-home');
    const [homeW, vw] = await horizontalOverflow(page);
    assert.ok(homeW <= vw + 1, `dashboard does not scroll sideways (${homeW} > ${vw})`);

    await page.goto('/members');
    const first = page.locator('tbody tr').first();
    await first.waitFor();
    // Responsive tables turn rows into cards: the name cell is as wide as the screen allows.
    const nameBox = await first.locator('td[data-label="姓名"]').boundingBox();
    assert.ok(nameBox && nameBox.x + nameBox.width <= PHONE.width + 1, `name cell within the screen: ${JSON.stringify(nameBox)}`);
    await shot(page, 'phone-members', { fullPage: false });
    const [listW] = await horizontalOverflow(page);
    assert.ok(listW <= vw + 1, `roster does not scroll sideways (${listW} > ${vw})`);
  } finally {
    await context.close();
  }
});
