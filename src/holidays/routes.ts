import { Router } from 'express';

export function holidaysRouter(): Router {
  return Router();
}
