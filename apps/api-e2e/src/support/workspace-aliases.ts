/**
 * Jest loads the global setup and teardown with Node's own module resolution, not with its resolver:
 * imported before anything else there, this teaches Node the workspace path aliases
 * (`@kube-monitoring/*` of tsconfig.base.json).
 */
import { join } from 'node:path';

import { loadConfig, register } from 'tsconfig-paths';

const config = loadConfig(join(__dirname, '../../../../tsconfig.base.json'));
if (config.resultType === 'failed') throw new Error(`tsconfig.base.json: ${config.message}`);
register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });
