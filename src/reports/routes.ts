import { Router } from 'express';

export function reportsRouter(): Router {
  return Router();
}
