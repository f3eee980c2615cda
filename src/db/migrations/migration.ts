/**
 * One schema change. `id` orders migrations and is recorded once applied; never edit a
 * released migration, add a new one. Statements run in one transaction, on PostgreSQL and
 * PGlite alike.
 */
export interface Migration {
  id: string;
  statements: string[];
}
