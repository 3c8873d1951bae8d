import { stageTemplateSuite } from './stage-template-suite.js';

stageTemplateSuite('staging', { alarmEmail: 'alerts@example.com' });
