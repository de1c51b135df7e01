import type { Logger } from 'pino';
export async function seedIfEmpty(_logger: Logger): Promise<void> {}
