// Roster import through the browser: a clean CSV previews and commits; a CSV with one bad row
// shows the row's error and writes nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, login, shot, texts, makeIdCard, wrongCheckDigit, cnTag } from '../lib/helpers.mjs';

const HEADER = '姓名,性别,出生日期,身份证号,工号/学号,人员类别,所在党支部,党员类别,入党日期,转正日期';

let browser;
let dir;
before(async () => {
  browser = await launch();
  dir = mkdtempSync(path.join(tmpdir(), 'jiceng-e2e-'));
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A 党支部 whose name is unique in the admin's tree (so the CSV can name it), as { id, name }. */
async function uniqueBranch(page) {
  await page.goto('/orgs');
  const rows = await page.locator('table.tree tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      id: Number(tr.querySelector('td.name a').getAttribute('href').split('/').pop()),
      name: tr.querySelector('td.name a').textContent.trim(),
      kind: tr.querySelector('td[data-label="类型"]').textContent.trim(),
    })),
  );
  const seen = new Map();
  for (const r of rows) seen.set(r.name, (seen.get(r.name) || 0) + 1);
  // The last one: far from the demo college and branch that other tests log in to.
  const b = rows.findLast((r) => r.kind.startsWith('党支部') && seen.get(r.name) === 1);
  assert.ok(b, 'some 党支部 has a unique name');
  return b;
}

function isoDaysAgo(days) {
  const d = new Date(Date.now() - days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function csvRow(r) {
  return [r.name, r.gender, r.birth, r.id, r.staffNo, r.category, r.branch, r.status, r.joined, r.full ?? ''].join(',');
}

/** Uploads a file on /import and waits for the report. */
async function upload(page, file) {
  await page.goto('/import');
  await page.locator('#file').setInputFiles(file);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/import'),
    page.getByRole('button', { name: '上传并检查' }).click(),
  ]);
  await page.waitForLoadState();
  await assert.doesNotReject(page.getByRole('heading', { name: '检查结果' }).waitFor());
}

/** Names found by a roster search. */
async function rosterNames(page, q) {
  await page.goto(`/members?q=${encodeURIComponent(q)}`);
  return texts(page.locator('td[data-label="姓名"]'));
}

test('admin: import a 2-row CSV — preview, confirm, imported', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    const branch = await uniqueBranch(page);
    const tag = cnTag(3);
    const rows = [
      {
        name: `导入甲${tag}`, gender: '男', birth: '1985-05-05', id: makeIdCard('1985-05-05', true),
        staffNo: `E2ET${Date.now() % 1e6}`, category: '教师', branch: branch.name,
        status: '正式党员', joined: '2010-07-01', full: '2011-07-01',
      },
      {
        name: `导入乙${tag}`, gender: '女', birth: '2004-09-09', id: makeIdCard('2004-09-09', false),
        staffNo: `E2ES${Date.now() % 1e6}`, category: '学生', branch: branch.name,
        status: '预备党员', joined: isoDaysAgo(60),
      },
    ];
    const file = path.join(dir, 'members-ok.csv');
    writeFileSync(file, [HEADER, ...rows.map(csvRow)].join('\n') + '\n', 'utf8');

    await upload(page, file);
    const card = page.locator('.card', { has: page.getByRole('heading', { name: '检查结果' }) });
    assert.ok((await card.innerText()).includes('共 2 行，无误 2 行，有错误 0 行'), await card.innerText());
    const preview = card.locator('h2:has-text("预览") + .table-wrap tbody tr');
    assert.equal(await preview.count(), 2, 'preview shows 2 rows');
    assert.deepEqual(await texts(preview.locator('td[data-label="姓名"]')), rows.map((r) => r.name));
    assert.deepEqual(await texts(preview.locator('td[data-label="党支部"]')), [branch.name, branch.name]);
    assert.deepEqual(await texts(preview.locator('td[data-label="行"]')), ['2', '3']);
    const confirm = page.getByRole('button', { name: /确认导入/ });
    assert.equal((await confirm.innerText()).trim(), '确认导入 2 行');
    await shot(page, 'import-preview');

    // Nothing is written before the confirmation (checked in a second tab of the same session).
    const tab = await context.newPage();
    assert.deepEqual(await rosterNames(tab, rows[0].name), [], 'not imported before 确认导入');
    await tab.close();

    await Promise.all([page.waitForURL(/\/import\/commit$/), confirm.click()]);
    await assert.doesNotReject(page.locator('.alert.ok', { hasText: '已导入 2 名党员' }).waitFor());
    await shot(page, 'import-done');

    for (const r of rows) {
      await page.goto(`/members?q=${encodeURIComponent(r.name)}`);
      assert.deepEqual(await texts(page.locator('td[data-label="姓名"]')), [r.name], `${r.name} is in the roster`);
      assert.deepEqual(await texts(page.locator('td[data-label="所在组织"]')), [branch.name]);
      // Lists mask the 身份证号 (first 3 and last 4 characters stay).
      assert.deepEqual(await texts(page.locator('td[data-label="身份证号"]')), [`${r.id.slice(0, 3)}${'*'.repeat(11)}${r.id.slice(-4)}`]);
      assert.deepEqual(await texts(page.locator('td[data-label="党员类别"]')), [r.status]);
    }
  } finally {
    await context.close();
  }
});

test('admin: a CSV with one bad row shows the row error and imports nothing', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    const branch = await uniqueBranch(page);
    const tag = cnTag(3);
    const goodId = makeIdCard('1988-08-08', true);
    const badBase = makeIdCard('1992-02-02', false).slice(0, 17);
    const rows = [
      {
        name: `导入丙${tag}`, gender: '男', birth: '1988-08-08', id: goodId, staffNo: `E2EB${Date.now() % 1e6}`,
        category: '职工', branch: String(branch.id), status: '正式党员', joined: '2012-07-01', full: '2013-07-01',
      },
      {
        name: `导入丁${tag}`, gender: '女', birth: '1992-02-02', id: badBase + wrongCheckDigit(badBase),
        staffNo: '', category: '教师', branch: branch.name, status: '正式党员', joined: '2016-07-01', full: '2017-07-01',
      },
    ];
    const file = path.join(dir, 'members-bad.csv');
    // With a UTF-8 BOM and CRLF, as Excel saves a CSV.
    writeFileSync(file, '\uFEFF' + [HEADER, ...rows.map(csvRow)].join('\r\n') + '\r\n', 'utf8');

    await upload(page, file);
    const card = page.locator('.card', { has: page.getByRole('heading', { name: '检查结果' }) });
    const text = await card.innerText();
    assert.ok(text.includes('共 2 行，无误 1 行，有错误 1 行'), text);
    assert.ok(text.includes('本次未写入任何数据'), text);
    const errRows = card.locator('.table-wrap tbody tr');
    assert.equal(await errRows.count(), 1, 'one error row');
    assert.equal((await errRows.locator('td[data-label="行"]').innerText()).trim(), '3', 'error on line 3 (header is line 1)');
    assert.equal((await errRows.locator('td[data-label="列"]').innerText()).trim(), '身份证号');
    const msg = await errRows.locator('td[data-label="问题"]').innerText();
    assert.ok(msg.includes('第3行') && msg.includes('身份证号校验位错误'), msg);
    assert.equal(await page.getByRole('button', { name: /确认导入/ }).count(), 0, 'no 确认导入 button');
    await shot(page, 'import-errors');

    // Not even the good row was written.
    assert.deepEqual(await rosterNames(page, rows[0].name), []);
    assert.deepEqual(await rosterNames(page, goodId.slice(-8)), []);
  } finally {
    await context.close();
  }
});
