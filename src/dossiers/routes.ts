import { Router } from 'express';

export function dossiersRouter(): Router {
  return Router();
}
