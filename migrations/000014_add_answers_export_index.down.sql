DROP INDEX IF EXISTS answers_export_idx;
