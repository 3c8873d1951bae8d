/**
 * Writes a report: `<dir>/<name>.html` (self-contained, charts) and `<dir>/<name>.json` (the summary).
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtmlReport } from './html-report.js';
import type { ReportData } from './report-model.js';

export interface WrittenReport {
  html: string;
  json: string;
}

export async function writeReport(dir: string, name: string, data: ReportData): Promise<WrittenReport> {
  mkdirSync(dir, { recursive: true });
  const html = join(dir, `${name}.html`);
  const json = join(dir, `${name}.json`);
  await writeFile(html, renderHtmlReport(data));
  await writeFile(json, JSON.stringify(data.summary, null, 2) + '\n');
  return { html, json };
}
