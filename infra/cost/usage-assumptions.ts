/**
 * What the template cannot say: how much the stack is used. Every volume the estimate needs and does not read
 * from the synthesized template is here, with its reason; change one and the command's output follows.
 */
export const USAGE = {
  /** Custom metrics published every minute of the month (EMF, no dimensions; the rest are event-only). */
  alwaysOnCustomMetrics: {
    bot: ['venue.rest.requests', 'venue.ws.down_seconds', 'risk.positions_over_limit'],
    functions: ['reconciler.drift', 'odds_poller.fanned_out', 'odds_poller.snapshots', 'odds_poller.updates'],
  },
  /** Counters published only in the minutes they count (errors, trips, drift, waiting): share of the month. */
  eventOnlyCustomMetrics: {
    names: ['venue.rest.errors', 'venue.wire_drift', 'risk.daily_loss_limit_hit', 'persistence.write_failures', 'persistence.dropped', 'bot.waiting_for_credentials', 'daily_reset.completed', 'reporter.reports'],
    shareOfMonth: 0.05,
  },
  /** Bot log volume (info level, status line a minute, EMF every 10 s), GB a month. */
  botLogsGb: 0.4,
  /** Per Lambda invocation (START/END/REPORT + JSON lines), KB. */
  lambdaLogKbPerInvocation: 1.5,
  /** VPC flow logs (REJECT only: scans of the task's public IP), GB a month. */
  flowLogsGb: 0.2,
  /** Bot GetSecretValue: two secrets every CREDENTIALS_ROTATION_POLL_MS (60 s). */
  botSecretReadsPerMonth: 2 * 43_200,
  /** Average Lambda duration, seconds, per job (scheduled run); the odds poller's fan-out worker separately. */
  lambdaSeconds: { 'odds-poller': 0.2, reconciler: 1.5, 'daily-reset': 0.5, reporter: 3 } as Record<string, number>,
  oddsWorkerSeconds: 1.2,
  /** Leagues polled (one fan-out message and worker run per league per poll). */
  leagues: 1,
  /** DynamoDB writes per odds poll per league (snapshots), lease renewals every 10 s, other writes a month. */
  oddsSnapshotWritesPerLeaguePoll: 10,
  leaseWritesPerMonth: 259_200,
  otherDynamoWritesPerMonth: 100_000,
  dynamoReadsPerMonth: 500_000,
  /** SQS: the bot long-polls two queues (20 s), plus send/receive/delete per message. */
  sqsBotPollsPerMonth: 2 * 3 * 43_200,
  sqsRequestsPerMessage: 3,
  /** S3: recordings and reports stored (GB, steady state of the first tier) and PUTs a month. */
  s3Gb: 3,
  s3PutsPerMonth: 20_000,
  /** The bot image in ECR, GB. */
  ecrGb: 0.25,
} as const;
