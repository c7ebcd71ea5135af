/** The deadline_timers reactor's own table: each dataset's update frequency, which its releases' timers need. */

export const DEADLINE_TIMER_TABLES = ['deadline_timer_datasets'];

export function deadlineTimerTables(schema: string): string {
  return `
CREATE TABLE ${schema}.deadline_timer_datasets (
  dataset_id       text COLLATE "C" PRIMARY KEY,
  update_frequency text NOT NULL
);`;
}

export function insertTimerDataset(schema: string): string {
  return `
INSERT INTO ${schema}.deadline_timer_datasets (dataset_id, update_frequency) VALUES ($1, $2)
ON CONFLICT (dataset_id) DO NOTHING`;
}

export function selectTimerDataset(schema: string): string {
  return `SELECT update_frequency FROM ${schema}.deadline_timer_datasets WHERE dataset_id = $1`;
}
