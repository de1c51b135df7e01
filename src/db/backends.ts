/** FerretDB's storage: PostgreSQL filters in the engine (the default); SQLite decodes every non-`_id` query in Go. */
export const EMBEDDED_BACKENDS = ['postgresql', 'sqlite'] as const;
export type EmbeddedBackend = (typeof EMBEDDED_BACKENDS)[number];
