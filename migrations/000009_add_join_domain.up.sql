-- An owner can let people of their own e-mail domain join the organisation by single sign-on,
-- with a chosen role. One organisation per domain, so that nobody can claim another's people.
ALTER TABLE organisations
    ADD COLUMN join_domain text UNIQUE,
    ADD COLUMN join_role   text NOT NULL DEFAULT 'viewer' CHECK (join_role IN ('editor', 'reviewer', 'viewer'));
