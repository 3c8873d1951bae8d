/**
 * Entry of the Fargate item task (containers/sweep-item/Dockerfile): a research sweep item on a day too large
 * for the item Lambda, run by the state machine's RunTask with the item in SWEEP_ITEM (run-sweep-item.ts).
 * Logs are JSON lines on stdout, metrics one CloudWatch embedded-metric document at the end.
 *
 * Environment (set by the infra): RESULTS_BUCKET, RECORDINGS_BUCKET, RECORDINGS_PREFIX, SWEEP_ITEM,
 * METRICS_NAMESPACE.
 */
import { EmfMetricsExporter } from '../../shared/aws/emf-exporter.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { createLogger } from '../../shared/observability/pino-logger.js';
import { runSweepItemTask } from './run-sweep-item.js';

const logger = createLogger({ name: 'sweep-item' });
const metrics = new MetricsRegistry();
const code = await runSweepItemTask({ env: process.env, args: process.argv.slice(2), logger, metrics });
new EmfMetricsExporter(process.env.METRICS_NAMESPACE ?? 'PmusTrader/local').export(metrics);
process.exitCode = code;
