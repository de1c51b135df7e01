import { z } from 'zod';
import { ROLES } from '../auth/index.js';
import { checkbox, objectId, optionalObjectId, requiredText } from '../shared/validation.js';

export const password = z.string().min(10, 'validation.passwordTooShort').max(200);

const roleRows = z
  .array(z.object({ role: z.union([z.enum(ROLES), z.literal('')]), unitId: z.union([objectId, z.literal('')]) }))
  .max(6)
  .default([])
  .transform((rows) => rows.filter((r) => r.role !== '' || r.unitId !== ''))
  .superRefine((rows, ctx) => {
    rows.forEach((r, i) => {
      if (r.role === '' || r.unitId === '') ctx.addIssue({ code: 'custom', path: [i], message: 'users.errors.incompleteRole' });
    });
    if (rows.length === 0) ctx.addIssue({ code: 'custom', message: 'users.errors.noRole' });
  })
  .transform((rows) => rows as { role: (typeof ROLES)[number]; unitId: string }[]);

const email = z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.union([z.literal(''), z.email('validation.email').max(200)]).default(''));

export const createUserForm = z.object({
  email,
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9._-]{3,40}$/, 'users.errors.username'),
  displayName: requiredText(120),
  password,
  staffId: optionalObjectId,
  roles: roleRows,
});

export const updateUserForm = z.object({
  displayName: requiredText(120),
  email,
  active: checkbox,
  roles: roleRows,
});

export const resetPasswordForm = z.object({ password });

export const changePasswordForm = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: password, confirmPassword: z.string().max(200) })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'users.errors.passwordMismatch' });

export const twoFactorCodeForm = z.object({
  code: z.string().trim().min(6, 'twoFactor.errors.codeRequired').max(40, 'twoFactor.errors.codeRequired'),
});
