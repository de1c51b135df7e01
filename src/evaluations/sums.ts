import type { Model, PipelineStage } from 'mongoose';

/**
 * Grouped sums, one pipeline per summed field, merged by group key. FerretDB v1.24.2 computes only the
 * FIRST accumulator of a `$group` stage and returns 0 for every other one (checked against the server in
 * test/evaluations/sums.test.ts), so several `$sum`s in one stage silently give wrong numbers there.
 */
export async function groupSums<K, F extends string>(
  model: Model<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  stages: PipelineStage[],
  groupId: unknown,
  fields: Record<F, unknown>,
): Promise<({ _id: K } & Record<F, number>)[]> {
  const names = Object.keys(fields) as F[];
  const results = await Promise.all(
    names.map((name) => model.aggregate<{ _id: K; v: number }>([...stages, { $group: { _id: groupId, v: { $sum: fields[name] } } } as PipelineStage])),
  );
  const merged = new Map<string, { _id: K } & Record<F, number>>();
  results.forEach((rows, i) => {
    for (const row of rows) {
      const key = JSON.stringify(row._id);
      let entry = merged.get(key);
      if (!entry) {
        entry = { _id: row._id, ...Object.fromEntries(names.map((n) => [n, 0])) } as { _id: K } & Record<F, number>;
        merged.set(key, entry);
      }
      (entry as Record<string, unknown>)[names[i]!] = row.v;
    }
  });
  return [...merged.values()];
}
