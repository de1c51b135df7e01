import { Router } from 'express';
import { requireLogin } from '../auth/guards.js';

export function dashboardRouter(): Router {
  const router = Router();
  router.use(requireLogin);
  return router;
}
