/** CDK entry point: `cdk synth -c stage=staging|prod [-c alarmEmail=ops@example.com]`. Offline, no lookups. */
import { createTradingApp } from '../trading-app.js';

const { app } = createTradingApp();
app.synth();
