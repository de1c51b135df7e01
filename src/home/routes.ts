import { Router } from 'express';
import { requireLogin, actor } from '../auth/index.js';
import { overviewFor } from './service.js';

export function homeRouter(): Router {
  const router = Router();
  // GET / — the signed-in user's overview
  router.get('/', requireLogin, async (req, res) => {
    res.render('home/index', { title: res.locals.t('home.title'), overview: await overviewFor(actor(req)) });
  });
  return router;
}
