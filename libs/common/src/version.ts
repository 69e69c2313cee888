import { version } from '../../../package.json';

/** The HiveHub release this process runs. */
export const HIVEHUB_VERSION: string = version;
