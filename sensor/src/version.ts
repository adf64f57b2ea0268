// The sensor's version, reported in `hello`. Kept in step with package.json by the release.
export const SENSOR_VERSION = '0.1.0';
