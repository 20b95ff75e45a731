ALTER TABLE organisations DROP COLUMN IF EXISTS allow_self_approval;
