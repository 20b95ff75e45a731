DROP TABLE IF EXISTS audit_log, auth_throttle, password_resets, sessions, invitations, memberships, organisations, users;
