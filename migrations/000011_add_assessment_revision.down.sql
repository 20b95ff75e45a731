ALTER TABLE assessments DROP COLUMN IF EXISTS revision;
