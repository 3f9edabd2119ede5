-- Patterns: the enumerated facts of a published report as columns, so distributions (how
-- incidents were detected, how long they lasted, what triggered them) are one GROUP BY.
ALTER TABLE reports ADD COLUMN detection_method TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN time_to_detect TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN duration TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN change_type TEXT NOT NULL DEFAULT '';
UPDATE reports SET
    detection_method = COALESCE(json_extract(content, '$.detection.method'), ''),
    time_to_detect = COALESCE(json_extract(content, '$.detection.time_to_detect'), ''),
    duration = COALESCE(json_extract(content, '$.duration'), ''),
    change_type = COALESCE(json_extract(content, '$.trigger.change_type'), '');
