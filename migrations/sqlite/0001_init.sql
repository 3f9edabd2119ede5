-- Private tables: who submitted what. Never read by a public query path.
CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    profile TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('submitter', 'moderator', 'admin')),
    org_id TEXT REFERENCES organisations(id),
    created_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    org_id TEXT REFERENCES organisations(id),
    user_id TEXT REFERENCES users(id),
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    status TEXT NOT NULL,
    raw TEXT,
    scrubbed TEXT NOT NULL,
    findings TEXT,
    finding_counts TEXT NOT NULL,
    keep_terms TEXT NOT NULL DEFAULT '[]',
    reason TEXT,
    report_id TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX submissions_status ON submissions(status, created_at);
CREATE INDEX submissions_org ON submissions(org_id, created_at);

-- Public tables: scrubbed, coarsened reports only. No column refers to the private side.
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    published TEXT NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE INDEX reports_position ON reports(position);

CREATE TABLE report_technologies (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    technology_id TEXT NOT NULL,
    PRIMARY KEY (report_id, technology_id)
);

CREATE TABLE report_factors (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    factor_id TEXT NOT NULL,
    PRIMARY KEY (report_id, factor_id)
);

-- Every change to the public store, in order; drives the indexer.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    created_at BIGINT NOT NULL
);

CREATE TABLE digests (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    commentary TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE digest_reports (
    slug TEXT NOT NULL REFERENCES digests(slug) ON DELETE CASCADE,
    report_id TEXT NOT NULL REFERENCES reports(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (slug, report_id)
);
