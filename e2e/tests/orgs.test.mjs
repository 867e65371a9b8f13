// The org tree as the university admin sees it: colleges with counts, then a college, then a branch.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, texts } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Rows of the /orgs tree as { id, name, kind, full, prob, total }. */
async function treeRows(page) {
  return page.locator('table.tree tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const a = tr.querySelector('td.name a');
      const cell = (l) => tr.querySelector(`td[data-label="${l}"]`)?.textContent.trim() ?? '';
      return {
        id: Number(a.getAttribute('href').split('/').pop()),
        name: a.textContent.trim(),
        kind: cell('类型'),
        full: Number(cell('正式党员')),
        prob: Number(cell('预备党员')),
        total: Number(cell('合计')),
      };
    }),
  );
}

test('admin: org tree lists 院级党委 with counts; drill into a college and a branch', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    const dashTotal = Number((await page.locator('.kpis .kpi').first().locator('b').innerText()).trim());
    await page.getByRole('link', { name: '组织', exact: true }).click();
    await page.waitForURL(/\/orgs$/);
    await assert.doesNotReject(page.getByRole('heading', { name: '组织树' }).waitFor());

    const rows = await treeRows(page);
    assert.ok(rows.length > 100, `the demo tree has many orgs (${rows.length})`);
    const root = rows[0];
    assert.equal(root.kind, '校党委');
    assert.equal(root.total, dashTotal, 'root total = dashboard 党员总数');
    for (const r of rows) {
      assert.ok(Number.isInteger(r.full) && Number.isInteger(r.prob), `numeric counts for ${r.name}`);
      assert.equal(r.total, r.full + r.prob, `合计 of ${r.name}`);
    }
    const colleges = rows.filter((r) => r.kind === '院级党委');
    assert.ok(colleges.length >= 2, 'several 院级党委');
    const inColleges = colleges.reduce((s, c) => s + c.total, 0);
    assert.ok(inColleges > 0 && inColleges <= root.total, 'colleges hold part of the root total');
    await shot(page, 'orgs-tree', { fullPage: false });

    // Into the first college.
    const college = colleges[0];
    await page.locator(`table.tree td.name a[href="/orgs/${college.id}"]`).click();
    await page.waitForURL(new RegExp(`/orgs/${college.id}$`));
    const h1 = page.locator('main h1');
    assert.ok((await h1.innerText()).startsWith(college.name));
    assert.ok((await texts(h1.locator('.tag'))).includes('院级党委'));
    assert.ok((await page.locator('main p.muted').first().innerText()).includes(root.name), 'breadcrumb has the root');
    const kv = await page.locator('dl.kv').first().innerText();
    assert.ok(kv.includes(`正式 ${college.full} 名，预备 ${college.prob} 名`), `counts as in the tree: ${kv}`);
    await shot(page, 'org-college');

    // Into a branch: directly under the college, or under one of its 党总支.
    const children = page.locator('h2:has-text("下级组织") + .table-wrap tbody tr');
    let branchRow = children.filter({ has: page.locator('td[data-label="类型"]', { hasText: /^党支部/ }) }).first();
    if ((await branchRow.count()) === 0) {
      await children.first().locator('a').first().click();
      await page.waitForLoadState();
      branchRow = children.filter({ has: page.locator('td[data-label="类型"]', { hasText: /^党支部/ }) }).first();
    }
    const branchName = (await branchRow.locator('a').first().innerText()).trim();
    await branchRow.locator('a').first().click();
    await page.waitForURL(/\/orgs\/\d+$/);
    assert.ok((await h1.innerText()).startsWith(branchName));
    assert.ok((await texts(h1.locator('.tag'))).includes('党支部'));
    assert.ok((await page.locator('main p.muted').first().innerText()).includes(college.name), 'breadcrumb has the college');
    await assert.doesNotReject(page.getByRole('heading', { name: '委员会（班子成员）' }).waitFor());
    // Writers get the edit form and the committee form.
    await assert.doesNotReject(page.getByRole('button', { name: '增加班子成员' }).waitFor());
    await assert.doesNotReject(page.getByRole('heading', { name: '修改' }).waitFor());
    await shot(page, 'org-branch');

    // Its roster link lists members of this branch.
    await page.getByRole('link', { name: '查看名册' }).click();
    await page.waitForURL(/\/members\?org=\d+/);
    assert.ok((await page.locator('main h1').innerText()).includes(branchName));
    const orgs = await texts(page.locator('td[data-label="所在组织"]'));
    assert.ok(orgs.length > 0);
    for (const o of orgs) assert.ok(o.startsWith(branchName), `${o} is in ${branchName}`);
  } finally {
    await context.close();
  }
});

test('admin: the tree can be viewed as of a past date', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    await page.goto('/orgs');
    const now = (await treeRows(page)).length;
    await page.locator('#as_of').fill('2000-01-01');
    await page.getByRole('button', { name: '查看' }).click();
    await page.waitForURL(/as_of=2000-01-01/);
    assert.ok((await page.locator('main h1').innerText()).includes('2000-01-01 时'));
    const then = (await treeRows(page)).length;
    assert.ok(then <= now, `no more orgs in 2000 (${then}) than today (${now})`);
    await assert.doesNotReject(page.getByRole('link', { name: '回到当前' }).waitFor());
  } finally {
    await context.close();
  }
});
