import { Types } from 'mongoose';
import { officialCatalogue } from '../../src/conduct-code/official.js';
import { EvaluationModel, type Evaluation } from '../../src/evaluations/model.js';
import { makeCodeVersion } from '../helpers/factories.js';
import { submitForm, type Agent } from '../helpers/app.js';
import { idle as periodJobsIdle } from '../../src/evaluations/jobs.js';

export const CODES = officialCatalogue.criteria.map((c) => c.code);

export const publishCode = makeCodeVersion;

export { asActor, makeWorld, type World } from '../helpers/world.js';

export function allRated(level: string, extra: Record<string, Record<string, string>> = {}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const code of CODES) {
    fields[`ratings[${code}][level]`] = level;
    for (const [k, v] of Object.entries(extra[code] ?? {})) fields[`ratings[${code}][${k}]`] = v;
  }
  return fields;
}

export async function evaluationOf(staffId: Types.ObjectId): Promise<Evaluation> {
  return (await EvaluationModel.findOne({ staffId }).sort({ periodStart: -1 }).lean()) as Evaluation;
}

/** Creates and opens a period through the pages, as the signed-in agent; returns its id. */
export async function openPeriodVia(agent: Agent, fields: { unitId: string; kind?: string; year?: string; number?: string; deadline?: string }): Promise<string> {
  const created = await submitForm(agent, '/evaluations/periods/new', '/evaluations/periods', {
    kind: 'quarterly',
    year: '2026',
    number: '1',
    deadline: '15/04/2026',
    ...fields,
  });
  if (created.status !== 302) throw new Error(`period not created: ${created.status} ${created.text.slice(0, 2000)}`);
  const periodPath = created.headers.location as string;
  const opened = await submitForm(agent, periodPath, `${periodPath}/open`, {});
  if (opened.status !== 303) throw new Error(`period not opened: ${opened.status}`);
  await finishJob(agent, opened.headers.location as string, periodPath);
  return periodPath.split('/').pop()!;
}

/** Waits for the background job a POST redirected to, then follows its page back to the period. */
export async function finishJob(agent: Agent, jobPath: string, periodPath: string): Promise<void> {
  if (!/\/jobs\/[0-9a-f]{24}$/.test(jobPath)) throw new Error(`not a job page: ${jobPath}`);
  await periodJobsIdle();
  const done = await agent.get(jobPath);
  if (done.status !== 303 || done.headers.location !== periodPath) throw new Error(`job not done: ${done.status} ${done.text.slice(0, 500)}`);
}
