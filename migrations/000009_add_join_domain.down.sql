ALTER TABLE organisations DROP COLUMN IF EXISTS join_role, DROP COLUMN IF EXISTS join_domain;
