/**
 * The backtest report of the sample dataset, rendered in headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core): no console error, no request leaves the file (echarts is inlined), every chart has its
 * canvas, and a screenshot is written to reports/test-screenshots/ for a human to look at.
 * Skips, saying why, only when /usr/bin/chromium is not installed (CI installs it).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBacktestConfig } from '../../../shared/backtest/backtest-config.js';
import { runReplay } from '../../../shared/backtest/replay.js';
import { loadRecording } from '../../../shared/recording/recording-reader.js';
import { writeReport } from '../../../shared/reports/write-report.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED report rendering test: ${CHROMIUM} is not installed (apt-get install -y --no-install-recommends chromium)`);

const out = mkdtempSync(join(tmpdir(), 'report-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('HTML report in headless Chromium', () => {
  it.skipIf(!hasChromium)('renders every chart offline with no console error, and screenshots', async () => {
    const rec = await loadRecording(['data/sample']);
    const result = await runReplay({ lines: rec.lines, config: loadBacktestConfig('config'), reportTitle: 'Sample backtest' });
    const { html, json } = await writeReport(out, 'sample', result.report!);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as { fills: number; total: { net: string } };
    expect(summary.fills).toBe(result.fills.length);
    expect(summary.total.net).toBe((result.performance.total as { net: string }).net);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const foreign: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) foreign.push(r.url());
      });
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector('body[data-charts-ready]', { timeout: 20_000 });
      const charts = await page.$$eval('[data-chart]', (els) => els.map((el) => ({ id: el.id, canvases: el.querySelectorAll('canvas').length, h: el.getBoundingClientRect().height })));
      expect(charts.length).toBeGreaterThanOrEqual(8);
      for (const c of charts) expect(c, c.id).toMatchObject({ canvases: 1 });
      expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['chart-equity', 'chart-drawdown', 'chart-exposure-market', 'chart-exposure-game', 'chart-price-0', 'chart-pnl-strategy', 'chart-pnl-sport', 'chart-risk']));
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
      mkdirSync('reports/test-screenshots', { recursive: true });
      const png = 'reports/test-screenshots/backtest-report.png';
      await page.screenshot({ path: png, fullPage: true });
      expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(statSync(png).size).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
