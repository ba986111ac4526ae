// Drives the web console of `rampart serve` in headless Chromium and checks what it shows
// against the API and the CLI on the same database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { cleanUp, run, seed, serve } from './support.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 15000;

let seeded;
let server;
let browser;
let page;
const pageErrors = [];

// Calls the API with the admin token.
async function api(method, path, body) {
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: `Bearer ${seeded.adminToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

// Returns every finding that matches, following NextToken.
async function allFindings(filters = {}) {
  const findings = [];
  let token;
  do {
    const page = await api('POST', '/v1/findings/query', { Filters: filters, MaxResults: 100, NextToken: token });
    findings.push(...page.Findings);
    token = page.NextToken;
  } while (token);
  return findings;
}

// Waits until the page of `hash` has rendered: main carries the hash it rendered last.
async function rendered(hash) {
  await page.waitForFunction((target) => {
    const main = document.querySelector('main');
    return main.dataset.ready === 'true' && main.dataset.rendered === target;
  }, hash, { timeout: TIMEOUT });
}

async function open(hash, name) {
  await page.evaluate((target) => { location.hash = target; }, hash);
  await rendered(hash);
  assert.equal(await page.getAttribute('main', 'data-page'), name);
}

async function signIn(token) {
  await page.fill('#token', token);
  await page.click('#sign-in button[type=submit]');
}

describe('rampart console', () => {
  before(async () => {
    seeded = seed();
    server = await serve(seeded);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage();
    page.on('console', (message) => {
      // Chromium logs every 4xx response as an error; the tests cause 401 and 403 on purpose.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        pageErrors.push(message.text());
      }
    });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`${server.url}/`);
  });

  after(async () => {
    if (browser) {
      await browser.close();
    }
    cleanUp(seeded, server);
  });

  test('a wrong token shows the error', async () => {
    await page.waitForSelector('main[data-page="sign-in"][data-ready="true"]');
    await signIn('rmp_not-a-real-token');
    const error = await page.waitForSelector('#sign-in .error', { timeout: TIMEOUT });
    const text = await error.textContent();
    assert.match(text, /401/);
    assert.match(text, /unknown or revoked/);
    assert.equal(await page.isHidden('#nav'), true);
  });

  test('sign-in opens the overview', async () => {
    await signIn(seeded.adminToken);
    await page.waitForSelector('main[data-page="overview"][data-ready="true"]', { timeout: TIMEOUT });
    assert.equal(await page.isVisible('#nav'), true);
    const stored = await page.evaluate(() => sessionStorage.getItem('rampart.token'));
    assert.equal(stored, seeded.adminToken);
  });

  test('charts have one mark per group', async () => {
    const series = await api('GET', '/v1/findings/severity-series');
    assert.ok(series.Buckets.length > 0);
    assert.equal(await page.locator('#severity-over-time g.bucket').count(), series.Buckets.length);
    const totals = await page.locator('#severity-over-time g.bucket')
      .evaluateAll((nodes) => nodes.map((node) => Number(node.dataset.total)));
    assert.deepEqual(totals, series.Buckets.map((bucket) => bucket.Total));
    // Findings before the newest 60 months are counted in a note under the chart.
    const note = page.locator('#series-earlier');
    assert.equal(await note.count(), series.EarlierTotal ? 1 : 0);
    if (series.EarlierTotal) {
      assert.match(await note.textContent(), new RegExp(`^${series.EarlierTotal} findings before `));
    }

    const types = await api('POST', '/v1/findings/group-by', { GroupByAttribute: 'ResourceType' });
    assert.ok(types.ResultValues.length > 1);
    const bars = await page.locator('#by-resource-type g.bar')
      .evaluateAll((nodes) => nodes.map((node) => [node.dataset.label, Number(node.dataset.value)]));
    assert.deepEqual(bars, types.ResultValues.map((value) => [value.GroupByAttributeValue, value.Count]));
  });

  test('findings table shows the stored count and filters by severity', async () => {
    const all = await allFindings();
    await open('#/findings', 'findings');
    assert.equal(await page.textContent('#finding-count'), `${all.length} findings`);
    assert.equal(await page.locator('#findings-table tbody tr').count(), Math.min(50, all.length));

    const high = await allFindings({ SeverityLabel: [{ Value: 'HIGH', Comparison: 'EQUALS' }] });
    assert.ok(high.length > 0, 'no HIGH findings were seeded');
    assert.ok(high.length < all.length, 'every seeded finding is HIGH');
    await page.selectOption('#filter-severity', 'HIGH');
    await page.waitForSelector(`#finding-count[data-count="${high.length}"]`, { timeout: TIMEOUT });
    await page.waitForSelector('main[data-page="findings"][data-ready="true"]');
    const labels = await page.locator('#findings-table tbody tr td:first-child')
      .evaluateAll((cells) => cells.map((cell) => cell.textContent));
    assert.equal(labels.length, Math.min(50, high.length));
    assert.ok(labels.every((label) => label === 'HIGH'));
  });

  test('sorting by title matches the API order', async () => {
    await page.click('a.sort[data-sort="Title"]');
    await rendered('#/findings?severity=HIGH&sort=Title&order=asc');
    const expected = await api('POST', '/v1/findings/query', {
      Filters: { SeverityLabel: [{ Value: 'HIGH', Comparison: 'EQUALS' }] },
      SortCriteria: [{ Field: 'Title', SortOrder: 'asc' }], MaxResults: 50,
    });
    const ids = await page.locator('#findings-table tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.dataset.id));
    assert.deepEqual(ids, expected.Findings.map((finding) => finding.Id));
    const titles = expected.Findings.map((finding) => finding.Title);
    for (let index = 1; index < titles.length; index += 1) {
      assert.ok(titles[index - 1] <= titles[index], `${titles[index - 1]} sorts after ${titles[index]}`);
    }
  });

  test('a finding shows its history', async () => {
    const notified = await allFindings({ WorkflowStatus: [{ Value: 'NOTIFIED', Comparison: 'EQUALS' }] });
    assert.ok(notified.length > 0, 'the notify-cis-failures rule should have updated a finding');
    const finding = notified[0];
    const history = await api('GET', `/v1/findings/history?ProductArn=${encodeURIComponent(finding.ProductArn)}&Id=${encodeURIComponent(finding.Id)}`);
    const changes = history.Records.reduce((sum, record) =>
      sum + record.Updates.length + (record.FindingCreated ? 1 : 0), 0);
    await open(`#/finding?arn=${encodeURIComponent(finding.ProductArn)}&id=${encodeURIComponent(finding.Id)}`, 'finding');
    assert.equal(await page.locator('#finding-history tbody tr').count(), changes);
    const rows = await page.locator('#finding-history tbody tr')
      .evaluateAll((nodes) => nodes.map((node) => node.textContent));
    assert.ok(rows.some((row) => row.includes('Workflow.Status') && row.includes('NOTIFIED')), rows.join('\n'));
    const fields = await page.locator('dl.fields dt').evaluateAll((terms) =>
      Object.fromEntries(terms.map((term) => [term.textContent, term.nextElementSibling.textContent])));
    assert.equal(fields.Id, finding.Id);
    assert.equal(fields.Workflow, 'NOTIFIED');
  });

  test('compliance numbers equal the CLI', async () => {
    const cli = JSON.parse(run(['compliance', 'summary', '--db', seeded.db, '--output', 'json']));
    await open('#/compliance', 'compliance');
    for (const standard of cli) {
      const row = page.locator(`#compliance-table tr[data-standard="${standard.standard}"]`);
      const cell = (field) => row.locator(`td[data-field="${field}"]`).textContent();
      assert.equal(await cell('passed'), String(standard.passed), standard.standard);
      assert.equal(await cell('failed'), String(standard.failed), standard.standard);
      assert.equal(await cell('noData'), String(standard.noData), standard.standard);
      const score = standard.score === null ? '-' : `${(standard.score * 100).toFixed(1)}%`;
      assert.equal(await cell('score'), score, standard.standard);
    }
    assert.ok(cli.some((standard) => standard.failed > 0));
  });

  test('approving a remediation changes its state', async () => {
    const waiting = await api('GET', '/v1/remediations?state=AWAITING_APPROVAL');
    assert.ok(waiting.Remediations.length > 0, 'the approval rule should have planned a record');
    const id = waiting.Remediations[0].Id;
    await open('#/remediations', 'remediations');
    assert.equal(await page.textContent('#awaiting-count'),
      `${waiting.Remediations.length} awaiting approval`);
    await page.click(`button.approve[data-id="${id}"]`);
    await page.waitForSelector(`#remediations-table tr[data-id="${id}"][data-state="PLANNED"]`, { timeout: TIMEOUT });
    const record = await api('GET', `/v1/remediations/${id}`);
    assert.equal(record.State, 'PLANNED');
    assert.equal(record.ApprovedBy, 'e2e-admin');
    assert.equal(await page.textContent(`#remediations-table tr[data-id="${id}"] td:last-child`),
      'Approved by e2e-admin');
    if (waiting.Remediations.length > 1) {
      const other = waiting.Remediations[1].Id;
      await page.click(`button.reject[data-id="${other}"]`);
      const row = `#remediations-table tr[data-id="${other}"][data-state="REJECTED"]`;
      await page.waitForSelector(row, { timeout: TIMEOUT });
      assert.equal(await page.textContent(`${row} td:last-child`), 'Rejected by e2e-admin');
    }
  });

  test('a GitOps remediation shows its diff', async () => {
    const records = await api('GET', '/v1/remediations?rule=bump-payments-image');
    const withDiff = records.Remediations.find((record) => record.Diff);
    assert.ok(withDiff, 'the bump-payments-image rule should have made a commit');
    await page.click(`#remediations-table tr[data-id="${withDiff.Id}"] button.link`);
    const diff = page.locator(`#remediations-table tr[data-id="${withDiff.Id}"] + tr pre.diff`);
    await diff.waitFor({ state: 'visible', timeout: TIMEOUT });
    assert.equal(await diff.textContent(), withDiff.Diff.split('\n').map((line) => `${line}\n`).join(''));
    const added = withDiff.Diff.split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++'));
    assert.ok(added.some((line) => line.includes('payments:2.4.2')));
    assert.equal(await diff.locator('.line.added').count(), added.length);
  });

  test('the audit page lists entries and verifies', async () => {
    const report = await api('GET', '/v1/audit/verify');
    await open('#/audit', 'audit');
    const banner = page.locator('#audit-verify[data-valid="true"]');
    assert.match(await banner.textContent(), new RegExp(`${report.Entries} entries`));
    assert.equal(await page.locator('#audit-table tbody tr').count(), Math.min(200, report.Entries));
    const newest = await page.locator('#audit-table tbody tr').first().locator('td').nth(3).textContent();
    assert.equal(newest, 'remediation.approved');
  });

  test('the anomaly chart has one point per scored row', async () => {
    const scores = await api('GET', '/v1/models/load/scores');
    await open('#/anomalies?model=load', 'anomalies');
    const line = page.locator('#anomaly-chart polyline.series');
    assert.equal(Number(await line.getAttribute('data-points')), scores.Points.length);
    const coordinates = (await line.getAttribute('points')).trim().split(/\s+/);
    assert.equal(coordinates.length, scores.Points.length);
    const above = scores.Points.filter((point) => point.Score > scores.Threshold).length;
    assert.equal(await page.locator('#anomaly-chart circle.anomaly').count(), above);
    const highest = scores.Points.reduce((best, point, index) =>
      (point.Score > scores.Points[best].Score ? index : best), 0);
    assert.ok(highest >= 400, `highest score at row ${highest}, before the burst`);
    assert.ok(highest < 410, `highest score at row ${highest}, after the burst`);
  });

  test('a token without the scope shows access denied', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('main[data-page="sign-in"][data-ready="true"]');
    await signIn(seeded.readToken);
    await page.waitForSelector('main[data-page="overview"][data-ready="true"]', { timeout: TIMEOUT });
    await open('#/audit', 'audit');
    const error = await page.textContent('#error');
    assert.match(error, /Access denied/);
    assert.match(error, /403/);
    assert.match(error, /admin scope/);
  });

  test('the page loaded without script or policy errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
