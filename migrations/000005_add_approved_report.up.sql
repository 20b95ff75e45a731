-- The scored report frozen when an assessment is approved: it stays reproducible even after the
-- questionnaire or the scoring model changes.
ALTER TABLE assessments ADD COLUMN approved_report jsonb;
