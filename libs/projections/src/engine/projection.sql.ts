/** The projections' bookkeeping (migration 0004): which generation serves, and how far each has applied the journal. */

export const SELECT_PROJECTION = `
SELECT active_generation, version FROM ledger_views.projections WHERE name = $1`;

export const INSERT_PROJECTION = `
INSERT INTO ledger_views.projections (name, active_generation, version) VALUES ($1, $2, $3)
ON CONFLICT (name) DO NOTHING`;

export const ACTIVATE_GENERATION = `
UPDATE ledger_views.projections SET active_generation = $2, version = $3, activated_at = now()
 WHERE name = $1`;

export const SELECT_CHECKPOINT = `
SELECT position::text AS position FROM ledger_views.projection_checkpoints WHERE name = $1 AND generation = $2`;

export const INSERT_CHECKPOINT = `
INSERT INTO ledger_views.projection_checkpoints (name, generation, position, version) VALUES ($1, $2, -1, $3)
ON CONFLICT (name, generation) DO NOTHING`;

/** Compare-and-set: no row is updated when another instance (or a stale batch) moved it first. */
export const ADVANCE_CHECKPOINT = `
UPDATE ledger_views.projection_checkpoints SET position = $4, updated_at = now()
 WHERE name = $1 AND generation = $2 AND position = $3
RETURNING position`;

export const DELETE_CHECKPOINT = `
DELETE FROM ledger_views.projection_checkpoints WHERE name = $1 AND generation = $2`;

/** Every projection's active generation and how far it has applied the journal. */
export const ACTIVE_CHECKPOINTS = `
SELECT p.name, p.active_generation, c.position::text AS position
  FROM ledger_views.projections p
  JOIN ledger_views.projection_checkpoints c ON c.name = p.name AND c.generation = p.active_generation`;

export function generationSchema(name: string, generation: number): string {
  return `view_${name}_${generation}`;
}

/** The stable view readers query, over one table of the active generation. */
export function replaceView(table: string, schema: string): string {
  return `DROP VIEW IF EXISTS ledger_views.${table}; CREATE VIEW ledger_views.${table} AS SELECT * FROM ${schema}.${table};`;
}
