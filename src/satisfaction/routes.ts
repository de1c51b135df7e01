import { Router } from 'express';

export function satisfactionRouter(): Router {
  return Router();
}
