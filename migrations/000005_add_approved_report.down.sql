ALTER TABLE assessments DROP COLUMN IF EXISTS approved_report;
