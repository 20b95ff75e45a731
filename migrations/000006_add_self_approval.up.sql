-- Separation of duties: whoever submitted an assessment cannot approve it, unless the
-- organisation allows it (for one-person organisations). Off by default.
ALTER TABLE organisations ADD COLUMN allow_self_approval boolean NOT NULL DEFAULT false;
