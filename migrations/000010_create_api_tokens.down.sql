DROP INDEX IF EXISTS assessments_org_created_idx;
DROP TABLE IF EXISTS api_tokens;
