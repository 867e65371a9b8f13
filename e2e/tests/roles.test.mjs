// Each demo role logs in and sees its own scope; read-only and out-of-scope limits hold in the UI.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, texts, whoText, ROLE_LABELS } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** What kind of org each role's scope is (first row of its /orgs tree). */
const SCOPE_KIND = {
  admin: (t) => t === '校党委',
  college: (t) => t === '院级党委',
  inspector: (t) => t === '院级党委',
  branch: (t) => t.startsWith('党支部'),
  member: (t) => t.startsWith('党支部'),
};

/** The dashboard's KPI tiles as { label: number }. */
async function kpis(page) {
  const out = {};
  for (const k of await page.locator('.kpis .kpi').all()) {
    const n = Number((await k.locator('b').innerText()).trim());
    out[(await k.locator('span').innerText()).trim()] = n;
  }
  return out;
}

for (const role of Object.keys(ROLE_LABELS)) {
  test(`dashboard of ${role} shows its scope and role label`, async () => {
    const { context, page } = await login(browser, role);
    try {
      const who = await whoText(page);
      // "姓名（角色）", or just the role when the account's name is the role itself.
      assert.ok(who.endsWith(`（${ROLE_LABELS[role]}）`) || who === ROLE_LABELS[role], `header shows the role label: ${who}`);

      const scope = (await page.locator('main h1').first().innerText()).trim();
      assert.ok(scope.length > 0, 'scope name is the page heading');

      const k = await kpis(page);
      const total = k['党员总数'];
      assert.ok(Number.isInteger(total) && total > 0, `党员总数 is a positive number: ${JSON.stringify(k)}`);
      assert.equal(total, k['正式党员'] + k['预备党员'], '党员总数 = 正式 + 预备');

      // 党员分类统计: the SVG chart and its table with the four person categories and a total.
      const chart = page.locator('.card.chart');
      await assert.doesNotReject(chart.getByRole('heading', { name: '党员分类统计' }).waitFor());
      assert.equal(await chart.locator('svg[aria-label="党员分类统计图"]').count(), 1, 'bar chart present');
      const cats = await texts(chart.locator('tbody tr td:first-child'));
      assert.deepEqual(cats, ['教师', '学生', '职工', '离退休']);
      const totalCell = (await chart.locator('tbody tr:last-child th').last().innerText()).trim();
      assert.equal(Number(totalCell), total, 'table total = 党员总数');
      await assert.doesNotReject(page.getByRole('heading', { name: /问题提醒/ }).first().waitFor());

      if (role === 'admin') {
        assert.ok(k['院级党委'] > 1, 'the whole university has several 院级党委');
        assert.ok(k['党支部'] > 10);
      } else if (role === 'college' || role === 'inspector') {
        assert.equal(k['院级党委'], 1, 'one college in scope');
      } else {
        assert.equal(k['院级党委'], undefined, 'no college in a branch scope');
        assert.equal(k['党支部'], 1, 'one branch in scope');
      }
      if (role === 'member') assert.equal(total, 1, 'a member counts only themself');

      await shot(page, `home-${role}`);

      // The scope named on the dashboard is the root of this user's org tree.
      await page.goto('/orgs');
      const first = page.locator('table.tree tbody tr').first();
      assert.equal((await first.locator('td.name a').innerText()).trim(), scope, 'tree root = dashboard scope');
      const kind = (await first.locator('td[data-label="类型"]').innerText()).trim();
      assert.ok(SCOPE_KIND[role](kind), `scope kind for ${role}: ${kind}`);
    } finally {
      await context.close();
    }
  });
}

test('branch admin: an org outside the branch is a 404, the roster holds only the branch', async () => {
  const { context, page } = await login(browser, 'branch');
  try {
    const branch = (await page.locator('main h1').first().innerText()).trim();
    const dashTotal = Number((await page.locator('.kpis .kpi').first().locator('b').innerText()).trim());

    // The university committee (id 1, the root admin sees) is out of scope: looks like it does not exist.
    const resp = await page.goto('/orgs/1');
    assert.equal(resp.status(), 404);
    await assert.doesNotReject(page.getByRole('heading', { name: '页面不存在' }).waitFor());
    await shot(page, 'branch-404');

    await page.goto('/members');
    const heading = (await page.locator('main h1').innerText()).trim();
    const m = heading.match(/（(\d+) 人）/);
    assert.ok(m, `roster heading has a count: ${heading}`);
    assert.equal(Number(m[1]), dashTotal, 'roster count = dashboard total');
    const orgs = await texts(page.locator('td[data-label="所在组织"]'));
    assert.ok(orgs.length > 0, 'roster is not empty');
    for (const o of orgs) assert.ok(o.startsWith(branch), `row in ${o} belongs to ${branch}`);
    await shot(page, 'members-branch');
  } finally {
    await context.close();
  }
});

test('inspector is read-only: no 新增党员, no 导入 link, /import refused', async () => {
  const { context, page } = await login(browser, 'inspector');
  try {
    const nav = page.locator('header nav');
    assert.equal(await nav.getByRole('link', { name: '导入', exact: true }).count(), 0, 'no 导入 in nav');
    assert.equal(await nav.getByRole('link', { name: '账号', exact: true }).count(), 0, 'no 账号 in nav');
    assert.equal(await nav.getByRole('link', { name: '审计', exact: true }).count(), 1, 'inspector may read 审计');

    await page.goto('/members');
    assert.ok((await page.locator('td[data-label="姓名"]').count()) > 0, 'inspector reads the roster');
    assert.equal(await page.getByRole('link', { name: '新增党员' }).count(), 0, 'no 新增党员 button');
    assert.equal(await page.getByRole('link', { name: '导出 Excel' }).count(), 1, 'export stays available');

    // A profile has no edit/transfer forms.
    await page.locator('td[data-label="姓名"] a').first().click();
    await page.waitForURL(/\/members\/\d+$/);
    assert.equal(await page.getByRole('link', { name: '修改信息' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: '转接' }).count(), 0);

    const resp = await page.goto('/import');
    assert.equal(resp.status(), 403);
    await assert.doesNotReject(page.getByRole('heading', { name: '无权操作' }).waitFor());
  } finally {
    await context.close();
  }
});
