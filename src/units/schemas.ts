import { z } from 'zod';
import { dateInput, objectId, optionalDateInput, optionalObjectId, optionalText, requiredText } from '../shared/validation.js';
import { UNIT_KINDS } from './model.js';

const code = requiredText(40).regex(/^[\p{L}\p{N}._-]+$/u, 'validation.invalidFormat');
const kind = z.enum(UNIT_KINDS);
const optionalKind = z.preprocess((v) => (v === '' ? undefined : v), kind.optional());
const blankToArray = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

/** POST /units */
export const createUnitSchema = z
  .object({
    code,
    name: requiredText(200),
    kind,
    parentId: z.preprocess((v) => (v === '' ? undefined : v), objectId.optional()).refine((v) => v !== undefined, 'validation.required'),
    effectiveFrom: dateInput,
    effectiveTo: optionalDateInput,
  })
  .refine((v) => !v.effectiveTo || v.effectiveTo > v.effectiveFrom, { path: ['effectiveTo'], message: 'validation.dateOrder' })
  .transform((v) => ({ ...v, parentId: v.parentId! }));
export type CreateUnitInput = z.infer<typeof createUnitSchema>;

/** POST /units/:id */
export const updateUnitSchema = z
  .object({
    version: z.coerce.number().int().min(0),
    code,
    name: requiredText(200),
    kind,
    effectiveFrom: dateInput,
    effectiveTo: optionalDateInput,
  })
  .refine((v) => !v.effectiveTo || v.effectiveTo > v.effectiveFrom, { path: ['effectiveTo'], message: 'validation.dateOrder' });
export type UpdateUnitInput = z.infer<typeof updateUnitSchema>;

const reorganisation = {
  effectiveDate: dateInput,
  legalBasis: optionalText(300),
  note: optionalText(1000),
};

/** POST /units/:id/merge — the unit in the URL is always one of the sources. */
export const mergeFormSchema = z
  .object({
    sourceIds: z.preprocess(blankToArray, z.array(objectId).max(50)),
    targetMode: z.enum(['existing', 'new']),
    targetId: optionalObjectId,
    newCode: optionalText(40),
    newName: optionalText(200),
    newKind: optionalKind,
    newParentId: optionalObjectId,
    ...reorganisation,
  })
  .superRefine((v, ctx) => {
    const need = (field: string) => ctx.addIssue({ code: 'custom', path: [field], message: 'validation.required' });
    if (v.targetMode === 'existing' && !v.targetId) need('targetId');
    if (v.targetMode === 'new') {
      if (!v.newCode) need('newCode');
      else if (!/^[\p{L}\p{N}._-]+$/u.test(v.newCode)) ctx.addIssue({ code: 'custom', path: ['newCode'], message: 'validation.invalidFormat' });
      if (!v.newName) need('newName');
      if (!v.newKind) need('newKind');
      if (!v.newParentId) need('newParentId');
    }
  });
export type MergeForm = z.infer<typeof mergeFormSchema>;

const splitRow = z.object({ code: optionalText(40), name: optionalText(200), kind: optionalKind });

/** POST /units/:id/split — rows left empty are ignored; `rows` keeps each unit's row number for error messages. */
export const splitFormSchema = z
  .object({ newUnits: z.preprocess(blankToArray, z.array(splitRow).max(10)), ...reorganisation })
  .superRefine((v, ctx) => {
    v.newUnits.forEach((row, i) => {
      if (!row.code && !row.name && !row.kind) return;
      for (const field of ['code', 'name', 'kind'] as const) {
        if (!row[field]) ctx.addIssue({ code: 'custom', path: ['newUnits', i, field], message: 'validation.required' });
      }
      if (row.code && !/^[\p{L}\p{N}._-]+$/u.test(row.code)) ctx.addIssue({ code: 'custom', path: ['newUnits', i, 'code'], message: 'validation.invalidFormat' });
    });
  })
  .transform((v) => {
    const rows: number[] = [];
    const newUnits = v.newUnits.flatMap((row, i) => (row.code && row.name && row.kind ? (rows.push(i), [{ code: row.code, name: row.name, kind: row.kind }]) : []));
    return { ...v, newUnits, rows };
  });
export type SplitForm = z.infer<typeof splitFormSchema>;

/** POST /units/:id/close */
export const closeFormSchema = z.object({ successorId: optionalObjectId, ...reorganisation });
export type CloseForm = z.infer<typeof closeFormSchema>;
