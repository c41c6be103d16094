/**
 * Settings of the engine-service processes (`main.ts`, `fanout-main.ts`) from the
 * environment: every setting has a default for the local cloud, and an empty variable
 * counts as unset, as a blank line in an ECS task definition or a shell does.
 */

/**
 * `name`'s value in `source`, or `fallback` when it is unset or empty.
 * @example env('LOG_LEVEL', 'info') // 'info' unless LOG_LEVEL is set
 */
export function env(name: string, fallback: string, source: NodeJS.ProcessEnv = process.env): string {
  const value = source[name];
  return value === undefined || value === '' ? fallback : value;
}
