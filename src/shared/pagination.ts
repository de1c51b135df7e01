export const PAGE_SIZE = 25;

export function pageNumber(raw: unknown): number {
  const n = Number.parseInt(String(raw ?? '1'), 10);
  return Number.isFinite(n) && n >= 1 && n <= 100_000 ? n : 1;
}

export function pageInfo(page: number, total: number, size = PAGE_SIZE) {
  const pages = Math.max(1, Math.ceil(total / size));
  return { page: Math.min(page, pages), pages, total, size };
}
