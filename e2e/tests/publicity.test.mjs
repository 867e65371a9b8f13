// 公示 (R1.8): generate the notice of a demo case (an activist) through the form, see it on the
// notice board /notices and on the case's 公示 page, and screenshot the printable notice.

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

test('college: generate a 公示 on a demo case, the notice board, the print page', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    // Demo cases still in the activist stage can be publicised as prospective 发展对象.
    await page.goto('/development');
    const rows = page.locator('tbody tr');
    const n = await rows.count();
    assert.ok(n > 0, 'the 待办 list shows demo cases');
    const candidates = [];
    for (let i = 0; i < n; i++) {
      const stage = (await rows.nth(i).locator('td[data-label="阶段"]').innerText()).trim();
      const href = await rows.nth(i).locator('td[data-label="姓名"] a').getAttribute('href');
      if (stage.includes('入党积极分子') && href) candidates.push(href.split('?')[0]);
    }
    assert.ok(candidates.length > 0, 'some demo cases are activists');

    let title = '';
    let caseUrl = '';
    for (const href of candidates.slice(0, 15)) {
      // The case page links to its 公示 page.
      await page.goto(href);
      const link = page.locator(`#publicity a[href="${href}/publicity"]`);
      assert.equal(await link.count(), 1, 'the case page has a 公示 section');
      await Promise.all([page.waitForURL(/\/publicity(\?.*)?$/), link.click()]);
      const form = page.locator('#generate-form');
      if ((await form.count()) === 0) continue; // already has a notice
      await page.locator('#place').fill('学院党建活动室公告栏');
      await form.getByRole('button', { name: '生成公示' }).click();
      await page.waitForLoadState('load');
      if ((await page.locator('#generate-form .alert.error').count()) > 0) continue; // e.g. no activist date
      title = (await page.locator('main .card h2').first().innerText()).replace(/\s+(公示中|未开始|已结束).*$/, '').trim();
      caseUrl = href;
      break;
    }
    assert.ok(title.startsWith('关于拟确定') && title.endsWith('为发展对象的公示'), `a notice was generated: ${title}`);
    const text = await page.locator('.notice-text').innerText();
    assert.ok(text.includes('公示时间：') && text.includes('个工作日'), 'the text names the period in working days');
    assert.ok(text.includes('学院党建活动室公告栏'), 'the place is in the text');
    await shot(page, 'publicity-case');

    // The notice board lists it.
    await page.goto('/notices');
    const board = await page.locator('#notices tbody').innerText();
    assert.ok(board.includes(title), `the board lists the new notice: ${board.slice(0, 200)}`);
    await shot(page, 'publicity-board', { fullPage: false });

    // The printable page: no navigation, the title and the text.
    await page.goto(caseUrl + '/publicity');
    const printHref = await page.locator('#print-link').getAttribute('href');
    assert.ok(printHref && printHref.endsWith('/print'));
    await page.goto(printHref);
    assert.equal(await page.locator('header.top, nav').count(), 0, 'the print page has no navigation');
    assert.equal((await page.locator('h1').innerText()).trim(), title);
    await page.emulateMedia({ media: 'print' });
    await shot(page, 'publicity-print');
  } finally {
    await context.close();
  }
});
