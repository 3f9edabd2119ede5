-- Accounts: scoped, expiring API tokens; admin-issued invitations; password reset links.
-- Link tokens are stored as SHA-256 hashes only, like API tokens and session ids.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'submit read-own';
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
-- Existing tokens keep working: organisation tokens submit and read their own submissions,
-- moderators' and admins' tokens moderate.
UPDATE api_tokens SET scopes = 'moderate'
    WHERE user_id IN (SELECT id FROM users WHERE role IN ('moderator', 'admin'));
CREATE INDEX api_tokens_org ON api_tokens(org_id, created_at);
CREATE INDEX api_tokens_user ON api_tokens(user_id, created_at);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('submitter', 'moderator', 'admin')),
    org_id TEXT REFERENCES organisations(id),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_user ON password_resets(user_id);
