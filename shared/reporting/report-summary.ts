/** The short text of a daily report, for the SNS summary (subject ≤ 100 ASCII characters). */
import { renderShadowPanelSummary } from '../shadow/panel-render.js';
import type { DailyReport } from './daily-report.js';

export function reportSummary(report: DailyReport, location?: string): { subject: string; message: string } {
  const t = report.totals;
  const subject = `Daily report ${report.day}: net realized ${t.netRealizedPnl} USD, ${t.fills} fills`;
  const lines = [
    `Trading day ${report.day} (America/New_York)`,
    `Fills: ${t.fills} (${t.contracts} contracts; maker ${t.makerFills}, taker ${t.takerFills}), volume ${t.volume} USD`,
    `Realized PnL: ${t.realizedPnl} USD; fees ${t.feesPaid}, rebates ${t.rebates}, net ${t.netRealizedPnl} USD`,
    `Unrealized PnL (executable marks: bid for a long, 1 − ask for a short, less the taker fee): ${t.unrealizedPnl} USD over ${t.openPositions} open position(s)`,
    `Total: ${t.totalPnl} USD`,
    `At mid (for reference only): unrealized ${t.unrealizedPnlAtMid} USD, total ${t.totalPnlAtMid} USD`,
  ];
  const strategies = Object.entries(report.byStrategy);
  if (strategies.length) {
    lines.push('By strategy:');
    for (const [name, g] of strategies) {
      lines.push(
        `  ${name}: ${g.fills} fills (maker ${g.makerFills}, taker ${g.takerFills}); realized before fees ${g.realizedPnl}, ` +
          `fees paid ${g.feesPaid}, rebates received ${g.rebates}, net fees ${g.netFees}, after fees ${g.netRealizedPnl} USD`,
      );
    }
  }
  const sports = Object.entries(report.bySport);
  if (sports.length) {
    lines.push('By sport:');
    for (const [name, g] of sports) lines.push(`  ${name}: ${g.fills} fills, net realized ${g.netRealizedPnl} USD, unrealized ${g.unrealizedPnl} USD (at mid ${g.unrealizedPnlAtMid})`);
  }
  if (report.riskDayRealizedPnl !== null) lines.push(`Risk-day counter (incl. settlements): ${report.riskDayRealizedPnl} USD`);
  if (report.shadow) lines.push(...renderShadowPanelSummary(report.shadow));
  if (location) lines.push(`Full report: ${location}`);
  return { subject: subject.slice(0, 100), message: lines.join('\n') };
}
