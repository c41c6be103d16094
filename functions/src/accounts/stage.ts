/**
 * The one switch between a developer's machine and a cloud deployment: `STAGE`.
 *
 * `STAGE` unset, `local` or `test` is a local stage: a fixed development key seals API
 * secrets when `API_SECRET_KEY` is unset, and open sign-up defaults to on. Any other
 * value (`prod`, `staging`, …) is a cloud stage: `API_SECRET_KEY` is required and open
 * sign-up defaults to off. The CDK app sets `STAGE`; nothing else needs to.
 *
 * As a second guard, a process running on AWS Lambda (`AWS_EXECUTION_ENV` starting
 * with `AWS_Lambda_`) is never a local stage, whatever `STAGE` says, so a deployment
 * that forgot the variable still refuses the development key.
 */

const LOCAL_STAGES = new Set(['', 'local', 'test']);

/** True on a developer machine or in tests; false in any cloud deployment. */
export function isLocalStage(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.AWS_EXECUTION_ENV ?? '').startsWith('AWS_Lambda_')) return false;
  return LOCAL_STAGES.has((env.STAGE ?? '').trim().toLowerCase());
}

/**
 * Whether `POST /api/v1/accounts` (open sign-up) is served: `OPEN_SIGNUP` when set
 * (`true`/`false`), else on in a local stage and off in a cloud one.
 * @throws Error when `OPEN_SIGNUP` is set to anything but `true` or `false`
 */
export function isOpenSignupEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.OPEN_SIGNUP?.trim().toLowerCase();
  if (raw === undefined || raw === '') return isLocalStage(env);
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`OPEN_SIGNUP must be "true" or "false", not "${env.OPEN_SIGNUP}"`);
}
