import { stageTemplateSuite } from './stage-template-suite.js';

stageTemplateSuite('prod');
