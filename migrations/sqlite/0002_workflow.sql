-- The moderation workflow: claims, notes to the submitter, and an audit log of every
-- status change (private: who moved which submission, when, from what, to what, why).
ALTER TABLE submissions ADD COLUMN note TEXT;
ALTER TABLE submissions ADD COLUMN claimed_by TEXT;

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX audit_log_submission ON audit_log(submission_id, id);
