ALTER TABLE organisations DROP COLUMN IF EXISTS sso_required;
DROP TABLE IF EXISTS user_identities;
