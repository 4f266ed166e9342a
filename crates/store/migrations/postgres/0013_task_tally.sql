-- Task progress from counters, kept in the same transaction as every report
-- change, so the region's progress reads a few dozen rows instead of
-- grouping its 14,592 reports on every view (DESIGN.md, design 3, applied to
-- five-level linkage). Under 32 clients handing in answers the GROUP BY cost
-- 10 ms per view on PostgreSQL and queued behind the writers.

-- Whether a report's first submission was on or before the deadline, and
-- both facts as they were before its last change, so the statement that
-- changes a report returns old and new (SET reads the old row).
ALTER TABLE task_reports ADD COLUMN prev_status TEXT;
ALTER TABLE task_reports ADD COLUMN prev_on_time BIGINT;
ALTER TABLE task_reports ADD COLUMN on_time BIGINT NOT NULL DEFAULT 0;
UPDATE task_reports SET on_time = 1 WHERE first_submitted_on IS NOT NULL
    AND first_submitted_on <= (SELECT t.deadline FROM tasks t WHERE t.id = task_reports.task_id);

-- Reports counted for every ancestor unit (itself included) by the child
-- they lie under (0: the unit's own report) and status. `own`: reports whose
-- unit is that child itself.
CREATE TABLE task_tally (
    task_id   BIGINT NOT NULL,
    unit_id   BIGINT NOT NULL,
    child_id  BIGINT NOT NULL,
    status    TEXT    NOT NULL,
    n         BIGINT NOT NULL,
    on_time   BIGINT NOT NULL,
    own       BIGINT NOT NULL,
    PRIMARY KEY (task_id, unit_id, child_id, status)
);

-- Handed-in numeric answers summed for every ancestor unit. Minimum and
-- maximum are read from task_numbers' indexes (two seeks per field).
CREATE TABLE task_sums (
    task_id  BIGINT NOT NULL,
    unit_id  BIGINT NOT NULL,
    key      TEXT    NOT NULL,
    total    DOUBLE PRECISION NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (task_id, unit_id, key)
);

INSERT INTO task_tally (task_id, unit_id, child_id, status, n, on_time, own)
SELECT task_id, l1, CASE WHEN level = 1 THEN 0 ELSE l2 END, status, COUNT(*), SUM(on_time),
       SUM(CASE WHEN level <= 2 THEN 1 ELSE 0 END)
FROM task_reports WHERE l1 IS NOT NULL AND level >= 1
GROUP BY task_id, l1, CASE WHEN level = 1 THEN 0 ELSE l2 END, status;
INSERT INTO task_sums (task_id, unit_id, key, total, n)
SELECT task_id, l1, key, SUM(value), COUNT(*) FROM task_numbers
WHERE counted = 1 AND l1 IS NOT NULL GROUP BY task_id, l1, key;

INSERT INTO task_tally (task_id, unit_id, child_id, status, n, on_time, own)
SELECT task_id, l2, CASE WHEN level = 2 THEN 0 ELSE l3 END, status, COUNT(*), SUM(on_time),
       SUM(CASE WHEN level <= 3 THEN 1 ELSE 0 END)
FROM task_reports WHERE l2 IS NOT NULL AND level >= 2
GROUP BY task_id, l2, CASE WHEN level = 2 THEN 0 ELSE l3 END, status;
INSERT INTO task_sums (task_id, unit_id, key, total, n)
SELECT task_id, l2, key, SUM(value), COUNT(*) FROM task_numbers
WHERE counted = 1 AND l2 IS NOT NULL GROUP BY task_id, l2, key;

INSERT INTO task_tally (task_id, unit_id, child_id, status, n, on_time, own)
SELECT task_id, l3, CASE WHEN level = 3 THEN 0 ELSE l4 END, status, COUNT(*), SUM(on_time),
       SUM(CASE WHEN level <= 4 THEN 1 ELSE 0 END)
FROM task_reports WHERE l3 IS NOT NULL AND level >= 3
GROUP BY task_id, l3, CASE WHEN level = 3 THEN 0 ELSE l4 END, status;
INSERT INTO task_sums (task_id, unit_id, key, total, n)
SELECT task_id, l3, key, SUM(value), COUNT(*) FROM task_numbers
WHERE counted = 1 AND l3 IS NOT NULL GROUP BY task_id, l3, key;

INSERT INTO task_tally (task_id, unit_id, child_id, status, n, on_time, own)
SELECT task_id, l4, CASE WHEN level = 4 THEN 0 ELSE l5 END, status, COUNT(*), SUM(on_time),
       SUM(CASE WHEN level <= 5 THEN 1 ELSE 0 END)
FROM task_reports WHERE l4 IS NOT NULL AND level >= 4
GROUP BY task_id, l4, CASE WHEN level = 4 THEN 0 ELSE l5 END, status;
INSERT INTO task_sums (task_id, unit_id, key, total, n)
SELECT task_id, l4, key, SUM(value), COUNT(*) FROM task_numbers
WHERE counted = 1 AND l4 IS NOT NULL GROUP BY task_id, l4, key;

INSERT INTO task_tally (task_id, unit_id, child_id, status, n, on_time, own)
SELECT task_id, l5, 0, status, COUNT(*), SUM(on_time),
       SUM(CASE WHEN level <= 6 THEN 1 ELSE 0 END)
FROM task_reports WHERE l5 IS NOT NULL AND level >= 5
GROUP BY task_id, l5, status;
INSERT INTO task_sums (task_id, unit_id, key, total, n)
SELECT task_id, l5, key, SUM(value), COUNT(*) FROM task_numbers
WHERE counted = 1 AND l5 IS NOT NULL GROUP BY task_id, l5, key;

-- Progress no longer groups report rows; the covering indexes that served it
-- made every status change rewrite two wide index entries (and on
-- PostgreSQL ruled out HOT updates). Exports and approvals need only these.
DROP INDEX task_reports_p1;
DROP INDEX task_reports_p2;
CREATE INDEX task_reports_l1 ON task_reports(task_id, l1);
CREATE INDEX task_reports_l2 ON task_reports(task_id, l2);
