-- name: history_page
-- Filters are appended by history/service.py (composed, parameterized); newest first.
SELECT h.id, h.record_id, h.field, h.old_value, h.new_value, h.source, h.detected_at, h.run_id,
       h.username, h.pems_answer
FROM pfa_history h
WHERE h.organization_id = %(org_id)s
