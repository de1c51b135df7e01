import { z } from 'zod';

export const loginForm = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
});

/** A six-digit code (spaces allowed) or a recovery code (xxxxx-xxxxx). */
export const codeForm = z.object({
  code: z.string().trim().min(6).max(40),
});
