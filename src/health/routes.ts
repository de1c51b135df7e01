import { Router } from 'express';
import mongoose from 'mongoose';
import { databaseIsUp } from '../db/connection.js';

const withTimeout = <T>(p: Promise<T>, ms: number, fallback: T) =>
  Promise.race([p, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref())]);

export function healthRouter(connection: mongoose.Connection = mongoose.connection): Router {
  const router = Router();
  // GET /health — for load balancers and monitoring; no session, no personal data
  router.get('/health', async (_req, res) => {
    const database = await withTimeout(databaseIsUp(connection), 2000, false);
    res.status(database ? 200 : 503).json({ status: database ? 'ok' : 'unavailable', database: database ? 'up' : 'down' });
  });
  return router;
}
